"""The cross-check engine's rules: attributions checked against each other.

Everything here is pure: plain dataclasses in, plain dataclasses out, no Django and no
database, so the rules are fast to test and to benchmark. The service layer loads rows into
a :class:`Snapshot`, calls :func:`run_rules` (and :func:`claim_statuses`), and stores the
findings, matching old and new ones by :attr:`Finding.key`.

Kinds, stances and statuses are the string values of the models' ``TextChoices``, so the
service can copy them over as they are (a test holds each enum to its model's choices).

The rules are the only judges: a pair verdict (:func:`judge_pair`, which the engine's
misattribution and drift rules, the compare tool and :func:`judge_quote` all take), a claim
status (:func:`claim_status`, with the predicates it is built from: :func:`counted`,
:func:`supports`, :func:`denies`, :func:`rests_on_anonymous_only`), and the thresholds'
edges (:class:`Thresholds`, :func:`reaches`, :func:`quotable`) are decided here and
nowhere else.

The modules: ``data`` (thresholds, kinds, verdicts, the dataclasses in and out), ``quotes``
(quote normalisation, similarity and word diff), ``independence`` (independence groups and
claim status), ``pairs`` (the pair verdict: misattribution and quote drift between two
attributions, and the quote check), ``conflicts`` (contradictions and numeric conflicts),
``sourcing`` (status, anonymity and unattributed findings) and ``run`` (:func:`run_rules`,
all of them over a snapshot).
"""

from crosscheck.rules.conflicts import find_contradictions, find_numeric_conflicts
from crosscheck.rules.data import (
    DEFAULT_THRESHOLDS,
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    MISATTRIBUTION_MIN_SIMILARITY,
    QUOTE_KINDS,
    SEVERITY,
    UNNAMED_KINDS,
    AttributionInput,
    AttributionKind,
    ClaimInput,
    ClaimStatus,
    DiffOp,
    Finding,
    FindingKind,
    IndependenceGroup,
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
)
from crosscheck.rules.independence import (
    claim_status,
    claim_statuses,
    counted,
    denies,
    independence_group,
    is_anonymous,
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
from crosscheck.rules.run import run_rules
from crosscheck.rules.sourcing import (
    find_unattributed,
    find_unexplained_anonymity,
    is_unattributed,
    status_findings,
    unexplained_anonymity,
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "DRIFT_MIN_SIMILARITY",
    "MIN_QUOTE_WORDS",
    "MISATTRIBUTION_MIN_SIMILARITY",
    "NO_ARTICLE",
    "QUOTE_KINDS",
    "SEVERITY",
    "UNNAMED_KINDS",
    "AttributionInput",
    "AttributionKind",
    "ClaimInput",
    "ClaimStatus",
    "DiffOp",
    "Finding",
    "FindingKind",
    "IndependenceGroup",
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
    "can_drift",
    "claim_status",
    "claim_statuses",
    "counted",
    "denies",
    "find_contradictions",
    "find_misattributions",
    "find_numeric_conflicts",
    "find_quote_drift",
    "find_unattributed",
    "find_unexplained_anonymity",
    "independence_group",
    "is_anonymous",
    "is_unattributed",
    "judge_pair",
    "judge_quote",
    "normalize_quote",
    "pair_finding",
    "quotable",
    "quote_overlap",
    "quote_similarity",
    "reaches",
    "rests_on_anonymous_only",
    "rounded_similarity",
    "run_rules",
    "score_cutoff",
    "speaker_keys",
    "status_findings",
    "supports",
    "unexplained_anonymity",
    "word_diff",
]
