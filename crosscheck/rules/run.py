"""Every rule over a snapshot at once: :func:`check` (findings and claim statuses),
:func:`run_rules` (its findings) and :func:`claim_statuses` (its statuses)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from crosscheck.rules.conflicts import find_contradictions, find_numeric_conflicts
from crosscheck.rules.data import (
    DEFAULT_THRESHOLDS,
    AttributionInput,
    ClaimInput,
    ClaimStatus,
    Finding,
    FindingInput,
    FindingKind,
    RelationInput,
    RelationKind,
    Snapshot,
    Thresholds,
    _unique,
)
from crosscheck.rules.pairs import pair_finding
from crosscheck.rules.sourcing import find_unattributed, find_unexplained_anonymity, status_findings
from crosscheck.rules.status import _status, holding_conflicts


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: the findings (sorted by key, each key once) and the
    status of every claim in the snapshot, or referenced by its attributions."""

    findings: list[Finding]
    statuses: dict[int, ClaimStatus]


def check(snapshot: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Checked:
    """Every rule over the snapshot.

    Quotes are compared in the snapshot's candidate pairs and in every pair of sourced
    attributions of one claim, each pair judged by :func:`~crosscheck.rules.judge_pair`.
    The conflict findings found (with the triage the snapshot's stored findings give them)
    and the stored ones this run could not judge decide the claim statuses
    (:func:`~crosscheck.rules.claim_status`), whose single-source and anonymous-only
    findings come last. Only the per-claim steps are quadratic (a claim has few
    attributions); everything else is grouped with dicts, so the work grows with the input
    rather than its square.
    """
    sources = {s.id: s for s in snapshot.sources}
    by_id = {a.id: a for a in snapshot.attributions}
    pairs = {
        (min(x, y), max(x, y))
        for x, y in snapshot.candidate_pairs
        if x != y and x in by_id and y in by_id
    }
    by_claim: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in snapshot.attributions:
        if a.claim_id is not None:
            by_claim[a.claim_id].append(a)
    for members in by_claim.values():
        sourced = sorted(a.id for a in members if a.source_id is not None)
        pairs.update(combinations(sourced, 2))
    found = [pair_finding(by_id[x], by_id[y], sources, thresholds) for x, y in pairs]
    numeric = find_numeric_conflicts(snapshot.attributions, snapshot.relations)
    conflicts = holding_conflicts(
        snapshot.findings, [f for f in found if f is not None] + numeric, pairs
    )

    naming: dict[int, list[FindingInput]] = defaultdict(list)
    for finding in conflicts:
        for claim_id in {by_id[i].claim_id for i in finding.attribution_ids if i in by_id}:
            if claim_id is not None:
                naming[claim_id].append(finding)
    contradicts: dict[int, list[RelationInput]] = defaultdict(list)
    for r in snapshot.relations:
        if r.kind == RelationKind.CONTRADICTS:
            contradicts[r.from_claim_id].append(r)
            contradicts[r.to_claim_id].append(r)
    claims = {c.id: c for c in snapshot.claims}
    # Every pair of a claim's sourced attributions was judged above: the copies are the
    # pairs it calls misattributions.
    repeats = {
        (f.attribution_ids[0], f.attribution_ids[1])
        for f in found
        if f is not None and f.kind == FindingKind.MISATTRIBUTION
    }
    statuses = {
        claim_id: _status(
            claims.get(claim_id) or ClaimInput(claim_id),
            by_claim.get(claim_id, ()),
            by_id,
            sources,
            contradicts.get(claim_id, ()),
            naming.get(claim_id, ()),
            thresholds,
            repeats,
        )
        for claim_id in sorted(claims.keys() | by_claim.keys())
    }
    findings = _unique(
        [f for f in found if f is not None]
        + find_contradictions(snapshot.attributions, snapshot.relations, sources)
        + numeric
        + status_findings(statuses)
        + find_unexplained_anonymity(snapshot.sources, snapshot.attributions)
        + find_unattributed(snapshot.attributions)
    )
    return Checked(findings, statuses)


def run_rules(snapshot: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Every rule over the snapshot: findings sorted by key, each key once (see
    :func:`check`)."""
    return check(snapshot, thresholds).findings


def claim_statuses(
    snapshot: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> dict[int, ClaimStatus]:
    """The status of every claim in the snapshot (or referenced by its attributions), as
    :func:`check` decides it."""
    return check(snapshot, thresholds).statuses
