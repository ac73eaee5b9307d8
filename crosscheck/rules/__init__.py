"""The cross-check engine's rules: attributions checked against each other.

Everything here is pure: plain dataclasses in, plain dataclasses out, no Django and no
database, so the rules are fast to test and to benchmark. The service layer loads rows into
a :class:`Snapshot`, calls :func:`run_rules` (and :func:`claim_statuses`), and stores the
findings, matching old and new ones by :attr:`Finding.key`.

Kinds, stances and statuses are the string values of the models' ``TextChoices``, so the
service can copy them over as they are.

The modules: ``data`` (thresholds, kinds, the dataclasses in and out), ``quotes`` (quote
normalisation, similarity and word diff), ``independence`` (independence groups and claim
status), ``pairs`` (misattribution and quote drift between two attributions),
``conflicts`` (contradictions and numeric conflicts), ``sourcing`` (status, anonymity and
unattributed findings) and ``run`` (:func:`run_rules`, all of them over a snapshot).
"""

from crosscheck.rules.conflicts import find_contradictions, find_numeric_conflicts
from crosscheck.rules.data import (
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    MISATTRIBUTION_MIN_SIMILARITY,
    QUOTE_KINDS,
    AttributionInput,
    AttributionKind,
    ClaimInput,
    ClaimStatus,
    DiffOp,
    Finding,
    FindingKind,
    IndependenceGroup,
    RelationInput,
    RelationKind,
    Snapshot,
    SourceInput,
    SourceKind,
    Stance,
    Status,
)
from crosscheck.rules.independence import claim_status, claim_statuses, independence_group
from crosscheck.rules.pairs import find_misattributions, find_quote_drift
from crosscheck.rules.quotes import normalize_quote, quote_similarity, word_diff
from crosscheck.rules.run import run_rules
from crosscheck.rules.sourcing import find_unattributed, find_unexplained_anonymity, status_findings

__all__ = [
    "DRIFT_MIN_SIMILARITY",
    "MIN_QUOTE_WORDS",
    "MISATTRIBUTION_MIN_SIMILARITY",
    "QUOTE_KINDS",
    "AttributionInput",
    "AttributionKind",
    "ClaimInput",
    "ClaimStatus",
    "DiffOp",
    "Finding",
    "FindingKind",
    "IndependenceGroup",
    "RelationInput",
    "RelationKind",
    "Snapshot",
    "SourceInput",
    "SourceKind",
    "Stance",
    "Status",
    "claim_status",
    "claim_statuses",
    "find_contradictions",
    "find_misattributions",
    "find_numeric_conflicts",
    "find_quote_drift",
    "find_unattributed",
    "find_unexplained_anonymity",
    "independence_group",
    "normalize_quote",
    "quote_similarity",
    "run_rules",
    "status_findings",
    "word_diff",
]
