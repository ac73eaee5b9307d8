"""One person, one source: a proposed speaker resolved to the stored source it names, merge
suggestions for the unsure cases, and the duplicate finder (invented names)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from claims.models import Attribution
from sources.matching import NameMatch, compare_names, name_key, text_key
from sources.models import MergeSuggestion, Source
from sources.resolution import (
    PROPOSE,
    find_duplicates,
    merge_suggestion_accept,
    merge_suggestion_reject,
    propose_merge,
    resolve_source,
)
from suggestions.models import Suggestion
from suggestions.services import suggestion_accept
from tests.factories import ArticleFactory, AttributionFactory, OrganizationFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b", "kind", "reason"),
    [
        ("Ilse M. Varnok", "Ilse Varnok", "person", "same name"),
        ("Sen. Ilse Varnok", "Ilse Varnok", "person", "same name"),
        ("Ilse Maria Varnok", "Ilse Varnok", "person", "same name"),
        ("H.R.W.", "HRW", "organization", "same name"),
        ("HRW", "Harbour River Watch", "organization", "acronym"),
        ("The Harbour Wire", "Harbour Wire", "organization", "same name"),
        ("Varnok", "Ilse Varnok", "person", "surname only"),
    ],
)
def test_names_of_one_source(a, b, kind, reason):
    assert compare_names(a, b, kind=kind).reason == reason


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("Tomas Varnok", "Ilse Varnok", "person"),
        ("Ilse", "Ilse Varnok", "person"),
        ("HRW", "Harbour Wire", "organization"),
    ],
)
def test_names_of_different_sources(a, b, kind):
    assert compare_names(a, b, kind=kind) is None


def test_a_surname_named_in_full_in_the_article_is_sure():
    context = text_key("Ilse Varnok arrived. Varnok said the ferry would run.")
    assert (
        compare_names("Varnok", "Ilse Varnok", kind="person", article_text_key=context).confidence
        == 0.9
    )
    assert name_key("Donald J. Trump", person=True) == "donald trump"


def test_resolution_attaches_sure_matches_and_names_unsure_ones():
    ilse = SourceFactory(name="Ilse Varnok")
    assert resolve_source("Ilse M. Varnok", "person").source == ilse
    surname = resolve_source("Varnok", "person")
    assert surname.source is None
    assert surname.candidate == ilse
    in_article = resolve_source("Varnok", "person", article_text="Ilse Varnok spoke first.")
    assert in_article.source == ilse


def test_an_ambiguous_surname_is_never_guessed():
    ilse = SourceFactory(name="Ilse Varnok")
    tomas = SourceFactory(name="Tomas Varnok")
    bare = resolve_source("Varnok", "person")
    assert bare.source is None
    assert set(bare.ambiguous) == {ilse, tomas}
    decided = resolve_source("Varnok", "person", article_text="Tomas Varnok told the crowd.")
    assert decided.source == tomas


BODY = "Officials met on Monday. The harbour will reopen next week, Varnok said."
TEXT = "The harbour will reopen next week"


def _accept(name, editor, body=BODY):
    suggestion = Suggestion.objects.create(
        article=ArticleFactory(body=body),
        kind="indirect",
        text=TEXT,
        start=body.index(TEXT),
        end=body.index(TEXT) + len(TEXT),
        cue="said",
        proposed_source={"key": "k", "kind": "person", "name": name, "description": ""},
        proposed_key="k",
    )
    return suggestion_accept(suggestion=suggestion, user=editor)


def test_accepting_attaches_a_fuller_form_and_records_it_as_an_alias(editor):
    ilse = SourceFactory(name="Ilse Varnok")
    attribution = _accept("Ilse M. Varnok", editor)
    assert attribution.source == ilse
    assert "Ilse M. Varnok" in ilse.aliases.values_list("name", flat=True)


def test_a_surname_stored_alone_before_its_person_is_merged_with_history(editor):
    bare = SourceFactory(name="Varnok")
    earlier = AttributionFactory(source=bare)
    attribution = _accept("Ilse Varnok", editor, body=f"Ilse Varnok arrived. {BODY}")
    ilse = attribution.source
    assert ilse != bare
    merge = MergeSuggestion.objects.get()
    assert (merge.keep, merge.duplicate) == (ilse, bare)
    assert merge.reason == "surname only"
    merge_suggestion_accept(suggestion=merge, user=editor)
    merge.refresh_from_db()
    assert merge.state == MergeSuggestion.State.ACCEPTED
    assert merge.duplicate is None
    assert merge.duplicate_name == "Varnok"
    assert Attribution.objects.get(pk=earlier.pk).source == ilse
    assert "Varnok" in ilse.aliases.values_list("name", flat=True)
    with pytest.raises(ValidationError):
        merge_suggestion_accept(suggestion=merge, user=editor)


def test_one_merge_of_a_shared_surname_supersedes_the_other(editor):
    ilse, tomas = SourceFactory(name="Ilse Varnok"), SourceFactory(name="Tomas Varnok")
    bare = SourceFactory(name="Varnok")
    match = NameMatch(PROPOSE, "surname shared by several people")
    for person in (ilse, tomas):
        propose_merge(person, bare, match, user=editor)
    merges = MergeSuggestion.objects.filter(duplicate=bare)
    merge_suggestion_accept(suggestion=merges.get(keep=tomas), user=editor)
    assert merges.model.objects.get(keep=ilse).state == MergeSuggestion.State.SUPERSEDED


def test_the_duplicate_finder_proposes_stored_pairs_once(editor):
    full = SourceFactory(name="Ilse Varnok")
    middle = SourceFactory(name="Ilse M. Varnok")
    bare = SourceFactory(name="Varnok")
    OrganizationFactory(name="Harbour River Watch")
    OrganizationFactory(name="HRW")
    OrganizationFactory(name="H.R.W.")
    AttributionFactory(source=full)
    report = find_duplicates(user=editor)
    pairs = {frozenset((m.keep_name, m.duplicate_name)) for m in MergeSuggestion.objects.all()}
    assert frozenset(("Ilse Varnok", "Ilse M. Varnok")) in pairs
    assert frozenset(("Ilse Varnok", "Varnok")) in pairs
    assert frozenset(("HRW", "H.R.W.")) in pairs
    assert frozenset(("Harbour River Watch", "HRW")) in pairs
    assert {m.keep for m in MergeSuggestion.objects.filter(duplicate=bare)} <= {full, middle}
    assert report.proposed == MergeSuggestion.objects.count()
    again = find_duplicates(user=editor)
    assert again.proposed == 0
    assert again.already_proposed == report.proposed


def test_a_rejected_merge_is_not_proposed_again(editor):
    SourceFactory(name="Ilse Varnok")
    SourceFactory(name="Ilse M. Varnok")
    find_duplicates(user=editor)
    merge_suggestion_reject(suggestion=MergeSuggestion.objects.get(), user=editor)
    assert find_duplicates(user=editor).proposed == 0
    assert Source.objects.count() == 2


def test_the_command_proposes_and_a_dry_run_does_not(editor):
    SourceFactory(name="Ilse Varnok")
    SourceFactory(name="Ilse M. Varnok")
    out = StringIO()
    call_command("find_duplicate_sources", dry_run=True, stdout=out)
    assert "1 merge(s) would be proposed" in out.getvalue()
    assert not MergeSuggestion.objects.exists()
    call_command("find_duplicate_sources", user=editor.username, stdout=StringIO())
    assert MergeSuggestion.objects.get().history.first().history_user == editor
    with pytest.raises(CommandError, match="No user named"):
        call_command("find_duplicate_sources", user="nobody-here", stdout=StringIO())


def test_the_admin_finds_and_merges_duplicates(editor, editor_client):
    full = SourceFactory(name="Ilse Varnok")
    SourceFactory(name="Ilse M. Varnok")
    SourceFactory(name="Tomas Kell")
    SourceFactory(name="Tomas P. Kell")
    page = editor_client.post(
        "/admin/sources/source/",
        {"action": "find_duplicates", "_selected_action": [str(full.pk)]},
        follow=True,
    )
    assert "1 merge suggestion(s) proposed" in page.content.decode()
    queue = editor_client.get("/admin/sources/mergesuggestion/")
    assert "Ilse M. Varnok" in queue.content.decode()
    merged = editor_client.post(
        "/admin/sources/mergesuggestion/",
        {
            "action": "merge_selected",
            "_selected_action": [str(MergeSuggestion.objects.get().pk)],
        },
        follow=True,
    )
    assert "1 merge suggestion(s) merged." in merged.content.decode()
    (kept,) = Source.objects.filter(name__endswith="Varnok")
    assert {kept.name, *kept.aliases.values_list("name", flat=True)} == {
        "Ilse Varnok",
        "Ilse M. Varnok",
    }


def test_a_name_with_accents_is_found_without_them_and_the_other_way(editor):
    stored = _accept("Felipe Calderón", editor).source
    assert "Felipe Calderon" in stored.aliases.values_list("name", flat=True)
    assert _accept("Felipe Calderon", editor).source == stored
    plain = SourceFactory(name="Tomas Kell")
    assert _accept("Tomás Kell", editor).source == plain


def test_a_description_before_a_full_name_and_a_possessive_are_the_person(editor):
    ilse = SourceFactory(name="Ilse Varnok")
    assert _accept("Senator Ilse Varnok", editor).source == ilse
    assert _accept("Harbourmaster Ilse Varnok", editor).source == ilse
    assert _accept("Ilse Varnok’s", editor).source == ilse


def test_a_full_name_finds_the_person_stored_with_a_description_before_it(editor):
    stored = SourceFactory(name="Harbourmaster Ilse Varnok")
    assert _accept("Ilse Varnok", editor).source == stored
