"""Claim suggestions: an attribution linked to the claim it says, queued, or given a new
claim, by the two thresholds (invented statements)."""

import pytest

from claims.models import Attribution, Claim
from claims.services import attribution_update
from suggestions.claim_links import (
    claim_candidates,
    claim_link_accept,
    claim_link_reject,
    claim_link_suggest,
)
from suggestions.models import ClaimLink
from tests.factories import ArticleFactory, AttributionFactory, ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)

FERRY = "The ferry between Ostrava and Kell will stop running in May because of the strike"


def _attribution(text, *, claim=None, **extra):
    article = ArticleFactory(body=f"Officials spoke on Monday. “{text},” the minister said.")
    return AttributionFactory(article=article, text=text, claim=claim, **extra)


def test_a_near_copy_of_a_linked_quote_is_linked_and_marked_suggested(editor):
    claim = ClaimFactory(text="The Ostrava ferry will stop in May.")
    _attribution(FERRY, claim=claim)
    copy = _attribution(FERRY.replace("will stop", "is going to stop"))
    outcome = claim_link_suggest(attribution=copy, user=editor)
    copy.refresh_from_db()
    assert outcome.action == "linked"
    assert copy.claim == claim
    assert copy.claim_is_suggested
    assert copy.claim_link_score >= 0.875
    link = ClaimLink.objects.get(attribution=copy)
    assert link.state == ClaimLink.State.LINKED
    assert link.evidence["compared_with"].startswith("attribution #")
    assert copy.history.first().history_user == editor


def test_a_short_statement_is_never_linked_automatically(editor):
    claim = ClaimFactory(text="The ferry will stop in May.")
    short = _attribution("The ferry will stop in May")
    outcome = claim_link_suggest(attribution=short, user=editor)
    short.refresh_from_db()
    assert outcome.action == "queued"
    assert short.claim is None
    assert ClaimLink.objects.get(attribution=short).claim == claim


def test_a_middle_score_waits_for_review_and_accepting_confirms_the_link(editor):
    claim = ClaimFactory(text="The council will close the Lindgate library in March.")
    other = _attribution(
        "Lindgate's library is to be closed by the council in March, after years of cuts"
    )
    outcome = claim_link_suggest(attribution=other, user=editor)
    assert outcome.action == "queued", outcome
    assert 0.7 <= outcome.score < 0.875
    link = ClaimLink.objects.get(attribution=other)
    assert link.state == ClaimLink.State.PENDING
    claim_link_accept(link=link, user=editor)
    other.refresh_from_db()
    link.refresh_from_db()
    assert other.claim == claim
    assert not other.claim_is_suggested
    assert link.state == ClaimLink.State.ACCEPTED
    assert link.reviewed_by == editor


def test_a_low_score_gets_a_new_claim_from_its_words(editor):
    ClaimFactory(text="The council will close the Lindgate library in March.")
    new = _attribution("Farmers in the northern valleys expect a record apple harvest this autumn")
    outcome = claim_link_suggest(attribution=new, user=editor)
    new.refresh_from_db()
    assert outcome.action == "created"
    assert new.claim.text == (
        "Farmers in the northern valleys expect a record apple harvest this autumn."
    )
    assert new.claim_is_suggested
    assert not ClaimLink.objects.filter(attribution=new).exists()
    again = _attribution("Farmers in the northern valleys expect a record apple harvest this year")
    assert claim_link_suggest(attribution=again, user=editor).claim == new.claim


def test_a_denial_is_linked_with_the_stance_denies(editor):
    claim = ClaimFactory(text="The ferry between Ostrava and Kell will stop running in May.")
    _attribution(FERRY, claim=claim)
    denial = _attribution(
        "The ferry between Ostrava and Kell will not stop running in May because of the strike"
    )
    assert claim_link_suggest(attribution=denial, user=editor).action == "linked"
    denial.refresh_from_db()
    assert denial.claim == claim
    assert denial.stance == Attribution.Stance.DENIES


def test_a_rejected_automatic_link_unlinks_and_is_not_proposed_again(editor):
    claim = ClaimFactory(text="The Ostrava ferry will stop in May.")
    _attribution(FERRY, claim=claim)
    copy = _attribution(FERRY)
    claim_link_suggest(attribution=copy, user=editor)
    claim_link_reject(link=ClaimLink.objects.get(attribution=copy), user=editor)
    copy.refresh_from_db()
    assert copy.claim is None
    outcome = claim_link_suggest(attribution=copy, user=editor, create=False)
    assert outcome.action == "skipped"
    assert all(c.claim_id != claim.pk for c in outcome.candidates)


def test_an_attribution_with_a_claim_or_without_a_source_is_left_alone(editor):
    claim = ClaimFactory()
    linked = _attribution(FERRY, claim=claim)
    assert claim_link_suggest(attribution=linked, user=editor).action == "skipped"
    unattributed = _attribution(FERRY, source=None, kind=Attribution.Kind.UNATTRIBUTED)
    assert claim_link_suggest(attribution=unattributed, user=editor).action == "skipped"
    assert Claim.objects.count() == 1


def test_an_editor_setting_the_claim_confirms_it(editor):
    claim = ClaimFactory(text="The Ostrava ferry will stop in May.")
    _attribution(FERRY, claim=claim)
    copy = _attribution(FERRY)
    claim_link_suggest(attribution=copy, user=editor)
    attribution_update(attribution=copy, user=editor, claim=claim)
    copy.refresh_from_db()
    assert not copy.claim_is_suggested
    assert copy.claim_link_score is None


def test_candidates_come_from_claim_texts_too(db):
    claim = ClaimFactory(text="Lindgate will host the regional games in 2031.")
    found = claim_candidates("The regional games of 2031 are to be held in Lindgate")
    assert found[0].claim_id == claim.pk
    assert found[0].compared_with == "claim"
    assert claim_candidates("the of and") == []


def test_thresholds_are_settings(editor, settings):
    settings.TRACKER_CLAIM_LINK_AUTO = 0.99
    claim = ClaimFactory(text="The Ostrava ferry will stop in May.")
    _attribution(FERRY, claim=claim)
    copy = _attribution(FERRY.replace("will stop", "is going to stop"))
    assert claim_link_suggest(attribution=copy, user=editor).action == "queued"
