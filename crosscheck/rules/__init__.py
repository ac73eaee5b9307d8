"""The cross-check engine's rules: attributions checked against each other.

Everything here is pure: plain dataclasses in, plain dataclasses out, no Django and no
database, so the rules are fast to test and to benchmark. The service layer loads rows into
a :class:`Snapshot`, calls :func:`check` (findings and claim statuses), and stores the
findings, matching old and new ones by :attr:`Finding.key`.

Kinds, stances and statuses are the string values of the models' ``TextChoices``, so the
service can copy them over as they are (a test holds each enum to its model's choices).

The rules are the only judges: a pair verdict (:func:`judge_pair`, which the engine's
misattribution and drift rules, the compare tool, :func:`judge_quote` and the copies a
claim status finds all take), a claim status with its reasons (:func:`claim_status`, with
the predicates it is built from: :func:`not_counted_reason`, :func:`counted`,
:func:`supports`, :func:`denies`, :func:`conflicting_figures`), and the thresholds' edges
(:class:`Thresholds`, :func:`reaches`, :func:`quotable`) are decided here and nowhere
else.

The modules: ``data`` (thresholds, kinds, verdicts, the dataclasses in and out), ``quotes``
(quote normalisation, similarity and word diff), ``independence`` (independence groups and
which attributions count), ``pairs`` (the pair verdict: misattribution and quote drift
between two attributions, and the quote check), ``conflicts`` (contradictions and numeric
conflicts), ``status`` (the claim status and its reasons: what counts, what is a copy,
what contests it), ``sourcing`` (status, anonymity and unattributed findings) and ``run``
(:func:`check`, all of them over a snapshot).
"""

from crosscheck.rules.conflicts import (
    conflicting_figures,
    find_contradictions,
    find_numeric_conflicts,
)
from crosscheck.rules.data import (
    CONFLICT_KINDS,
    DEFAULT_THRESHOLDS,
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    MISATTRIBUTION_MIN_SIMILARITY,
    PAIR_FINDING_KINDS,
    QUOTE_KINDS,
    SEVERITY,
    UNNAMED_KINDS,
    AttributionInput,
    AttributionKind,
    ClaimInput,
    ClaimStatus,
    ContestReason,
    DiffOp,
    FigureContradiction,
    Finding,
    FindingInput,
    FindingKind,
    IndependenceGroup,
    NotCounted,
    NotCountedReason,
    PairJudgement,
    PairReason,
    PairVerdict,
    QuoteJudgement,
    QuoteOverlap,
    QuoteReason,
    QuoteRelation,
    QuoteVerdict,
    RelationInput,
    RelationKind,
    Severity,
    Snapshot,
    SourceInput,
    SourceKind,
    Stance,
    Status,
    Thresholds,
    TriageState,
)
from crosscheck.rules.independence import (
    counted,
    denies,
    independence_group,
    is_anonymous,
    not_counted_reason,
    rests_on_anonymous_only,
    supports,
)
from crosscheck.rules.pairs import (
    NO_ARTICLE,
    can_drift,
    find_misattributions,
    find_quote_drift,
    judge_pair,
    judge_quote,
    pair_finding,
    speaker_keys,
)
from crosscheck.rules.quotes import (
    normalize_quote,
    quotable,
    quote_overlap,
    quote_similarity,
    reaches,
    rounded_similarity,
    score_cutoff,
    word_diff,
)
from crosscheck.rules.run import Checked, check, claim_statuses, run_rules
from crosscheck.rules.sourcing import (
    find_unattributed,
    find_unexplained_anonymity,
    is_unattributed,
    status_findings,
    unexplained_anonymity,
)
from crosscheck.rules.status import claim_status, holding_conflicts, said_order, voids

__all__ = [
    "CONFLICT_KINDS",
    "DEFAULT_THRESHOLDS",
    "DRIFT_MIN_SIMILARITY",
    "MIN_QUOTE_WORDS",
    "MISATTRIBUTION_MIN_SIMILARITY",
    "NO_ARTICLE",
    "PAIR_FINDING_KINDS",
    "QUOTE_KINDS",
    "SEVERITY",
    "UNNAMED_KINDS",
    "AttributionInput",
    "AttributionKind",
    "Checked",
    "ClaimInput",
    "ClaimStatus",
    "ContestReason",
    "DiffOp",
    "FigureContradiction",
    "Finding",
    "FindingInput",
    "FindingKind",
    "IndependenceGroup",
    "NotCounted",
    "NotCountedReason",
    "PairJudgement",
    "PairReason",
    "PairVerdict",
    "QuoteJudgement",
    "QuoteOverlap",
    "QuoteReason",
    "QuoteRelation",
    "QuoteVerdict",
    "RelationInput",
    "RelationKind",
    "Severity",
    "Snapshot",
    "SourceInput",
    "SourceKind",
    "Stance",
    "Status",
    "Thresholds",
    "TriageState",
    "can_drift",
    "check",
    "claim_status",
    "claim_statuses",
    "conflicting_figures",
    "counted",
    "denies",
    "find_contradictions",
    "find_misattributions",
    "find_numeric_conflicts",
    "find_quote_drift",
    "find_unattributed",
    "find_unexplained_anonymity",
    "holding_conflicts",
    "independence_group",
    "is_anonymous",
    "is_unattributed",
    "judge_pair",
    "judge_quote",
    "normalize_quote",
    "not_counted_reason",
    "pair_finding",
    "quotable",
    "quote_overlap",
    "quote_similarity",
    "reaches",
    "rests_on_anonymous_only",
    "rounded_similarity",
    "run_rules",
    "said_order",
    "score_cutoff",
    "speaker_keys",
    "status_findings",
    "supports",
    "unexplained_anonymity",
    "voids",
    "word_diff",
]
