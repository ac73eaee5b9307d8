"""The cross-check rules as pure functions: hand-made inputs, no database."""

import json
import random
from dataclasses import replace

import pytest

from crosscheck.rules import (
    DRIFT_MIN_SIMILARITY,
    MISATTRIBUTION_MIN_SIMILARITY,
    AttributionInput,
    ClaimInput,
    DiffOp,
    FindingKind,
    RelationInput,
    Snapshot,
    SourceInput,
    Status,
    claim_status,
    claim_statuses,
    find_contradictions,
    find_misattributions,
    find_numeric_conflicts,
    find_quote_drift,
    find_unattributed,
    find_unexplained_anonymity,
    independence_group,
    judge_pair,
    normalize_quote,
    quote_similarity,
    run_rules,
    word_diff,
)


def att(id, article, kind, text, source=None, claim=None, **extra) -> AttributionInput:
    return AttributionInput(
        id=id, article_id=article, kind=kind, text=text, source_id=source, claim_id=claim, **extra
    )


def by_id(*sources: SourceInput) -> dict[int, SourceInput]:
    return {s.id: s for s in sources}


def keys(findings) -> list[str]:
    return [f.key for f in findings]


# --- the seed: the Baghouz wire report of 13 March 2019 ---------------------------------

SEED_ARTICLE = 1
SDF = SourceInput(1, "organization", name="Syrian Democratic Forces")
COMMANDER_1 = SourceInput(
    2,
    "anonymous",
    description="a commander with the US-backed Syrian Democratic Forces",
    affiliation_id=1,
    article_id=SEED_ARTICLE,
    anonymity_reason="not authorized to talk to the media",
)
COMMANDER_2 = replace(COMMANDER_1, id=3, description="Another commander (with the SDF)")
NARGIZ = SourceInput(4, "person", name="Dilbrin Nargiz", affiliation_id=1)
SEED_SOURCES = by_id(SDF, COMMANDER_1, COMMANDER_2, NARGIZ)
COUNTERATTACK, FOUR_KILLED = 20, 21
SEED_ATTRIBUTIONS = [
    att(
        10,
        SEED_ARTICLE,
        "indirect",
        "staged a counterattack overnight from the tiny speck of land the extremists still "
        "hold in eastern Syria",
        source=1,
        claim=COUNTERATTACK,
    ),
    att(
        11,
        SEED_ARTICLE,
        "indirect",
        "The counterattack began from the west of a riverside pocket in the Syrian village of "
        "Baghouz where the ISIS group has been making its last stand",
        source=2,
        claim=COUNTERATTACK,
    ),
    att(
        12,
        SEED_ARTICLE,
        "indirect",
        "the ISIS counterattack began just before dawn",
        source=4,
        claim=COUNTERATTACK,
    ),
    att(
        13,
        SEED_ARTICLE,
        "indirect",
        "at least four SDF fighters were killed in the fighting since early in the morning",
        source=3,
        claim=FOUR_KILLED,
    ),
]


def test_seed_counterattack_told_by_three_sdf_voices_is_one_source():
    status = claim_status(COUNTERATTACK, SEED_ATTRIBUTIONS, SEED_SOURCES)
    assert status.status == Status.SINGLE_SOURCE
    [group] = status.groups
    assert group.key == "source:1"
    assert group.label == "Syrian Democratic Forces"
    assert group.attribution_ids == (10, 11, 12)
    assert group.source_ids == (1, 2, 4)
    assert group.anonymous is False


def test_seed_four_killed_told_only_by_an_anonymous_commander_is_anonymous_only():
    status = claim_status(FOUR_KILLED, SEED_ATTRIBUTIONS, SEED_SOURCES)
    assert status.status == Status.ANONYMOUS_ONLY
    [group] = status.groups
    assert (group.key, group.attribution_ids, group.anonymous) == ("source:1", (13,), True)


# --- independence and status -----------------------------------------------------------


def test_unaffiliated_sources_are_independent_groups():
    sources = by_id(SourceInput(1, "person", name="A"), SourceInput(2, "person", name="B"))
    attributions = [att(1, 1, "direct", "x", 1, 5), att(2, 2, "direct", "y", 2, 5)]
    status = claim_status(5, attributions, sources)
    assert status.status == Status.CORROBORATED
    assert [g.key for g in status.groups] == ["source:1", "source:2"]


def test_top_affiliation_decides_the_group_through_a_chain():
    sources = by_id(
        SourceInput(1, "organization", name="Ministry"),
        SourceInput(2, "organization", name="Department", affiliation_id=1),
        SourceInput(3, "person", name="Clerk", affiliation_id=2),
    )
    assert independence_group(att(1, 1, "direct", "x", 3), sources) == ("source:1", "Ministry")


def test_an_affiliation_cycle_does_not_hang():
    sources = by_id(
        SourceInput(1, "organization", name="A", affiliation_id=2),
        SourceInput(2, "organization", name="B", affiliation_id=1),
    )
    assert independence_group(att(1, 1, "direct", "x", 1), sources) == ("source:2", "B")


def test_an_official_account_counts_with_its_owner():
    sources = by_id(
        SourceInput(1, "organization", name="Coalition"),
        SourceInput(2, "official_account", name="@coalition", owner_id=1),
    )
    attributions = [att(1, 1, "direct", "x", 1, 5), att(2, 2, "direct", "y", 2, 5)]
    assert claim_status(5, attributions, sources).status == Status.SINGLE_SOURCE


def test_unaffiliated_anonymous_sources_of_one_article_are_one_group():
    sources = by_id(
        SourceInput(1, "anonymous", description="an official", article_id=7),
        SourceInput(2, "anonymous", description="another official", article_id=7),
    )
    attributions = [att(1, 7, "indirect", "x", 1, 5), att(2, 7, "indirect", "y", 2, 5)]
    status = claim_status(5, attributions, sources)
    assert [g.key for g in status.groups] == ["anonymous:article:7"]
    assert status.status == Status.ANONYMOUS_ONLY


def test_anonymous_sources_in_two_articles_stay_anonymous_only_not_corroborated():
    sources = by_id(
        SourceInput(1, "anonymous", description="an official", article_id=7),
        SourceInput(2, "anonymous", description="a diplomat", article_id=8),
    )
    attributions = [att(1, 7, "indirect", "x", 1, 5), att(2, 8, "indirect", "y", 2, 5)]
    status = claim_status(5, attributions, sources)
    assert len(status.groups) == 2
    assert status.status == Status.ANONYMOUS_ONLY


def test_anonymous_and_named_support_from_different_sides_is_corroborated():
    sources = by_id(
        SourceInput(1, "anonymous", description="an official", article_id=7),
        SourceInput(2, "person", name="Named Witness"),
    )
    attributions = [att(1, 7, "indirect", "x", 1, 5), att(2, 8, "indirect", "y", 2, 5)]
    assert claim_status(5, attributions, sources).status == Status.CORROBORATED


def test_wire_copies_of_one_story_do_not_add_sources():
    # One unnamed group re-entered in each copy of one wire story: two rows, one voice.
    sources = by_id(
        SourceInput(1, "group", description="residents", article_id=7),
        SourceInput(2, "group", description="Residents", article_id=8),
    )
    copies = [
        att(1, 7, "indirect", "x", 1, 5, story_key="wire-1"),
        att(2, 8, "indirect", "x", 2, 5, story_key="wire-1"),
    ]
    assert claim_status(5, copies, sources).status == Status.SINGLE_SOURCE
    separate = [replace(a, story_key="") for a in copies]
    assert claim_status(5, separate, sources).status == Status.CORROBORATED


def test_anonymous_sources_in_copies_of_one_story_are_one_group():
    sources = by_id(
        SourceInput(1, "anonymous", description="an official", article_id=7),
        SourceInput(2, "anonymous", description="an official", article_id=8),
    )
    copies = [
        att(1, 7, "indirect", "x", 1, 5, story_key="wire-1"),
        att(2, 8, "indirect", "x", 2, 5, story_key="wire-1"),
    ]
    assert [g.key for g in claim_status(5, copies, sources).groups] == ["anonymous:story:wire-1"]


def test_unattributed_statements_support_nothing():
    status = claim_status(5, [att(1, 7, "unattributed", "x", None, 5)], {})
    assert status.status == Status.UNSUPPORTED
    assert status.groups == ()


def test_a_denial_makes_a_corroborated_claim_contested():
    sources = by_id(*(SourceInput(i, "person", name=f"P{i}") for i in (1, 2, 3)))
    attributions = [
        att(1, 1, "direct", "x", 1, 5),
        att(2, 2, "direct", "y", 2, 5),
        att(3, 3, "indirect", "z", 3, 5, stance="denies"),
    ]
    status = claim_status(5, attributions, sources)
    assert status.status == Status.CONTESTED
    assert status.denying_attribution_ids == (3,)
    assert len(status.groups) == 2


def test_a_contradicts_relation_makes_both_claims_contested_even_anonymous_only():
    sources = by_id(SourceInput(1, "anonymous", description="an aide", article_id=1))
    snapshot = Snapshot(
        claims=[ClaimInput(5), ClaimInput(6), ClaimInput(7)],
        attributions=[att(1, 1, "indirect", "x", 1, 5)],
        sources=list(sources.values()),
        relations=[RelationInput(1, 6, 5, "contradicts")],
    )
    statuses = claim_statuses(snapshot)
    assert statuses[5].status == Status.CONTESTED
    assert statuses[5].contradicting_claim_ids == (6,)
    assert statuses[6].status == Status.CONTESTED
    assert statuses[7].status == Status.UNSUPPORTED


# --- quotes ----------------------------------------------------------------------------


def test_normalising_unifies_quote_marks_case_spacing_and_punctuation():
    assert normalize_quote("“We’ll  DIE,” he said — at 10,000 feet.") == (
        "we'll die he said at 10,000 feet"
    )
    assert normalize_quote("«Nous   partons»") == normalize_quote('"nous partons"')


def test_similarity_is_100_only_for_quotes_identical_after_normalising():
    assert (
        quote_similarity(
            "We’ll die long before this war is over", "we'll die long before this war is over!"
        )
        == 100
    )
    assert quote_similarity("fire at the old gate", "fire at the old gaze") < 100


def test_similarity_keeps_word_order():
    # token_sort_ratio would score this 100: the same words, a different statement.
    assert (
        quote_similarity(
            "we will not attack unless they attack", "unless they attack we will not attack"
        )
        < DRIFT_MIN_SIMILARITY
    )


def test_word_diff_shows_the_changed_word_as_written():
    assert word_diff("We will hold the river crossing", "we will hold the bridge crossing!") == [
        DiffOp("equal", ("We", "will", "hold", "the"), ("we", "will", "hold", "the")),
        DiffOp("replace", ("river",), ("bridge",)),
        DiffOp("equal", ("crossing",), ("crossing",)),
    ]


def test_word_diff_reports_inserted_and_deleted_words():
    ops = [(op.op, op.old, op.new) for op in word_diff("we hold the gate", "we still hold gate")]
    assert ("insert", (), ("still",)) in ops
    assert ("delete", ("the",), ()) in ops


# --- misattribution --------------------------------------------------------------------

PEOPLE = by_id(
    SourceInput(1, "person", name="Ana Example"),
    SourceInput(2, "person", name="Ben Example"),
    SourceInput(3, "organization", name="Example Agency"),
    SourceInput(4, "person", name="Cy Example", affiliation_id=3),
)
AT_90 = ("fire at the old gate", "fire at the odd gaze")  # similarity exactly 90
BELOW_90 = ("fire at the old gate", "fire at thy odd gaze")  # 85


def test_misattribution_at_exactly_the_threshold_is_reported():
    assert quote_similarity(*AT_90) == MISATTRIBUTION_MIN_SIMILARITY
    quote = att(1, 1, "direct", AT_90[0], 1)
    other = att(2, 2, "direct", AT_90[1], 2)
    [finding] = find_misattributions(quote, [other], PEOPLE)
    assert finding.kind == FindingKind.MISATTRIBUTION
    assert finding.key == "misattribution:attributions=1,2"
    assert finding.source_ids == (1, 2)
    assert finding.details["similarity"] == 90.0
    assert finding.details["same_group"] is False
    assert [a["source"] for a in finding.details["attributions"]] == ["Ana Example", "Ben Example"]


def test_misattribution_just_below_the_threshold_is_not_reported():
    quote = att(1, 1, "direct", AT_90[0], 1)
    assert (
        find_misattributions(
            quote, [att(2, 2, "direct", AT_90[1], 2)], PEOPLE, min_similarity=90.01
        )
        == []
    )
    assert find_misattributions(quote, [att(2, 2, "direct", BELOW_90[1], 2)], PEOPLE) == []


def test_the_same_source_twice_is_not_a_misattribution():
    quote = att(1, 1, "direct", AT_90[0], 1)
    assert find_misattributions(quote, [att(2, 2, "direct", AT_90[0], 1)], PEOPLE) == []


def test_two_sources_of_one_name_are_one_speaker_not_a_misattribution():
    # "Calderon" and "Calderón" not merged yet: the same person, not two.
    sources = by_id(
        SourceInput(1, "person", name="Felipe Calderón"),
        SourceInput(2, "person", name="felipe  calderon"),
        SourceInput(3, "anonymous", description="an official"),
        SourceInput(4, "anonymous", description="an official"),
    )
    quote = att(1, 1, "direct", AT_90[0], 1)
    assert find_misattributions(quote, [att(2, 2, "direct", AT_90[0], 2)], sources) == []
    # Two unnamed sources of one description in two articles may be one person or two:
    # which says nothing of a mix-up (a weak speaker).
    unnamed = att(3, 3, "direct", AT_90[0], 3)
    assert find_misattributions(unnamed, [att(4, 4, "direct", AT_90[0], 4)], sources) == []
    assert judge_pair(unnamed, att(4, 4, "direct", AT_90[0], 4), sources).reason == "weak_speaker"


def test_an_organisation_and_a_person_are_weak_speakers_two_members_are_not():
    # The organisation's words read out by its spokesman, or an outlet relaying them.
    quote = att(1, 1, "direct", "our crews will stay until the work is done", 3)
    spokesman = att(2, 2, "direct", "Our crews will stay until the work is done.", 4)
    assert find_misattributions(quote, [spokesman], PEOPLE) == []
    sources = by_id(*PEOPLE.values(), SourceInput(5, "person", name="Di Example", affiliation_id=3))
    colleague = att(3, 3, "direct", "Our crews will stay until the work is done.", 5)
    [finding] = find_misattributions(spokesman, [colleague], sources)
    assert finding.details["same_group"] is True


def test_quotes_shorter_than_four_words_are_not_compared():
    three = att(1, 1, "direct", "we will win", 1)
    assert find_misattributions(three, [att(2, 2, "direct", "we will win", 2)], PEOPLE) == []
    four = att(1, 1, "direct", "we will win today", 1)
    assert (
        len(find_misattributions(four, [att(2, 2, "direct", "we will win today", 2)], PEOPLE)) == 1
    )


def test_misattribution_needs_another_article_and_two_quotes():
    text = "the bridge will reopen on monday morning"
    quote = att(1, 1, "direct", text, 1)
    assert find_misattributions(quote, [att(2, 1, "direct", text, 2)], PEOPLE) == []
    paraphrase = att(1, 1, "indirect", text, 1)
    assert find_misattributions(paraphrase, [att(2, 2, "indirect", text, 2)], PEOPLE) == []
    # A paraphrase credited to one side may be the reporter's reading of the other's quote.
    assert find_misattributions(paraphrase, [att(2, 2, "direct", text, 2)], PEOPLE) == []
    assert len(find_misattributions(quote, [att(2, 2, "mixed", text, 2)], PEOPLE)) == 1
    assert find_misattributions(quote, [att(2, 2, "unattributed", text)], PEOPLE) == []


def test_anonymous_sources_in_copies_of_one_story_are_not_misattributed():
    sources = by_id(
        SourceInput(1, "anonymous", description="an official", article_id=1),
        SourceInput(2, "anonymous", description="an official", article_id=2),
    )
    text = "the ceasefire will not hold past friday"
    original = att(1, 1, "direct", text, 1, story_key="wire-9")
    copy = att(2, 2, "direct", text, 2, story_key="wire-9")
    assert find_misattributions(original, [copy], sources) == []


# --- quote drift -----------------------------------------------------------------------


def test_a_quote_differing_by_one_word_is_drift_with_that_word_in_the_diff():
    before = att(1, 1, "direct", "We will hold the line at the river crossing", 1)
    after = att(2, 2, "direct", "We will hold the line at the bridge crossing", 1)
    [finding] = find_quote_drift(before, [after], PEOPLE)
    assert finding.key == "quote_drift:attributions=1,2"
    changed = [op for op in finding.details["diff"] if op["op"] != "equal"]
    assert changed == [{"op": "replace", "old": ["river"], "new": ["bridge"]}]


def test_a_quote_identical_after_normalising_is_not_drift():
    before = att(1, 1, "direct", "“We’ll hold the line,” at the river.", 1)
    after = att(2, 2, "direct", '"we\'ll HOLD the line" at the river', 1)
    assert find_quote_drift(before, [after], PEOPLE) == []


def test_drift_at_exactly_the_threshold_is_reported_and_below_it_is_not():
    at_60, below_60 = "hire on his own gaze", "hire on his own daze"
    assert quote_similarity("fire at the old gate", at_60) == DRIFT_MIN_SIMILARITY
    assert quote_similarity("fire at the old gate", below_60) < DRIFT_MIN_SIMILARITY
    quote = att(1, 1, "direct", "fire at the old gate", 1)
    assert len(find_quote_drift(quote, [att(2, 2, "direct", at_60, 1)], PEOPLE)) == 1
    assert find_quote_drift(quote, [att(2, 2, "direct", below_60, 1)], PEOPLE) == []


def test_drift_is_only_between_direct_quotes_of_one_source_in_two_articles():
    text_a, text_b = "we hold the old gate today", "we hold the new gate today"
    quote = att(1, 1, "direct", text_a, 1)
    assert find_quote_drift(quote, [att(2, 2, "direct", text_b, 2)], PEOPLE) == []
    assert find_quote_drift(quote, [att(2, 1, "direct", text_b, 1)], PEOPLE) == []
    assert find_quote_drift(quote, [att(2, 2, "mixed", text_b, 1)], PEOPLE) == []
    assert len(find_quote_drift(quote, [att(2, 2, "direct", text_b, 1)], PEOPLE)) == 1


# --- contradiction ---------------------------------------------------------------------


def test_a_contradicts_relation_is_a_finding():
    relation = RelationInput(9, 6, 5, "contradicts", note="dates differ")
    [finding] = find_contradictions([], [relation])
    assert finding.key == "contradiction:claims=5,6"
    assert finding.claim_ids == (5, 6)
    assert finding.details == {"basis": "relation", "relation_ids": [9], "notes": ["dates differ"]}


def test_one_source_asserting_both_sides_of_a_contradiction():
    attributions = [att(1, 1, "indirect", "x", 1, 5), att(2, 2, "indirect", "y", 1, 6)]
    findings = find_contradictions(attributions, [RelationInput(9, 5, 6, "contradicts")], PEOPLE)
    assert keys(findings) == ["contradiction:claims=5,6", "contradiction:source=1:claims=5,6"]
    assert findings[1].attribution_ids == (1, 2)
    assert findings[1].details["basis"] == "asserts_both"


def test_different_sources_on_each_side_only_give_the_relation_finding():
    attributions = [att(1, 1, "indirect", "x", 1, 5), att(2, 2, "indirect", "y", 2, 6)]
    findings = find_contradictions(attributions, [RelationInput(9, 5, 6, "contradicts")])
    assert keys(findings) == ["contradiction:claims=5,6"]


def test_one_source_asserting_and_denying_a_claim_or_its_same_as_twin():
    attributions = [
        att(1, 1, "indirect", "x", 1, 5),
        att(2, 2, "indirect", "not x", 1, 6, stance="denies"),
    ]
    assert find_contradictions(attributions, []) == []
    same_as = [RelationInput(9, 6, 5, "same_as")]
    [finding] = find_contradictions(attributions, same_as)
    assert finding.key == "contradiction:source=1:claim=5"
    assert finding.claim_ids == (5, 6)
    assert finding.details["basis"] == "asserts_and_denies"


# --- numeric conflict ------------------------------------------------------------------


def test_figures_of_one_claim_that_cannot_both_hold():
    attributions = [
        att(1, 1, "indirect", "at least four SDF fighters were killed", 1, 5),
        att(2, 2, "indirect", "three fighters were killed", 2, 5),
        att(3, 3, "indirect", "at least three fighters died", 2, 5),
    ]
    [finding] = find_numeric_conflicts(attributions)
    assert finding.key == "numeric_conflict:attributions=1,2"
    [conflict] = finding.details["conflicts"]
    assert conflict["figures"] == ["at least four", "three"]
    assert conflict["intervals"] == ["[4, ∞)", "[3, 3]"]
    assert conflict["readings"] == ["at least four → [4, ∞)", "three → [3, 3]"]
    json.dumps(finding.details, allow_nan=False)


def test_figures_of_same_as_claims_are_compared_but_not_of_unrelated_claims():
    attributions = [
        att(1, 1, "indirect", "more than 10,000 civilians were evacuated", 1, 5),
        att(2, 2, "indirect", "10,000 civilians were evacuated", 2, 6),
    ]
    assert find_numeric_conflicts(attributions) == []
    [finding] = find_numeric_conflicts(attributions, [RelationInput(9, 5, 6, "same_as")])
    assert finding.claim_ids == (5, 6)


def test_years_dates_and_percentages_do_not_make_numeric_conflicts():
    attributions = [
        att(1, 1, "indirect", "the wall was built in 1911 and inspected on 13 March", 1, 5),
        att(2, 2, "indirect", "40% of the wall collapsed", 2, 5),
        att(3, 3, "indirect", "30 metres of the wall collapsed", 2, 5),
    ]
    assert find_numeric_conflicts(attributions) == []


def test_a_denial_states_no_figure():
    attributions = [
        att(1, 1, "indirect", "four fighters were killed", 1, 5),
        att(2, 2, "indirect", "three fighters were killed", 2, 5, stance="denies"),
    ]
    assert find_numeric_conflicts(attributions) == []


# --- per-claim and per-source findings -------------------------------------------------


def test_status_findings_carry_the_deciding_groups():
    snapshot = Snapshot(attributions=SEED_ATTRIBUTIONS, sources=list(SEED_SOURCES.values()))
    found = {f.key: f for f in run_rules(snapshot)}
    assert set(found) == {"single_source:claim=20", "anonymous_only:claim=21"}
    single = found["single_source:claim=20"]
    assert single.attribution_ids == (10, 11, 12)
    assert single.details["groups"][0]["key"] == "source:1"


def test_an_anonymous_source_without_a_reason_is_unexplained():
    silent = SourceInput(1, "anonymous", description="an aide", article_id=3)
    blank = SourceInput(2, "anonymous", description="a guard", article_id=3, anonymity_reason=" ")
    explained = replace(silent, id=3, anonymity_reason="feared reprisals")
    findings = find_unexplained_anonymity(
        [silent, blank, explained], [att(7, 3, "indirect", "x", 1, 5)]
    )
    assert keys(findings) == [
        "unexplained_anonymity:source=1",
        "unexplained_anonymity:source=2",
    ]
    assert findings[0].attribution_ids == (7,)
    assert findings[0].claim_ids == (5,)


def test_one_unattributed_finding_per_statement():
    statements = [att(2, 1, "unattributed", "x", None, 5), att(1, 1, "unattributed", "y")]
    findings = find_unattributed([*statements, att(3, 1, "direct", "z", 1)])
    assert keys(findings) == ["unattributed:attribution=1", "unattributed:attribution=2"]


# --- an invented multi-article case ----------------------------------------------------

# Invented for this test: Port Eskel, its harbour, the Valdoran Rescue Service and every
# person and article here are made up. Articles 201 and 202 are two outlets' stories.
INVENTED_SOURCES = [
    SourceInput(1, "organization", name="Valdoran Rescue Service"),
    SourceInput(2, "person", name="Mira Talvik", affiliation_id=1),
    SourceInput(3, "person", name="Oskar Lind"),
    SourceInput(4, "person", name="Jana Ruud"),
    SourceInput(5, "anonymous", description="an official at the port authority", article_id=201),
    SourceInput(6, "organization", name="Port Eskel Harbour Authority"),
]
INVENTED_CLAIMS = [ClaimInput(i) for i in (11, 12, 13, 14, 15)]
INVENTED_ATTRIBUTIONS = [
    att(
        101,
        201,
        "direct",
        "The sea simply took the wall away in the night, there was nothing anyone could do",
        3,
        11,
    ),
    att(
        102,
        202,
        "direct",
        "“The sea simply took the wall away in the night. There was nothing anyone could do.”",
        4,
        11,
    ),
    att(
        103,
        201,
        "direct",
        "At least 12 people were injured and our crews are still searching the rubble",
        2,
        12,
    ),
    att(
        104,
        202,
        "direct",
        "At least 12 people were injured and our teams are still searching the rubble",
        2,
        12,
    ),
    att(105, 202, "indirect", "nine people were injured in the collapse", 3, 12),
    att(106, 201, "indirect", "the wall was inspected in April and found sound", 5, 13),
    att(107, 202, "indirect", "the wall had not been inspected since 2019", 6, 14),
    att(108, 201, "unattributed", "The wall was built in 1911.", None, 11),
    att(109, 202, "indirect", "ferries to Port Eskel are suspended until further notice", 1, 15),
]
INVENTED_RELATIONS = [RelationInput(1, 13, 14, "contradicts", note="inspected or not")]
INVENTED = Snapshot(
    claims=INVENTED_CLAIMS,
    attributions=INVENTED_ATTRIBUTIONS,
    sources=INVENTED_SOURCES,
    relations=INVENTED_RELATIONS,
    candidate_pairs=[(102, 101), (103, 104), (101, 107)],
)


def test_invented_case_gives_exactly_the_expected_findings():
    found = [(f.kind, f.key) for f in run_rules(INVENTED)]
    assert found == [
        ("contradiction", "contradiction:claims=13,14"),
        ("misattribution", "misattribution:attributions=101,102"),
        ("numeric_conflict", "numeric_conflict:attributions=103,105"),
        ("numeric_conflict", "numeric_conflict:attributions=104,105"),
        ("quote_drift", "quote_drift:attributions=103,104"),
        ("single_source", "single_source:claim=15"),
        ("unattributed", "unattributed:attribution=108"),
        ("unexplained_anonymity", "unexplained_anonymity:source=5"),
    ]
    statuses = claim_statuses(INVENTED)
    # 11 rests on one quote credited to two people, 12 on a reworded quote and figures
    # that cannot both hold: each open finding contests its claim.
    assert {cid: s.status for cid, s in statuses.items()} == {
        11: Status.CONTESTED,
        12: Status.CONTESTED,
        13: Status.CONTESTED,
        14: Status.CONTESTED,
        15: Status.SINGLE_SOURCE,
    }
    assert statuses[11].conflict_finding_keys == ("misattribution:attributions=101,102",)
    assert statuses[12].conflict_finding_keys == (
        "numeric_conflict:attributions=103,105",
        "numeric_conflict:attributions=104,105",
        "quote_drift:attributions=103,104",
    )


def test_invented_drift_shows_the_changed_word():
    drift = next(f for f in run_rules(INVENTED) if f.kind == FindingKind.QUOTE_DRIFT)
    changed = [op for op in drift.details["diff"] if op["op"] != "equal"]
    assert changed == [{"op": "replace", "old": ["crews"], "new": ["teams"]}]
    assert drift.source_ids == (2,)


def test_findings_details_are_json_and_survive_a_round_trip():
    for finding in run_rules(INVENTED):
        text = json.dumps(finding.details, allow_nan=False)
        assert json.loads(text) == finding.details


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_findings_do_not_depend_on_input_order(seed):
    shuffler = random.Random(seed)

    def shuffled(items):
        items = list(items)
        shuffler.shuffle(items)
        return items

    reordered = Snapshot(
        claims=shuffled(INVENTED.claims),
        attributions=shuffled(INVENTED.attributions),
        sources=shuffled(INVENTED.sources),
        relations=shuffled(INVENTED.relations),
        candidate_pairs=[(y, x) for x, y in shuffled(INVENTED.candidate_pairs)],
    )
    assert run_rules(reordered) == run_rules(INVENTED)


# --- scale -----------------------------------------------------------------------------


def test_run_rules_over_5000_attributions_finishes():
    # Synthetic: 300 named people in 20 organisations, 100 anonymous sources, 1,000
    # claims, 5,100 attributions and 5,000 candidate pairs as an index would give them.
    rng = random.Random(42)
    vocabulary = ("we", "will", "hold", "the", "line", "at", "river", "bridge", "gate", "dawn")
    sources = [SourceInput(i, "organization", name=f"Org {i}") for i in range(1, 21)]
    sources += [
        SourceInput(i, "person", name=f"Person {i}", affiliation_id=rng.choice([None, i % 20 + 1]))
        for i in range(21, 321)
    ]
    sources += [
        SourceInput(i, "anonymous", description="an official", article_id=i)
        for i in range(321, 421)
    ]
    attributions = []
    for i in range(1, 5001):
        kind = rng.choice(["direct", "direct", "indirect", "mixed", "unattributed"])
        source_id = None if kind == "unattributed" else rng.randint(1, 420)
        article_id = source_id if source_id and source_id > 320 else rng.randint(1, 800)
        text = " ".join(rng.choices(vocabulary, k=8)) + f" and {rng.randint(1, 50)} fighters"
        attributions.append(att(i, article_id, kind, text, source_id, rng.randint(1, 1000)))
    pairs = [(rng.randint(1, 5000), rng.randint(1, 5000)) for _ in range(4900)]
    for i in range(100, 5001, 50):  # a quote repeated elsewhere, found by the index
        copy = replace(attributions[i - 1], id=5000 + i, article_id=900 + i % 7, kind="direct")
        attributions.append(replace(copy, source_id=rng.randint(21, 320)))
        pairs.append((i, 5000 + i))
    relations = [RelationInput(i, 2 * i, 2 * i + 1, "contradicts") for i in range(1, 100)]
    snapshot = Snapshot(
        attributions=attributions, sources=sources, relations=relations, candidate_pairs=pairs
    )
    findings = run_rules(snapshot)
    assert len({f.key for f in findings}) == len(findings)
    assert {f.kind for f in findings} >= {
        FindingKind.MISATTRIBUTION,
        FindingKind.QUOTE_DRIFT,
        FindingKind.NUMERIC_CONFLICT,
        FindingKind.CONTRADICTION,
    }


def test_a_bare_surname_and_a_full_name_are_one_unmerged_speaker():
    sources = by_id(
        SourceInput(1, "person", name="Varnok"),
        SourceInput(2, "person", name="Ilse Varnok"),
        SourceInput(3, "person", name="Tomas Varnok"),
    )
    quote = att(1, 1, "direct", AT_90[0], 1)
    assert find_misattributions(quote, [att(2, 2, "direct", AT_90[0], 2)], sources) == []
    # Two full names of one surname are two people.
    other = att(3, 3, "direct", AT_90[0], 3)
    assert len(find_misattributions(other, [att(2, 2, "direct", AT_90[0], 2)], sources)) == 1


def test_one_specific_description_filed_twice_is_one_speaker():
    sources = by_id(
        SourceInput(1, "anonymous", description="former adviser Ilse Varnok"),
        SourceInput(2, "anonymous", description="former adviser Ilse Varnok"),
        SourceInput(3, "anonymous", description="a senior official"),
        SourceInput(4, "anonymous", description="a senior official"),
    )
    copy = att(1, 1, "direct", AT_90[0], 1)
    assert find_misattributions(copy, [att(2, 2, "direct", AT_90[0], 2)], sources) == []
    vague = att(3, 3, "direct", AT_90[0], 3)
    assert find_misattributions(vague, [att(4, 4, "direct", AT_90[0], 4)], sources) == []
