"""Per-claim checks: contradictions (relations, and one source on both sides) and figures
that cannot both hold (numeric conflicts), with ``same_as`` claims taken as one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import combinations

from crosscheck.quantities import Quantity, pair_quantities, parse_quantities
from crosscheck.rules.data import (
    AttributionInput,
    Finding,
    FindingKind,
    RelationInput,
    RelationKind,
    SourceInput,
    Stance,
    _finding,
    _unique,
)
from crosscheck.rules.independence import _label


def _same_as_clusters(
    attributions: Iterable[AttributionInput], relations: Iterable[RelationInput]
) -> tuple[dict[int, int], dict[int, list[AttributionInput]]]:
    """(claim id -> smallest claim id it is transitively ``same_as``, attributions by
    that root claim)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in relations:
        if r.kind == RelationKind.SAME_AS:
            ra, rb = root(r.from_claim_id), root(r.to_claim_id)
            parent[max(ra, rb)] = min(ra, rb)
    roots = {x: root(x) for x in parent}
    clusters: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in attributions:
        if a.claim_id is not None:
            clusters[roots.get(a.claim_id, a.claim_id)].append(a)
    return roots, clusters


def find_contradictions(
    attributions: Iterable[AttributionInput],
    relations: Iterable[RelationInput],
    sources: Mapping[int, SourceInput] | None = None,
) -> list[Finding]:
    """Contradictions: each ``contradicts`` relation; each source asserting both sides of
    one; each source asserting and denying one claim. ``same_as`` claims count as one
    claim for the two source checks. "One source" is one source row, not one group."""
    relations, sources = list(relations), sources or {}
    roots, clusters = _same_as_clusters(attributions, relations)
    said: dict[tuple[int, bool], dict[int, list[AttributionInput]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for root, members in clusters.items():
        for a in members:
            if a.source_id is not None:
                said[(root, a.stance == Stance.DENIES)][a.source_id].append(a)
    pairs: dict[tuple[int, int], list[RelationInput]] = defaultdict(list)
    for r in relations:
        if r.kind == RelationKind.CONTRADICTS:
            ends = sorted((r.from_claim_id, r.to_claim_id))
            pairs[(ends[0], ends[1])].append(r)
    findings: list[Finding] = []
    for (x, y), rels in pairs.items():
        rels.sort(key=lambda r: r.id)
        details = {
            "basis": "relation",
            "relation_ids": [r.id for r in rels],
            "notes": [r.note for r in rels if r.note],
        }
        findings.append(_finding(FindingKind.CONTRADICTION, f"claims={x},{y}", (), details, (x, y)))
        says_x = said.get((roots.get(x, x), False), {})
        says_y = said.get((roots.get(y, y), False), {})
        for source_id in set(says_x) & set(says_y):
            details = {"basis": "asserts_both", "source": _label(source_id, sources)}
            key = f"source={source_id}:claims={x},{y}"
            both = says_x[source_id] + says_y[source_id]
            findings.append(_finding(FindingKind.CONTRADICTION, key, both, details, (x, y)))
    for (root, denies), by_source in said.items():
        asserts = said.get((root, False), {}) if denies else {}
        for source_id in set(by_source) & set(asserts):
            details = {"basis": "asserts_and_denies", "source": _label(source_id, sources)}
            key = f"source={source_id}:claim={root}"
            both = by_source[source_id] + asserts[source_id]
            findings.append(_finding(FindingKind.CONTRADICTION, key, both, details))
    return _unique(findings)


@lru_cache(maxsize=65_536)
def _quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(parse_quantities(text))


def conflicting_figures(first: str, second: str) -> list[tuple[Quantity, Quantity]]:
    """The figures of two texts that are about the same thing (see
    :func:`crosscheck.quantities.pair_quantities`) and cannot both hold: "at least four"
    and "three" conflict, "at least four" and "six" do not. What the numeric-conflict
    rule compares between two attributions, and the claim status between a claim's
    words and an attribution's."""
    qa, qb = _quantities(first), _quantities(second)
    if not qa or not qb:
        return []
    return [(x, y) for x, y in pair_quantities(qa, qb) if not x.intersects(y)]


def find_numeric_conflicts(
    attributions: Iterable[AttributionInput], relations: Iterable[RelationInput] = ()
) -> list[Finding]:
    """Figures that cannot both hold, between attributions of one claim or of claims that
    are ``same_as`` each other (see :func:`claims.quantities.pair_quantities` for which
    figures are compared). Denials are skipped: "not four" states no figure. One finding
    per attribution pair, listing each conflicting pair of figures."""
    _roots, clusters = _same_as_clusters(attributions, relations)
    findings: list[Finding] = []
    for members in clusters.values():
        stated = [
            a
            for a in sorted(members, key=lambda a: a.id)
            if a.stance != Stance.DENIES and _quantities(a.text)
        ]
        for a, b in combinations(stated, 2):
            conflicts = conflicting_figures(a.text, b.text)
            if not conflicts:
                continue
            evidence = [
                {
                    "figures": [x.written, y.written],
                    "intervals": [x.interval, y.interval],
                    "readings": [x.reading, y.reading],
                    "quantities": [x.as_dict(), y.as_dict()],
                }
                for x, y in conflicts
            ]
            key = f"attributions={a.id},{b.id}"
            findings.append(
                _finding(FindingKind.NUMERIC_CONFLICT, key, (a, b), {"conflicts": evidence})
            )
    return _unique(findings)
