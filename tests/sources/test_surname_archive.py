"""A surname alone that its article does not decide is decided by the archive only with
context: the archive's one person of that surname, and the article carrying their first
name, role, affiliation or another of their names. Otherwise it is left for review naming
the candidates, never made a source of its own beside them. Groups the extractor files as
people become unnamed groups. (Invented names and text.)"""

import pytest
from django.core.exceptions import ValidationError

from sources.matching import full_names_in_text
from sources.models import Source
from sources.names import name_problem
from sources.resolution import (
    context_in_article,
    office_title,
    surname_in_archive,
)
from suggestions.bulk import accept_in_bulk, full_names_first
from suggestions.models import Suggestion
from suggestions.proposed import SpeakerLeftForReview
from suggestions.services import suggestion_accept
from tests.factories import ArticleFactory, OrganizationFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = "The harbour will reopen next week"


def _suggestion(body, name, *, role="", article=None):
    article = article or ArticleFactory(body=body)
    start = article.body.index(TEXT)
    proposal = {"key": name, "kind": "person", "name": name, "description": "", "role": role}
    return Suggestion.objects.create(
        article=article,
        kind="indirect",
        text=TEXT,
        start=start,
        end=start + len(TEXT),
        cue="said",
        speaker_mention=name,
        proposed_source=proposal,
        proposed_key=name,
    )


def test_the_context_an_article_gives_a_stored_person():
    board = OrganizationFactory(name="Harbour Board")
    ilse = SourceFactory(name="Ilse Varnok", role="harbour master", affiliation=board)
    ilse.aliases.create(name="Ilse Rell")
    assert context_in_article(ilse, "varnok", "Varnok said so.") == []
    assert context_in_article(ilse, "varnok", "Ilse was there. Varnok said so.") == [
        "first name “Ilse”"
    ]
    assert context_in_article(ilse, "varnok", "The harbour master said so, Varnok too.") == [
        "role “harbour master”"
    ]
    assert context_in_article(ilse, "varnok", "The Harbour Board met. Varnok said.") == [
        "affiliation “Harbour Board”"
    ]
    assert context_in_article(ilse, "varnok", "Ilse Rell met. Varnok said.") == [
        "first name “Ilse”",
        "alias “Ilse Rell”",
    ]
    # A first name the text also writes in lower case proves nothing; a one-word role
    # counts only just before the surname.
    bill = SourceFactory(name="Bill Kell", role="spokesman")
    assert context_in_article(bill, "kell", "Bill the bill, said a spokesman. Kell.") == []
    assert context_in_article(bill, "kell", "Spokesman Kell said.") == ["role “spokesman”"]
    senator = SourceFactory(name="Ana Rell", role="Sen.")
    assert context_in_article(senator, "rell", "Then Sen. Rell said no.") == ["role “Sen.”"]


def test_a_surname_attaches_to_the_archives_one_person_with_context(editor):
    ilse = SourceFactory(name="Ilse Varnok", role="harbour master")
    body = f"The harbour master spoke. {TEXT}, Varnok said."
    attribution = suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor)
    assert attribution.source == ilse
    assert not Source.objects.filter(name="Varnok").exists()
    evidence = Suggestion.objects.get(attribution=attribution).proposed_source["resolution"]
    assert evidence["resolved_to"] == "Ilse Varnok"
    assert evidence["context"] == ["role “harbour master”"]
    assert "the archive's one person of this surname" in evidence["why"]
    assert "resolved to Ilse Varnok" in attribution.note


def test_a_surname_without_context_is_left_for_review_naming_the_person(editor):
    SourceFactory(name="Ilse Varnok", role="harbour master")
    body = f"The ferry was late. {TEXT}, Varnok said."
    with pytest.raises(SpeakerLeftForReview, match="may be Ilse Varnok"):
        suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor)
    report = accept_in_bulk(Suggestion.objects.all(), user=editor)
    assert (report.accepted, report.left_for_review, report.failed) == (0, 1, [])
    row = Suggestion.objects.get()
    assert row.state == Suggestion.State.PENDING
    assert row.source is None
    assert "Ilse Varnok" in row.note
    assert not Source.objects.filter(name="Varnok").exists()


def test_a_surname_several_stored_people_share_is_left_for_review(editor):
    SourceFactory(name="Ilse Varnok", role="harbour master")
    SourceFactory(name="Tomas Varnok")
    # The article carries Ilse's role, but Tomas is a Varnok too: never guessed.
    body = f"The harbour master spoke. {TEXT}, Varnok said."
    with pytest.raises(SpeakerLeftForReview, match="Ilse Varnok or Tomas Varnok"):
        suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor)
    decided = surname_in_archive("Varnok", body)
    assert decided.source is None
    assert len(decided.people) == 2
    assert surname_in_archive("Ilse Varnok", body) is None


def test_a_surname_stored_alone_keeps_its_source_and_unknown_surnames_get_one(editor):
    bare = SourceFactory(name="Varnok")
    SourceFactory(name="Ilse Varnok")
    body = f"The ferry was late. {TEXT}, Varnok said."
    assert suggestion_accept(suggestion=_suggestion(body, "Varnok"), user=editor).source == bare
    # No one of the surname in the archive: the surname is all there is to go by.
    other = f"The ferry was late. {TEXT}, Kell said."
    made = suggestion_accept(suggestion=_suggestion(other, "Kell"), user=editor).source
    assert (made.kind, made.name) == ("person", "Kell")


def test_bulk_accept_meets_full_names_before_surnames(editor):
    early = _suggestion(f"The harbour master spoke. {TEXT}, Varnok said.", "Varnok")
    late = _suggestion(f"{TEXT}, Ilse Varnok said.", "Ilse Varnok", role="harbour master")
    assert early.article_id < late.article_id
    assert full_names_first(Suggestion.objects.order_by("pk")) == [late.pk, early.pk]
    report = accept_in_bulk(Suggestion.objects.order_by("article_id"), user=editor)
    assert (report.accepted, report.left_for_review, report.failed) == (2, 0, [])
    assert (report.sources_created, report.sources_attached) == (1, 1)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.source == late.source
    assert early.source.name == "Ilse Varnok"
    assert not Source.objects.filter(name="Varnok").exists()


@pytest.mark.parametrize("name", ["Democrats", "Harbour Democrats", "Dockside Voters"])
def test_a_group_filed_as_a_person_becomes_an_unnamed_group(editor, name):
    body = f"The ferry was late. {TEXT}, {name} said."
    attribution = suggestion_accept(suggestion=_suggestion(body, name), user=editor)
    source = attribution.source
    assert (source.kind, source.name, source.description) == ("group", "", name)
    assert source.article == attribution.article
    assert not Source.objects.filter(kind="person").exists()
    evidence = Suggestion.objects.get(attribution=attribution).proposed_source["resolution"]
    assert "unnamed group" in evidence["why"]
    assert source.history.count() == 1


def test_a_title_the_article_resolved_is_context_for_the_next_article(editor):
    assert (office_title("Sen. Varnok"), office_title("President Varnok")) == ("sen", "president")
    assert office_title("Mr. Varnok") == office_title("Ilse Varnok") == office_title("Varnok") == ""
    named = f"Ilse Varnok toured the docks. {TEXT}, President Varnok said."
    ilse = suggestion_accept(suggestion=_suggestion(named, "President Varnok"), user=editor).source
    assert ilse.name == "Ilse Varnok"
    assert "President Varnok" in ilse.aliases.values_list("name", flat=True)
    alone = f"The ferry was late. {TEXT}, President Varnok said."
    again = suggestion_accept(suggestion=_suggestion(alone, "President Varnok"), user=editor)
    assert again.source == ilse
    evidence = Suggestion.objects.get(attribution=again).proposed_source["resolution"]
    assert evidence["context"] == ["office title “President Varnok”"]
    # A courtesy title says nothing of who it is.
    with pytest.raises(SpeakerLeftForReview):
        suggestion_accept(suggestion=_suggestion(alone.replace("President", "Mr."), "Mr. Varnok"))
    # Of several people of the surname, the title chooses the one who holds it, unless the
    # article carries another's context too.
    SourceFactory(name="Pia Varnok", role="")
    third = suggestion_accept(suggestion=_suggestion(alone, "President Varnok"), user=editor)
    assert third.source == ilse
    evidence = Suggestion.objects.get(attribution=third).proposed_source["resolution"]
    assert evidence["candidates"] == ["Ilse Varnok", "Pia Varnok"]
    both = f"Pia came too. {TEXT}, President Varnok said."
    with pytest.raises(SpeakerLeftForReview, match="Ilse Varnok or Pia Varnok"):
        suggestion_accept(suggestion=_suggestion(both, "President Varnok"), user=editor)


def test_a_headlines_words_are_no_persons_name(editor):
    assert full_names_in_text("Pressure From Ana Varnok Grows", "Varnok") == {"ana": "Ana Varnok"}
    assert full_names_in_text("Pressure From Varnok Grows", "Varnok") == {}
    body = f"The ferry was late. {TEXT}, Look At Varnok said."
    with pytest.raises(ValidationError, match="fragment of a sentence"):
        suggestion_accept(suggestion=_suggestion(body, "Look At Varnok"), user=editor)


def test_a_son_named_with_his_suffix_is_a_candidate_and_titles_are_no_first_name(editor):
    SourceFactory(name="Tomas K. Varnok Jr.", role="")
    assert [p.name for p in surname_in_archive("Varnok", "").people] == ["Tomas K. Varnok Jr."]
    titled = SourceFactory(name="House Speaker Ana Kell", role="")
    assert context_in_article(titled, "kell", "The House met. Kell said.") == []
    place = SourceFactory(name="New Harbour Kell", role="")
    assert context_in_article(place, "kell", "New rules came. Kell said.") == []
    # A word that is a stored person's surname is no first name ("Varnok Cash Kell").
    SourceFactory(name="Ilse Varnok")
    headline = SourceFactory(name="Varnok Cash Kell", role="")
    assert context_in_article(headline, "kell", "Varnok spoke. Kell said.") == []


@pytest.mark.parametrize("word", ["Reached", "Nonetheless"])
def test_a_word_opening_a_sentence_is_no_speaker(word):
    assert name_problem(word) is not None
