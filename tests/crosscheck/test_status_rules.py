"""The claim status and its reasons as pure functions (``crosscheck.rules.status``):
copies, conflict findings and their triage, figures against the claim, attributions that
count toward nothing. Hand-made inputs, no database; every name and text is invented."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crosscheck.rules import (
    AttributionInput,
    ClaimInput,
    ContestReason,
    FigureContradiction,
    FindingInput,
    NotCounted,
    NotCountedReason,
    Snapshot,
    SourceInput,
    Status,
    TriageState,
    check,
    claim_status,
    holding_conflicts,
    run_rules,
)

CLAIM = 5
QUOTE = "We will not open the northern gate until the floods have passed"

# An organisation and its spokesman; an invented spokesman of another brigade; a monitor.
COUNCIL = SourceInput(1, "organization", name="Invented River Council")
TALVIK = SourceInput(2, "person", name="Mira Talvik", affiliation_id=1)
INVENTED = SourceInput(3, "person", name="Karim Invented", affiliation_id=4)
BRIGADE = SourceInput(4, "organization", name="Invented Brigade")
MONITOR = SourceInput(5, "person", name="Lina Monitor")
AIDE = SourceInput(6, "anonymous", description="an aide", article_id=11, anonymity_reason="x")
SOURCES = {s.id: s for s in (COUNCIL, TALVIK, INVENTED, BRIGADE, MONITOR, AIDE)}

MARCH = datetime(2031, 3, 13, tzinfo=UTC)


def att(id, article, text, source, kind="direct", claim=CLAIM, **extra) -> AttributionInput:
    return AttributionInput(
        id=id, article_id=article, kind=kind, text=text, source_id=source, claim_id=claim, **extra
    )


ORIGINAL = att(10, 11, QUOTE, TALVIK.id, published_at=MARCH)
OTHER = att(11, 11, "the council has closed the southern road", TALVIK.id, kind="indirect")
COPY = att(12, 12, QUOTE, INVENTED.id, published_at=MARCH.replace(day=14))
MISATTRIBUTION = "misattribution:attributions=10,12"


def finding(key, *ids, kind="misattribution", state=TriageState.OPEN, **extra) -> FindingInput:
    return FindingInput(key, kind, tuple(ids), state, **extra)


# --- copies ------------------------------------------------------------------------------


def test_a_quote_repeated_under_another_source_is_one_piece_of_evidence():
    status = claim_status(CLAIM, [ORIGINAL, OTHER, COPY], SOURCES)
    assert status.status == Status.SINGLE_SOURCE
    [group] = status.groups
    assert (group.label, group.attribution_ids) == ("Invented River Council", (10, 11))
    assert status.not_counted == (NotCounted(12, NotCountedReason.COPY, copy_of=10),)


def test_a_near_identical_copy_counts_once_too_by_the_misattribution_similarity():
    reworded = replace(COPY, text=QUOTE.replace("northern", "northen"))
    status = claim_status(CLAIM, [ORIGINAL, reworded], SOURCES)
    assert status.status == Status.SINGLE_SOURCE
    assert [n.reason for n in status.not_counted] == [NotCountedReason.COPY]


def test_an_earlier_copy_still_counts_in_the_group_that_already_supports_the_claim():
    # The invented spokesman's article came first; the council supports the claim anyway,
    # so the one piece of evidence counts with the council, never as a second group.
    earlier = replace(COPY, published_at=MARCH.replace(day=12))
    status = claim_status(CLAIM, [ORIGINAL, OTHER, earlier], SOURCES)
    assert status.status == Status.SINGLE_SOURCE
    assert status.not_counted == (NotCounted(12, NotCountedReason.COPY, copy_of=10),)


def test_the_earliest_counts_when_no_group_supports_the_claim_otherwise():
    status = claim_status(CLAIM, [ORIGINAL, replace(COPY, published_at=None)], SOURCES)
    assert status.not_counted == (NotCounted(12, NotCountedReason.COPY, copy_of=10),)
    earlier = replace(COPY, published_at=MARCH.replace(day=1))
    status = claim_status(CLAIM, [ORIGINAL, earlier], SOURCES)
    assert status.not_counted == (NotCounted(10, NotCountedReason.COPY, copy_of=12),)
    assert [g.label for g in status.groups] == ["Invented Brigade"]


def test_different_words_or_a_joint_statement_are_not_copies():
    different = replace(COPY, text="The northern gate stays shut while the river is high")
    assert claim_status(CLAIM, [ORIGINAL, different], SOURCES).status == Status.CORROBORATED
    joint = replace(COPY, article_id=ORIGINAL.article_id)
    assert claim_status(CLAIM, [ORIGINAL, joint], SOURCES).status == Status.CORROBORATED
    short = [replace(ORIGINAL, text="we hold"), replace(COPY, text="we hold")]
    assert claim_status(CLAIM, short, SOURCES).status == Status.CORROBORATED


def test_the_same_words_from_the_same_group_are_no_copy():
    spokesman_again = replace(COPY, source_id=COUNCIL.id)
    status = claim_status(CLAIM, [ORIGINAL, spokesman_again], SOURCES)
    assert status.not_counted == ()
    assert status.groups[0].attribution_ids == (10, 12)


def test_copies_are_judged_whatever_the_input_order():
    rows = [ORIGINAL, OTHER, COPY, att(13, 13, "the southern road is closed", MONITOR.id)]
    expected = claim_status(CLAIM, rows, SOURCES)
    assert claim_status(CLAIM, rows[::-1], SOURCES) == expected
    assert expected.status == Status.CORROBORATED  # the monitor is a second group


# --- conflict findings and their triage ----------------------------------------------------


@pytest.mark.parametrize("state", [TriageState.OPEN, TriageState.CONFIRMED])
def test_an_open_or_confirmed_conflict_finding_contests_and_holds_back(state):
    conflict = finding(MISATTRIBUTION, 10, 12, state=state)
    status = claim_status(CLAIM, [ORIGINAL, OTHER, COPY], SOURCES, conflicts=[conflict])
    assert status.status == Status.CONTESTED
    assert status.contested_by == (ContestReason.FINDING,)
    assert status.conflict_finding_keys == (MISATTRIBUTION,)
    assert status.not_counted == (
        NotCounted(10, NotCountedReason.CONFLICT, finding_key=MISATTRIBUTION),
        NotCounted(12, NotCountedReason.CONFLICT, finding_key=MISATTRIBUTION),
    )
    [group] = status.groups  # what the finding does not name still counts
    assert group.attribution_ids == (11,)


def test_a_dismissed_or_resolved_finding_contests_nothing():
    for conflict in (
        finding(MISATTRIBUTION, 10, 12, state=TriageState.DISMISSED),
        finding(MISATTRIBUTION, 10, 12, resolved=True),
    ):
        status = claim_status(CLAIM, [ORIGINAL, COPY], SOURCES, conflicts=[conflict])
        assert status.status == Status.SINGLE_SOURCE
        assert status.not_counted == (NotCounted(12, NotCountedReason.COPY, copy_of=10),)


def test_a_finding_with_a_quote_outside_the_claim_contests_it():
    # The words are credited to someone else in an article linked to no claim.
    elsewhere = replace(COPY, claim_id=None)
    conflict = finding(MISATTRIBUTION, 10, 12)
    status = claim_status(CLAIM, [ORIGINAL, OTHER, elsewhere], SOURCES, conflicts=[conflict])
    assert status.status == Status.CONTESTED
    assert [n.attribution_id for n in status.not_counted] == [10]


@pytest.mark.parametrize(
    "void",
    [{"orphaned": True}, {"retracted": True}, {"unreviewed_suggestion": True}],
    ids=["orphaned", "retracted", "unreviewed suggestion"],
)
def test_a_finding_naming_an_attribution_that_counts_for_nothing_contests_nothing(void):
    elsewhere = replace(COPY, claim_id=None, **void)
    conflict = finding(MISATTRIBUTION, 10, 12)
    status = claim_status(CLAIM, [ORIGINAL, elsewhere], SOURCES, conflicts=[conflict])
    assert status.status == Status.SINGLE_SOURCE


def test_a_suggested_claim_link_voids_a_numeric_conflict_but_not_a_misattribution():
    four = att(20, 11, "at least four workers were hurt", TALVIK.id, kind="indirect")
    three = att(21, 12, "three workers were hurt", MONITOR.id, "indirect", claim_is_suggested=True)
    numeric = finding("numeric_conflict:attributions=20,21", 20, 21, kind="numeric_conflict")
    status = claim_status(CLAIM, [four, three], SOURCES, conflicts=[numeric])
    assert status.status == Status.SINGLE_SOURCE
    assert status.not_counted == (NotCounted(21, NotCountedReason.SUGGESTED_LINK),)
    linked = replace(COPY, claim_id=6, claim_is_suggested=True)
    status = claim_status(
        CLAIM, [ORIGINAL, linked], SOURCES, conflicts=[finding(MISATTRIBUTION, 10, 12)]
    )
    assert status.status == Status.CONTESTED


def test_conflicts_naming_other_claims_only_are_ignored():
    conflict = finding("quote_drift:attributions=30,31", 30, 31, kind="quote_drift")
    assert claim_status(CLAIM, [ORIGINAL], SOURCES, conflicts=[conflict]).status == (
        Status.SINGLE_SOURCE
    )


# --- figures against the claim's -----------------------------------------------------------


def test_a_lower_figure_than_at_least_n_contradicts_the_claim():
    claim = ClaimInput(CLAIM, "At least four SDF fighters were killed in the fighting.")
    four = att(20, 11, "at least four SDF fighters were killed", AIDE.id, kind="indirect")
    three = att(21, 12, "three SDF fighters were killed", MONITOR.id, kind="indirect")
    six = att(22, 13, "six fighters were killed", TALVIK.id, kind="indirect")
    status = claim_status(claim, [four, three, six], SOURCES)
    assert status.status == Status.CONTESTED
    assert status.contested_by == (ContestReason.FIGURES,)
    assert status.contradicting_figures == (FigureContradiction(21, (("At least four", "three"),)),)
    assert sorted(i for g in status.groups for i in g.attribution_ids) == [20, 22]


def test_figures_that_agree_with_the_claim_support_it():
    claim = ClaimInput(CLAIM, "More than 10,000 civilians were evacuated since early February.")
    rows = [att(20, 11, "some 12,000 civilians were evacuated", MONITOR.id, kind="indirect")]
    assert claim_status(claim, rows, SOURCES).status == Status.SINGLE_SOURCE
    assert claim_status(CLAIM, rows, SOURCES).contradicting_figures == ()  # no text: no figures


# --- attributions that count toward nothing --------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"orphaned": True}, NotCountedReason.ORPHANED),
        ({"claim_is_suggested": True}, NotCountedReason.SUGGESTED_LINK),
        ({"unreviewed_suggestion": True}, NotCountedReason.UNREVIEWED_SUGGESTION),
        ({"retracted": True}, NotCountedReason.RETRACTED),
        ({"kind": "declined"}, NotCountedReason.DECLINED),
    ],
)
def test_what_counts_toward_nothing_is_listed_with_its_reason(extra, reason):
    other = att(13, 13, "the northern gate is closed until spring", MONITOR.id, **extra)
    status = claim_status(CLAIM, [ORIGINAL, other], SOURCES)
    assert status.status == Status.SINGLE_SOURCE
    assert status.not_counted == (NotCounted(13, reason),)
    denial = replace(other, stance="denies")
    assert claim_status(CLAIM, [ORIGINAL, denial], SOURCES).status == Status.SINGLE_SOURCE


def test_an_anonymous_claim_stays_anonymous_only_when_its_named_support_is_a_suggestion():
    anonymous = att(20, 11, "the gate was closed on Monday", AIDE.id, kind="indirect")
    named = att(
        21, 12, "the gate closed on Monday", MONITOR.id, "indirect", claim_is_suggested=True
    )
    assert claim_status(CLAIM, [anonymous, named], SOURCES).status == Status.ANONYMOUS_ONLY


# --- which findings hold after a recomputation -----------------------------------------------


def test_stored_findings_hold_unless_judged_again():
    stored = [
        finding("misattribution:attributions=1,2", 1, 2, state=TriageState.DISMISSED),
        finding("misattribution:attributions=3,4", 3, 4, state=TriageState.CONFIRMED),
        finding("misattribution:attributions=5,6", 5, 6),
        finding("numeric_conflict:attributions=7,8", 7, 8, kind="numeric_conflict"),
        finding("quote_drift:attributions=9,10", 9, 10, resolved=True),
    ]
    [refound] = run_rules(
        Snapshot(
            attributions=[att(1, 1, QUOTE, 2, claim=None), att(2, 2, QUOTE, 3, claim=None)],
            sources=list(SOURCES.values()),
            candidate_pairs=[(1, 2)],
        )
    )
    holding = holding_conflicts(stored, [refound], compared={(1, 2), (5, 6)})
    # Refound: keeps its triage. 3,4 not compared: holds as stored. 5,6 compared and not
    # found, the numeric conflict not found again, the resolved drift: gone.
    assert [(f.key, f.state) for f in holding] == [
        ("misattribution:attributions=1,2", TriageState.DISMISSED),
        ("misattribution:attributions=3,4", TriageState.CONFIRMED),
    ]


def test_check_gives_a_refound_finding_its_stored_triage():
    rows = [ORIGINAL, OTHER, COPY]
    snapshot = Snapshot(
        claims=[ClaimInput(CLAIM)], attributions=rows, sources=list(SOURCES.values())
    )
    assert check(snapshot).statuses[CLAIM].status == Status.CONTESTED
    dismissed = replace(snapshot, findings=[finding(MISATTRIBUTION, 10, 12, state="dismissed")])
    checked = check(dismissed)
    assert checked.statuses[CLAIM].status == Status.SINGLE_SOURCE
    # The finding itself is still found: only its triage changed what it does.
    assert MISATTRIBUTION in {f.key for f in checked.findings}
    assert "single_source:claim=5" in {f.key for f in checked.findings}
