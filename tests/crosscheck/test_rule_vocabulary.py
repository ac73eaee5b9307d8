"""The rules' enums are the models' choices, value for value: a kind, status or verdict
added on one side and not the other fails here. And the rules stay free of Django."""

import subprocess
import sys
from pathlib import Path

import pytest

from claims.models import Attribution, Claim, ClaimRelation
from crosscheck import reports, rules, serializers, services
from crosscheck.models import Finding
from crosscheck.rules import (
    AttributionInput,
    ClaimInput,
    PairJudgement,
    PairReason,
    PairVerdict,
    RelationInput,
    Snapshot,
    SourceInput,
)
from sources.models import Source


@pytest.mark.parametrize(
    ("rule_enum", "model_choices"),
    [
        (rules.FindingKind, Finding.Kind),
        (rules.Status, Claim.Status),
        (rules.AttributionKind, Attribution.Kind),
        (rules.Stance, Attribution.Stance),
        (rules.RelationKind, ClaimRelation.Kind),
        (rules.SourceKind, Source.Kind),
    ],
    ids=["finding kinds", "claim statuses", "attribution kinds", "stances", "relations", "sources"],
)
def test_each_rule_enum_is_its_models_choices(rule_enum, model_choices):
    assert sorted(rule_enum) == sorted(model_choices.values)


def test_the_rules_unnamed_kinds_are_the_sources_bound_to_one_article():
    assert set(Source.ARTICLE_BOUND_KINDS) == rules.UNNAMED_KINDS


def test_the_verdicts_the_api_may_answer_are_the_rules_verdicts():
    comparison = serializers.ComparisonSerializer().fields["verdict"]
    quote_check = serializers.QuoteCheckSerializer().fields["verdict"]
    assert list(comparison.choices) == [v.value for v in rules.PairVerdict]
    assert list(quote_check.choices) == [v.value for v in rules.QuoteVerdict]


def test_every_finding_kind_has_a_scope_the_recheck_judges_it_by():
    scopes = [
        services.PAIR_KINDS,
        services.CLAIM_KINDS,
        services.SOURCE_KINDS,
        services.ATTRIBUTION_KINDS,
    ]
    assert sorted(kind for scope in scopes for kind in scope) == sorted(Finding.Kind.values)


def test_every_reason_of_a_verdict_is_explained():
    limits = rules.Thresholds()
    produced = {
        PairReason.REWORDED: PairVerdict.QUOTE_DRIFT,
        PairReason.NEAR_IDENTICAL: PairVerdict.MISATTRIBUTION,
        PairReason.SAME_ATTRIBUTION: PairVerdict.SAME_QUOTE,
        PairReason.IDENTICAL: PairVerdict.SAME_QUOTE,
    }
    for reason in PairReason:
        judgement = PairJudgement(produced.get(reason, PairVerdict.DIFFERENT), reason)
        assert reports._pair_explanation(judgement, limits)
    assert set(reports.QUOTE_EXPLANATIONS) == set(rules.QuoteReason)


# A snapshot on which the rules produce every finding kind and every claim status.
ANA, BEN, CY = 1, 2, 3
UNNAMED = 4  # anonymous, no reason given
EVERYTHING = Snapshot(
    claims=[ClaimInput(i) for i in range(10, 17)],
    sources=[
        SourceInput(ANA, "person", name="Ana Example"),
        SourceInput(BEN, "person", name="Ben Example"),
        SourceInput(CY, "person", name="Cy Example"),
        SourceInput(UNNAMED, "anonymous", description="an official", article_id=3),
    ],
    attributions=[
        # 10: corroborated by two independent sources.
        AttributionInput(1, 1, "indirect", "the ferry resumes service on monday", ANA, 10),
        AttributionInput(2, 2, "indirect", "ferry service returns monday", BEN, 10),
        # 11: single source.
        AttributionInput(13, 1, "indirect", "the bridge stays open", ANA, 11),
        # One quote credited to Ana and to Cy (a candidate pair): a misattribution.
        AttributionInput(3, 1, "direct", "we will hold the bridge until spring", ANA),
        AttributionInput(4, 2, "direct", "we will hold the bridge until spring", CY, 12),
        # 12: Cy's claim, and Cy reworded (quote drift): contested by the open findings.
        AttributionInput(5, 3, "direct", "we will hold the old gate today", CY, 12),
        AttributionInput(6, 2, "direct", "we will hold the new gate today", CY, 12),
        # 13: anonymous only.
        AttributionInput(7, 3, "indirect", "the mayor will resign", UNNAMED, 13),
        # 14: contested by a denial; 15 contradicts it (a relation).
        AttributionInput(8, 1, "indirect", "the dam was inspected", ANA, 14),
        AttributionInput(9, 2, "indirect", "the dam was inspected", BEN, 14, stance="denies"),
        # 16: unsupported, an unattributed statement; figures that cannot both hold.
        AttributionInput(10, 1, "unattributed", "four workers were hurt", None, 16),
        AttributionInput(11, 2, "indirect", "four workers were injured", ANA, 15),
        AttributionInput(12, 3, "indirect", "three workers were injured", BEN, 15),
    ],
    relations=[RelationInput(1, 14, 15, "contradicts")],
    candidate_pairs=[(3, 4)],
)


def test_the_rules_produce_every_finding_kind_the_model_knows():
    produced = {finding.kind for finding in rules.run_rules(EVERYTHING)}
    assert sorted(produced) == sorted(Finding.Kind.values)


def test_the_rules_produce_every_claim_status_the_model_knows():
    produced = {status.status for status in rules.claim_statuses(EVERYTHING).values()}
    assert sorted(produced) == sorted(Claim.Status.values)


def test_the_pair_verdicts_the_rules_produce_are_the_api_choices():
    sources = {s.id: s for s in EVERYTHING.sources}
    by_id = {a.id: a for a in EVERYTHING.attributions}
    pairs = [(3, 3), (3, 4), (5, 6), (1, 2)]
    produced = {rules.judge_pair(by_id[x], by_id[y], sources).verdict for x, y in pairs}
    assert sorted(produced) == sorted(serializers.ComparisonSerializer().fields["verdict"].choices)


def test_the_rules_import_no_django():
    """The rules are pure: importing them (and everything they import) loads no Django."""
    code = (
        "import sys, crosscheck.rules; "
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not loaded, loaded"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
