"""A claim status a fact-checker can trust, on the database (SQLite and PostgreSQL): the
seed plus one invented article, as fact-checkers reported it (``tests/seed_scenarios``),
and the rows that count toward nothing. The stored status, the page's and the API's are
one: the rules', over the stored findings and their triage."""

import pytest
from django.db import connection

from articles.services import article_update
from claims.models import Attribution, Claim
from claims.services import attribution_create, attribution_update
from crosscheck import rules
from crosscheck.models import Finding
from crosscheck.reports import claim_report
from crosscheck.rules import NotCounted, NotCountedReason
from crosscheck.services import finding_triage
from suggestions.models import Suggestion
from suggestions.services import suggest_attributions, suggestion_accept
from tests.factories import ArticleFactory, SourceFactory
from tests.seed_scenarios import copied_quote, lower_figure, recheck_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queues for after the commit, from a fresh queue."""

    def capture():
        connection._tracker_after_commit = {}
        return django_capture_on_commit_callbacks(execute=True)

    return capture


def stored_status(claim: Claim) -> str:
    claim.refresh_from_db()
    return claim.status


def one_finding(kind: str, claim: Claim) -> Finding:
    return Finding.objects.current().get(kind=kind, claims=claim)


def test_the_seed_alone_keeps_its_statuses_and_no_figure_contradicts_a_claim(seed):
    recheck_everything()
    assert not Claim.objects.filter(status=Claim.Status.CONTESTED).exists()
    for claim in Claim.objects.all():
        status = claim_report(claim).status
        assert status.status == claim.status
        assert status.contradicting_figures == ()
        assert status.not_counted == ()
    counterattack = Claim.objects.get(text__startswith="ISIS staged a counterattack")
    assert counterattack.status == Claim.Status.SINGLE_SOURCE


# --- (a) a quote credited word for word to an invented spokesman -------------------------------


def test_a_copied_quote_does_not_corroborate_and_contests_until_dismissed(
    seed, factchecker, committed
):
    recheck_everything()
    scenario = copied_quote(seed)
    assert stored_status(scenario.claim) == Claim.Status.SINGLE_SOURCE
    recheck_everything()
    # Reported: "corroborated, 2 independent groups", the finding at the bottom of the page.
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED
    finding = one_finding("misattribution", scenario.claim)
    assert finding.details["similarity"] == 100
    report = claim_report(scenario.claim)
    assert report.status.status == Claim.Status.CONTESTED
    assert report.status.conflict_finding_keys == (finding.key,)
    assert {(n.attribution_id, n.reason) for n in report.status.not_counted} == {
        (scenario.original.pk, NotCountedReason.CONFLICT),
        (scenario.added.pk, NotCountedReason.CONFLICT),
    }
    [group] = report.status.groups  # Afrin's other words still count, for the SDF
    assert group.label == "Syrian Democratic Forces"
    assert scenario.added not in report.supporting

    # Dismissed: whichever of the two is right, they are one piece of evidence.
    with committed():
        finding_triage(finding=finding, state="dismissed", user=factchecker)
    assert stored_status(scenario.claim) == Claim.Status.SINGLE_SOURCE
    report = claim_report(scenario.claim)
    assert report.status.not_counted == (
        NotCounted(scenario.added.pk, NotCountedReason.COPY, copy_of=scenario.original.pk),
    )
    assert scenario.original in report.supporting
    [reason] = [r for r in report.reasons if r.kind == "not_counted"]
    assert f"repeats #{scenario.original.pk} (Adnan Afrin) word for word" in reason.text

    # Reopened (or confirmed): contested again.
    with committed():
        finding_triage(finding=finding, state="confirmed", user=factchecker)
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED


def test_the_copy_contests_the_claim_on_a_single_change_as_on_a_full_recheck(seed, committed):
    recheck_everything()
    with committed():
        scenario = copied_quote(seed)
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED


def test_a_copy_linked_to_another_claim_contests_the_original_claim_too(seed, committed):
    """The new quote's claim is not the seed's: the recheck reaches the seed's claim."""
    recheck_everything()
    other = Claim.objects.create(text="An invented claim the copy is linked to.")
    with committed():
        scenario = copied_quote(seed)
        attribution_update(attribution=scenario.added, claim=other)
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED
    assert stored_status(other) == Claim.Status.CONTESTED


# --- (b) "three killed" linked to "at least four killed" ----------------------------------------


def test_a_lower_figure_contradicts_at_least_four(seed, factchecker, committed):
    recheck_everything()
    scenario = lower_figure(seed)
    assert stored_status(scenario.claim) == Claim.Status.ANONYMOUS_ONLY
    recheck_everything()
    # Reported: listed under Supporting, "corroborated", off the anonymous-only card.
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED
    report = claim_report(scenario.claim)
    assert report.supporting == []
    assert report.contradicting == [scenario.added]
    assert report.status.contradicting_figures == (
        rules.FigureContradiction(scenario.added.pk, (("At least four", "three"),)),
    )
    numeric = one_finding("numeric_conflict", scenario.claim)
    assert report.status.conflict_finding_keys == (numeric.key,)
    assert report.status.not_counted == (
        NotCounted(scenario.original.pk, NotCountedReason.CONFLICT, finding_key=numeric.key),
    )

    # The finding dismissed, "three" still cannot hold with the claim's "at least four".
    with committed():
        finding_triage(finding=numeric, state="dismissed", user=factchecker)
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED
    report = claim_report(scenario.claim)
    assert report.status.contested_by == (rules.ContestReason.FIGURES,)
    assert report.supporting == [scenario.original]

    # Linked elsewhere by an editor: the claim is anonymous-only again.
    with committed():
        attribution_update(attribution=scenario.added, claim=None)
    assert stored_status(scenario.claim) == Claim.Status.ANONYMOUS_ONLY


# --- what counts toward nothing ----------------------------------------------------------------


def test_an_orphaned_span_counts_toward_nothing_and_its_finding_contests_nothing(
    seed, editor, committed
):
    recheck_everything()
    scenario = copied_quote(seed)
    recheck_everything()
    assert stored_status(scenario.claim) == Claim.Status.CONTESTED
    article = scenario.added.article
    with committed():
        article_update(
            article=article, user=editor, body="The invented spokesman declined to speak."
        )
    scenario.added.refresh_from_db()
    assert scenario.added.is_orphaned
    assert stored_status(scenario.claim) == Claim.Status.SINGLE_SOURCE
    report = claim_report(scenario.claim)
    assert report.status.not_counted == (NotCounted(scenario.added.pk, NotCountedReason.ORPHANED),)


def test_a_claim_link_only_suggested_counts_toward_nothing_until_confirmed(seed, committed):
    recheck_everything()
    claim = Claim.objects.get(text__startswith="ISIS staged a counterattack")
    article = ArticleFactory(body="An invented monitor said the counterattack began at 3am.")
    with committed():
        row = attribution_create(
            article=article,
            source=SourceFactory(name="Invented Monitor"),
            claim=claim,
            claim_is_suggested=True,
            kind="indirect",
            text="the counterattack began at 3am",
        )
    assert stored_status(claim) == Claim.Status.SINGLE_SOURCE
    assert claim_report(claim).status.not_counted == (
        NotCounted(row.pk, NotCountedReason.SUGGESTED_LINK),
    )
    with committed():
        attribution_update(attribution=row, claim_is_suggested=False)
    assert stored_status(claim) == Claim.Status.CORROBORATED


def test_suggestions_count_toward_nothing_until_accepted_and_reviewed(seed, editor, committed):
    recheck_everything()
    claim = Claim.objects.get(text__startswith="ISIS staged a counterattack")
    article = ArticleFactory(
        body="Invented monitor Tarek Invented said the counterattack began at 3am."
    )
    with committed():
        suggest_attributions(article=article, user=editor)
    pending = Suggestion.objects.filter(article=article, state=Suggestion.State.PENDING)
    assert pending.exists()
    assert stored_status(claim) == Claim.Status.SINGLE_SOURCE  # pending: not attributions
    with committed():
        accepted = suggestion_accept(suggestion=pending.first(), user=editor, claim=claim)
    assert accepted.is_suggested
    assert accepted.is_reviewed
    assert stored_status(claim) == Claim.Status.CORROBORATED
    # Marked unreviewed again: an extracted suggestion no editor has checked.
    with committed():
        attribution_update(attribution=accepted, user=editor, is_reviewed=False)
    assert stored_status(claim) == Claim.Status.SINGLE_SOURCE
    assert claim_report(claim).status.not_counted == (
        NotCounted(accepted.pk, NotCountedReason.UNREVIEWED_SUGGESTION),
    )


def test_the_stored_status_is_the_reports_for_every_claim(seed, invented_archive, committed):
    copied_quote(seed)
    lower_figure(seed)
    recheck_everything()
    for finding in Finding.objects.current().filter(kind="quote_drift"):
        with committed():
            finding_triage(finding=finding, state="dismissed")
    for claim in Claim.objects.all():
        assert claim_report(claim).status.status == claim.status, claim.text
    assert Attribution.objects.exists()
