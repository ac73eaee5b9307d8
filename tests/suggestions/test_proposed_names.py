"""A proposed speaker is checked when its suggestion is accepted: names cleaned, the speaker
of "X's remarks" is X, a document is named as the text names it, a pronoun, a figure or a
fragment never becomes a source (invented text)."""

import pytest
from django.core.exceptions import ValidationError

from sources.models import Source
from suggestions import services
from suggestions.bulk import accept_in_bulk, pending_suggestions
from suggestions.extraction import Extraction, ProposedSource
from suggestions.extraction import Suggestion as Extracted
from suggestions.models import Suggestion
from suggestions.services import suggestion_accept
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BODY = "Officials met on Monday. The harbour will reopen next week, the report said."
TEXT = "The harbour will reopen next week"


def _suggestion(kind, name="", description=""):
    return Suggestion.objects.create(
        article=ArticleFactory(body=BODY),
        kind="indirect",
        text=TEXT,
        start=BODY.index(TEXT),
        end=BODY.index(TEXT) + len(TEXT),
        cue="said",
        proposed_source={"key": "k", "kind": kind, "name": name, "description": description},
        proposed_key="k",
    )


def test_a_document_takes_its_name_from_the_text(editor):
    attribution = suggestion_accept(
        suggestion=_suggestion("document", description="a congressional report"), user=editor
    )
    assert attribution.source.kind == Source.Kind.DOCUMENT
    assert attribution.source.name == "a congressional report"


def test_names_are_cleaned_and_a_possessive_of_speech_names_its_owner(editor):
    cleaned = suggestion_accept(suggestion=_suggestion("person", "Ilse\u00ad Varnok,"), user=editor)
    assert cleaned.source.name == "Ilse Varnok"
    owner = suggestion_accept(suggestion=_suggestion("person", "Tomas Kell’s remarks"), user=editor)
    assert owner.source.name == "Tomas Kell"


@pytest.mark.parametrize(
    ("kind", "name", "description", "reason"),
    [
        ("person", "he", "", "pronoun"),
        ("anonymous", "", "She", "pronoun"),
        ("organization", "46 percent of voters", "", "figure"),
        ("person", "Additionally", "", "adverb"),
        ("person", "his brow and", "", "fragment"),
    ],
)
def test_what_is_not_a_name_never_becomes_a_source(editor, kind, name, description, reason):
    suggestion = _suggestion(kind, name, description)
    with pytest.raises(ValidationError, match=reason):
        suggestion_accept(suggestion=suggestion, user=editor)
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.PENDING
    assert not Source.objects.exists()


def test_a_speaker_that_is_no_name_is_stored_without_one_for_review(editor, monkeypatch):
    article = ArticleFactory(body=BODY)
    start = BODY.index(TEXT)
    extracted = Extracted(
        start=start,
        end=start + len(TEXT),
        text=TEXT,
        kind="indirect",
        cue="said",
        cue_start=BODY.index("said"),
        cue_end=BODY.index("said") + 4,
        speaker_start=None,
        speaker_end=None,
        speaker_mention="he",
        source_id=None,
        proposed_source="he",
        recipient="",
        said_when_text="",
        confidence=0.6,
    )
    proposed = ProposedSource("he", "anonymous", "", "he", "", None, "", ())
    monkeypatch.setattr(
        services, "extract_for_text_article", lambda a: Extraction((extracted,), (proposed,))
    )
    services.suggest_attributions(article=article, user=editor)
    row = Suggestion.objects.get(article=article)
    assert row.proposed_source == {}
    assert row.note.startswith("Speaker left for review: “he” cannot stand for a speaker")
    assert row.speaker_label == "speaker to choose (“he”)"
    report = accept_in_bulk(pending_suggestions(), user=editor)
    assert (report.accepted, report.left_for_review, report.failed) == (0, 1, [])
    with pytest.raises(ValidationError, match="Choose the speaker"):
        suggestion_accept(suggestion=row, user=editor)
    named = Source.objects.create(kind="person", name="Tomas Kell")
    assert suggestion_accept(suggestion=row, user=editor, source=named).source == named


def test_the_act_of_a_suggestion_is_stored_and_carried_to_the_attribution(editor):
    body = "Officials met on Monday. The mayor believes the harbour will reopen next week."
    article = ArticleFactory(body=body)
    services.suggest_attributions(article=article, user=editor)
    row = Suggestion.objects.get(article=article)
    assert row.act == "belief"
    assert suggestion_accept(suggestion=row, user=editor).act == "belief"


def test_a_speaker_without_a_name_or_description_is_left_for_review(editor):
    suggestion = _suggestion("anonymous", "", "“ ”")
    with pytest.raises(ValidationError, match="no name or description"):
        suggestion_accept(suggestion=suggestion, user=editor)
