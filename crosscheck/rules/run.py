"""Every rule over a snapshot at once: :func:`run_rules`."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from crosscheck.rules.conflicts import find_contradictions, find_numeric_conflicts
from crosscheck.rules.data import DEFAULT_THRESHOLDS, Finding, Snapshot, Thresholds, _unique
from crosscheck.rules.independence import claim_statuses
from crosscheck.rules.pairs import pair_finding
from crosscheck.rules.sourcing import find_unattributed, find_unexplained_anonymity, status_findings


def run_rules(snapshot: Snapshot, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Finding]:
    """Every rule over the snapshot: findings sorted by key, each key once.

    Quotes are compared in the snapshot's candidate pairs and in every pair of sourced
    attributions of one claim, each pair judged by :func:`~crosscheck.rules.judge_pair`.
    Only that per-claim step is quadratic (a claim has few attributions); everything else
    is grouped with dicts, so the work grows with the input rather than its square.
    """
    sources = {s.id: s for s in snapshot.sources}
    by_id = {a.id: a for a in snapshot.attributions}
    pairs = {
        (min(x, y), max(x, y))
        for x, y in snapshot.candidate_pairs
        if x != y and x in by_id and y in by_id
    }
    by_claim: dict[int, list[int]] = defaultdict(list)
    for a in snapshot.attributions:
        if a.claim_id is not None and a.source_id is not None:
            by_claim[a.claim_id].append(a.id)
    for ids in by_claim.values():
        pairs.update(combinations(sorted(ids), 2))
    findings = [pair_finding(by_id[x], by_id[y], sources, thresholds) for x, y in pairs]
    return _unique(
        [f for f in findings if f is not None]
        + find_contradictions(snapshot.attributions, snapshot.relations, sources)
        + find_numeric_conflicts(snapshot.attributions, snapshot.relations)
        + status_findings(claim_statuses(snapshot))
        + find_unexplained_anonymity(snapshot.sources, snapshot.attributions)
        + find_unattributed(snapshot.attributions)
    )
