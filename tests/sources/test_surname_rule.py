"""A surname alone is decided by the article's own full-name mentions: one person named in
full is who it is (with the evidence kept), several are left for review, never guessed
(invented names and text)."""

import pytest

from sources.matching import compare_names, full_names_in_text, name_key
from sources.models import MergeSuggestion, Source
from sources.resolution import resolve_source, surname_in_article
from suggestions.bulk import accept_in_bulk
from suggestions.models import Suggestion
from suggestions.proposed import SpeakerLeftForReview
from suggestions.services import suggestion_accept
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = "The harbour will reopen next week"


def test_the_full_names_an_article_gives_a_surname():
    text = (
        "When Ilse K. Varnok arrived, Varnok spoke. Kellish Sen. Tomas Varnok Jr. listened. "
        "Sen. Ruta Varnok's aide waved. Did Varnok leave? She did not, and did stay."
    )
    assert full_names_in_text(text, "Varnok") == {
        "ilse": "Ilse K. Varnok",
        "tomas jr": "Tomas Varnok Jr.",
        "ruta": "Ruta Varnok",
    }
    # A sentence ends between "Ruta" and the next sentence's surname.
    assert full_names_in_text("He met Ruta. Varnok said no.", "Varnok") == {}
    assert full_names_in_text("Democrat Pia Varnok and Mr. Varnok.", "Varnok") == {
        "pia": "Pia Varnok"
    }
    # Title case: a word before the name that the text writes in lower case too.
    headline = "Despite Pia Varnok, Docks Back Ana Rell And Tomas Varnok. Docks stay, despite all."
    assert full_names_in_text(headline, "Varnok") == {"pia": "Pia Varnok", "tomas": "Tomas Varnok"}


def test_a_word_opening_a_sentence_that_may_be_a_first_name_leaves_the_surname_undecided():
    text = "Pia Varnok spoke. Bill Varnok waved at a bill. Varnok said yes."
    assert full_names_in_text(text, "Varnok") == {"pia": "Pia Varnok", "?bill": "Bill Varnok"}
    assert surname_in_article("Varnok", text).ambiguous
    alone = surname_in_article("Varnok", "Bill Varnok waved at a bill. Varnok said yes.")
    assert alone.full_name == ""
    assert not alone.ambiguous


def test_a_son_is_not_his_father():
    assert name_key("Tomas Varnok Jr.", person=True) == "tomas varnok jr"
    assert compare_names("Tomas Varnok Jr.", "Tomas Varnok", kind="person") is None
    assert compare_names("Tomas K. Varnok Jr.", "Tomas Varnok Jr.", kind="person") is not None


def test_the_article_decides_or_leaves_the_surname_undecided():
    one = surname_in_article("Mr. Varnok", "Ilse Varnok spoke. Mr. Varnok said so.")
    assert one.full_name == "Ilse Varnok"
    assert one.evidence("Mr. Varnok")["why"] == (
        "the article names one person of this surname in full"
    )
    two = surname_in_article("Varnok", "Ilse Varnok and Tomas Varnok came. Varnok said.")
    assert two.ambiguous
    assert two.full_name == ""
    assert surname_in_article("Ilse Varnok", "Ilse Varnok spoke.") is None


def _suggestion(body, name, source=None, mention=None):
    article = ArticleFactory(body=body)
    start = body.index(TEXT)
    return Suggestion.objects.create(
        article=article,
        kind="indirect",
        text=TEXT,
        start=start,
        end=start + len(TEXT),
        cue="said",
        speaker_mention=mention or name,
        source=source,
        proposed_source={} if source else {"key": "k", "kind": "person", "name": name},
        proposed_key="" if source else "k",
    )


def test_a_surname_becomes_the_one_person_the_article_names_in_full(editor):
    body = f"Ilse K. Varnok toured the docks. {TEXT}, Varnok said."
    attribution = suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor)
    assert attribution.source.name == "Ilse K. Varnok"
    assert not Source.objects.filter(name="Varnok").exists()
    row = Suggestion.objects.get(attribution=attribution)
    assert row.proposed_source["resolution"]["resolved_to"] == "Ilse K. Varnok"
    assert row.proposed_source["resolution"]["mention"] == "Varnok"
    assert "resolved to Ilse K. Varnok" in attribution.note
    # Another article writing the name without the initial finds the same person.
    other = f"Ilse Varnok returned. {TEXT}, Varnok said."
    again = suggestion_accept(suggestion=_suggestion(other, "Varnok"), user=editor)
    assert again.source == attribution.source


def test_the_article_chooses_between_stored_people_of_one_surname(editor):
    SourceFactory(name="Ilse Varnok")
    tomas = SourceFactory(name="Tomas Varnok")
    body = f"Tomas Varnok stood up. {TEXT}, Varnok said."
    assert suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor).source == tomas


def test_a_surname_the_article_gives_to_two_people_is_left_for_review(editor):
    body = f"Ilse Varnok and Tomas Varnok stood up. {TEXT}, Varnok said."
    with pytest.raises(SpeakerLeftForReview, match="Ilse Varnok or Tomas Varnok"):
        suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor)
    report = accept_in_bulk(Suggestion.objects.all(), user=editor)
    assert (report.accepted, report.left_for_review, report.failed) == (0, 1, [])
    row = Suggestion.objects.get()
    assert row.state == Suggestion.State.PENDING
    assert row.source is None
    assert row.proposed_source == {}
    assert "Speaker left for review" in row.note
    assert "Tomas Varnok" in row.note
    assert not Source.objects.exists()
    # The history keeps the proposal the review replaced.
    assert row.history.last().proposed_source["name"] == "Varnok"


def test_the_extractors_speaker_for_a_surname_yields_to_the_article(editor):
    bare = SourceFactory(name="Varnok")
    body = f"Ilse Varnok toured the docks. {TEXT}, Varnok said."
    attribution = suggestion_accept(suggestion=_suggestion(body, "", source=bare, mention="Varnok"))
    assert attribution.source.name == "Ilse Varnok"
    tomas = SourceFactory(name="Tomas Varnok")
    both = f"Ilse Varnok and Tomas Varnok stood up. {TEXT}, Varnok said."
    with pytest.raises(SpeakerLeftForReview):
        suggestion_accept(suggestion=_suggestion(both, "", source=tomas, mention="Varnok"))
    # An editor's choice stands.
    chosen = _suggestion(both, "", source=None, mention="Varnok")
    assert suggestion_accept(suggestion=chosen, source=tomas, user=editor).source == tomas
    # A full mention of the extractor's person is left alone.
    named = _suggestion(body, "", source=tomas, mention="Tomas Varnok")
    assert suggestion_accept(suggestion=named, user=editor).source == tomas


def test_a_full_name_never_attaches_to_a_surname_stored_alone(editor):
    bare = SourceFactory(name="Varnok")
    assert resolve_source("Ilse Varnok", "person", article_text="Ilse Varnok spoke.").source is None
    body = f"Ilse Varnok toured the docks. {TEXT}, Ilse Varnok said."
    attribution = suggestion_accept(suggestion=_suggestion(body, "Ilse Varnok"), user=editor)
    assert attribution.source.name == "Ilse Varnok"
    merge = MergeSuggestion.objects.get()
    assert (merge.keep, merge.duplicate) == (attribution.source, bare)


def test_a_surname_alias_never_decides_alone(editor):
    ilse = SourceFactory(name="Ilse Varnok")
    ilse.aliases.create(name="Varnok")
    tomas = SourceFactory(name="Tomas Varnok")
    found = resolve_source("Varnok", "person", article_text="Varnok said.")
    assert found.source is None
    assert set(found.ambiguous) == {ilse, tomas}


def test_one_surname_written_with_either_apostrophe(editor):
    stored = SourceFactory(name="Martin O’Fenn")
    assert resolve_source("Martin O'Fenn", "person").source == stored
