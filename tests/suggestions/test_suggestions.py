"""Stored suggestions: the extractor's output kept for review, accepted, edited, rejected.

The seed article's text is the project's own; every other name here is invented.
"""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from articles.anchoring import AnchorStatus
from articles.models import Outlet
from articles.services import article_update_body
from claims.models import Attribution, Claim
from claims.services import attribution_create
from crosscheck.services import Scope, recheck
from sources.models import Source
from suggestions.models import Suggestion
from suggestions.services import (
    known_sources_for,
    suggest_attributions,
    suggestion_accept,
    suggestion_reject,
    suggestion_update,
)
from tests.factories import ArticleFactory, ClaimFactory, SourceAliasFactory, SourceFactory

SEED_TEXT = (Path(__file__).parents[2] / "seeds" / "baghouz-2019-03-13.txt").read_text()

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    """The seed article's text with no annotation at all."""
    return ArticleFactory(body=SEED_TEXT, url="")


def pending(article):
    return Suggestion.objects.filter(article=article, state="pending").order_by("start")


def by_text(article, fragment: str) -> Suggestion:
    return Suggestion.objects.get(article=article, text__contains=fragment)


def test_suggest_stores_every_extracted_attribution_for_review(article, editor):
    report = suggest_attributions(article=article, user=editor)

    rows = list(pending(article))
    assert report.created == len(rows) == 15
    assert not Attribution.objects.exists(), "suggestions are not attributions"
    for row in rows:
        assert article.body[row.start : row.end] == row.text
        assert row.source is None
        assert row.proposed_source["kind"] in Source.Kind.values
        assert row.history.first().history_user == editor
    awad = by_text(article, "We’ll die long before")
    assert awad.proposed_source["name"] == "Simone Awad"
    assert awad.kind == "direct"
    assert awad.cue == "said"
    assert by_text(article, "fierce resistance").kind == "mixed"
    commander = by_text(article, "at least four SDF fighters")
    assert commander.proposed_source["kind"] == "anonymous"
    assert commander.proposed_source["affiliation"]["kind"] == "organization"


def test_running_again_duplicates_nothing_and_keeps_ids(article, editor):
    suggest_attributions(article=article, user=editor)
    ids = set(pending(article).values_list("id", flat=True))

    report = suggest_attributions(article=article, user=editor)

    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert report.unchanged == 15
    assert set(pending(article).values_list("id", flat=True)) == ids


def test_accepting_creates_the_attribution_and_the_proposed_source(article, editor):
    suggest_attributions(article=article, user=editor)
    first = by_text(article, "his forces are advancing slowly")

    attribution = suggestion_accept(suggestion=first, user=editor)

    afrin = Source.objects.get(name="Adnan Afrin")
    assert afrin.kind == "person"
    assert afrin.role == "spokesman"
    assert set(afrin.aliases.values_list("name", flat=True)) == {"Afrin"}
    assert afrin.affiliation.kind == "organization"
    assert attribution.source == afrin
    assert attribution.kind == "indirect"
    assert attribution.is_suggested
    assert attribution.is_reviewed
    assert attribution.reviewed_by == editor
    first.refresh_from_db()
    assert first.state == "accepted"
    assert first.attribution == attribution
    # Afrin's other suggestions now name the source created for him.
    other = by_text(article, "fierce resistance")
    assert other.source == afrin
    assert other.state == "pending"
    second = suggestion_accept(suggestion=other, user=editor)
    assert second.source == afrin
    assert second.kind == "mixed"
    assert Source.objects.filter(name="Adnan Afrin").count() == 1


def test_accepting_an_anonymous_speaker_creates_it_in_the_article_with_its_affiliation(
    article, editor
):
    suggest_attributions(article=article, user=editor)
    row = by_text(article, "at least four SDF fighters")

    attribution = suggestion_accept(suggestion=row, user=editor)

    source = attribution.source
    assert source.kind == "anonymous"
    assert source.article == article
    assert source.anonymity_reason == "not authorized to talk to the media"
    assert source.affiliation.kind == "organization"
    assert source.affiliation.article is None


def test_accepting_with_edits_uses_them(article, editor):
    suggest_attributions(article=article, user=editor)
    row = by_text(article, "at least four SDF fighters")
    named = SourceFactory(name="Invented Commander Ostrava", role="commander")
    claim = ClaimFactory(text="Four invented fighters were killed.")

    attribution = suggestion_accept(
        suggestion=row, user=editor, source=named, claim=claim, text="at least four SDF fighters"
    )

    assert attribution.source == named
    assert attribution.claim == claim
    assert attribution.text == "at least four SDF fighters"
    assert article.body[attribution.start : attribution.end] == attribution.text
    assert not Source.objects.filter(kind="anonymous").exists()


def test_an_invalid_accept_stores_nothing(article, editor):
    suggest_attributions(article=article, user=editor)
    row = by_text(article, "We’ll die long before")
    sources_before = Source.objects.count()

    with pytest.raises(ValidationError) as error:
        suggestion_accept(suggestion=row, user=editor, text="words the article never prints")

    assert "text" in error.value.message_dict
    assert Source.objects.count() == sources_before
    assert not Attribution.objects.exists()
    row.refresh_from_db()
    assert row.state == "pending"


def test_reviewed_suggestions_cannot_be_reviewed_again(article, editor):
    suggest_attributions(article=article, user=editor)
    row = by_text(article, "We’ll die long before")
    suggestion_reject(suggestion=row, user=editor, note="Invented reason.")

    with pytest.raises(ValidationError) as error:
        suggestion_accept(suggestion=row, user=editor)
    assert "state" in error.value.message_dict
    with pytest.raises(ValidationError):
        suggestion_update(suggestion=row, user=editor, cue="told")


def test_rerun_leaves_reviewed_suggestions_and_annotations_alone(article, editor):
    suggest_attributions(article=article, user=editor)
    rejected = by_text(article, "We’ll die long before")
    suggestion_reject(suggestion=rejected, user=editor)
    accepted = suggestion_accept(suggestion=by_text(article, "fierce resistance"), user=editor)
    # An editor annotates one span by hand.
    hand = by_text(article, "at least four SDF fighters")
    coalition = SourceFactory(name="Invented Annotator Source")
    hand.delete()
    attribution_create(
        article=article, source=coalition, kind="indirect", text=hand.text, user=editor
    )
    accepted_before = Attribution.objects.get(pk=accepted.pk)

    report = suggest_attributions(article=article, user=editor)

    assert report.skipped_reviewed == 2
    assert report.skipped_annotated == 1
    assert report.created == 0
    assert Suggestion.objects.filter(article=article).count() == 14
    rejected.refresh_from_db()
    assert rejected.state == "rejected"
    after = Attribution.objects.get(pk=accepted.pk)
    assert after.updated_at == accepted_before.updated_at
    assert after.history.count() == accepted_before.history.count()


def test_a_pending_edit_survives_a_rerun_only_until_the_extractor_changes_its_mind(article, editor):
    suggest_attributions(article=article, user=editor)
    row = by_text(article, "We’ll die long before")
    suggestion_update(suggestion=row, user=editor, cue="told", note="Invented note.")

    report = suggest_attributions(article=article, user=editor)

    # The extractor's own reading of a pending suggestion wins; the note stays.
    row.refresh_from_db()
    assert report.updated == 1
    assert row.cue == "said"
    assert row.note == "Invented note."


def test_body_edit_re_anchors_suggestions_and_a_rerun_withdraws_the_stale(article, editor):
    suggest_attributions(article=article, user=editor)
    row = by_text(article, "We’ll die long before")
    cut = article.body.index("Simone Awad")
    new_body = "INVENTED PREFIX. " + article.body.replace(
        article.body[cut : article.body.index("\n", cut)], "Nothing was said here."
    )

    article_update_body(article=article, body=new_body, user=editor)

    row.refresh_from_db()
    assert row.anchor_status in (AnchorStatus.MOVED, AnchorStatus.ORPHANED)
    report = suggest_attributions(article=article, user=editor)
    assert report.removed >= 1
    for kept in pending(article):
        assert new_body[kept.start : kept.end] == kept.text


def test_speakers_already_in_the_archive_are_linked_not_proposed(article, editor):
    afrin = SourceFactory(name="Adnan Afrin", role="spokesman")
    coalition = SourceFactory(
        name="Combined Joint Task Force", kind="official_account", platform="twitter"
    )
    SourceAliasFactory(source=coalition, name="US-led coalition")

    suggest_attributions(article=article, user=editor)

    row = by_text(article, "his forces are advancing slowly")
    assert row.source == afrin
    assert row.proposed_source == {}
    tweet = Suggestion.objects.get(article=article, cue="tweeted")
    assert tweet.source == coalition
    attribution = suggestion_accept(suggestion=row, user=editor)
    assert attribution.source == afrin
    assert Source.objects.filter(name="Adnan Afrin").count() == 1


def test_known_sources_are_looked_up_by_the_names_the_text_holds(db):
    wanted = SourceFactory(name="Ilse Varnok")
    SourceAliasFactory(source=wanted, name="Mayor Varnok")
    SourceFactory(name="Kasia Molder")
    anonymous_elsewhere = Source.objects.create(
        kind="anonymous", description="an invented official", article=ArticleFactory()
    )

    found = known_sources_for("Mayor Varnok said the bridge would reopen, the official said.")

    assert [k.id for k in found] == [wanted.id]
    assert found[0].aliases == ("Mayor Varnok",)
    assert anonymous_elsewhere.id not in [k.id for k in known_sources_for("Invented Official")]


def test_recipient_outlet_is_created_once(article, editor):
    suggest_attributions(article=article, user=editor)
    rows = Suggestion.objects.filter(article=article).exclude(recipient_name="")
    assert rows.exists()
    for row in rows:
        suggestion_accept(suggestion=row, user=editor)

    outlet = Outlet.objects.get(name__iexact="The Associated Press")
    assert Attribution.objects.filter(recipient=outlet).count() == rows.count()


def test_pending_suggestions_do_not_count_toward_corroboration(article, editor):
    claim = ClaimFactory(text="Four invented fighters were killed.")
    speaker = SourceFactory(name="Invented Lone Speaker")
    lone = attribution_create(
        article=article,
        source=speaker,
        claim=claim,
        kind="indirect",
        text="many die-hard ISIS supporters",
    )
    suggest_attributions(article=article, user=editor)
    recheck(Scope(attribution_ids={lone.pk}))

    claim.refresh_from_db()
    assert claim.status == Claim.Status.SINGLE_SOURCE
    assert Suggestion.objects.filter(article=article).count() > 0


def test_suggesting_on_an_article_without_speech_stores_nothing(editor):
    quiet = ArticleFactory(body="The invented river rose by two metres overnight.")

    report = suggest_attributions(article=quiet, user=editor)

    assert report.created == 0
    assert not Suggestion.objects.exists()


def test_a_suggestion_needs_a_speaker_to_be_accepted(article, editor):
    # Stored without one (the extractor found none it trusts), it waits for an editor.
    row = Suggestion(article=article, kind="direct", text="We’ll die long before")
    row.full_clean()
    row.save()
    with pytest.raises(ValidationError) as error:
        suggestion_accept(suggestion=row, user=editor)
    assert "source" in error.value.message_dict
