"""A proposed speaker is checked when its suggestion is accepted: names cleaned, the speaker
of "X's remarks" is X, a document is named as the text names it, a pronoun, a figure or a
fragment never becomes a source (invented text)."""

import pytest
from django.core.exceptions import ValidationError

from sources.models import Source
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
