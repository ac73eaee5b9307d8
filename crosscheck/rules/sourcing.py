"""Sourcing findings: claims resting on anonymous sources only or on a single one, anonymous
sources with no reason given, and statements with no source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from crosscheck.rules.data import (
    AttributionInput,
    AttributionKind,
    ClaimStatus,
    Finding,
    FindingKind,
    SourceInput,
    SourceKind,
    Status,
    _finding,
    _unique,
)


def status_findings(statuses: Mapping[int, ClaimStatus]) -> list[Finding]:
    """anonymous_only and single_source findings, one per claim with that status, with
    the groups that decided it."""
    kinds = {
        Status.ANONYMOUS_ONLY: FindingKind.ANONYMOUS_ONLY,
        Status.SINGLE_SOURCE: FindingKind.SINGLE_SOURCE,
    }
    return [
        Finding(
            kind=kinds[status.status],
            key=f"{kinds[status.status]}:claim={claim_id}",
            claim_ids=(claim_id,),
            attribution_ids=tuple(sorted(i for g in status.groups for i in g.attribution_ids)),
            source_ids=tuple(sorted({i for g in status.groups for i in g.source_ids})),
            details={"groups": [g.as_dict() for g in status.groups]},
        )
        for claim_id, status in sorted(statuses.items())
        if status.status in kinds
    ]


def unexplained_anonymity(source: SourceInput) -> bool:
    """Whether the source is anonymous with no reason for its anonymity given."""
    return source.kind == SourceKind.ANONYMOUS and not source.anonymity_reason.strip()


def is_unattributed(attribution: AttributionInput) -> bool:
    """Whether the article gives the statement no source."""
    return attribution.source_id is None or attribution.kind == AttributionKind.UNATTRIBUTED


def find_unexplained_anonymity(
    sources: Iterable[SourceInput], attributions: Iterable[AttributionInput] = ()
) -> list[Finding]:
    """One finding per anonymous source for which no reason for anonymity is given."""
    said: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in attributions:
        if a.source_id is not None:
            said[a.source_id].append(a)
    findings = []
    for s in sources:
        if unexplained_anonymity(s):
            details = {"source": s.label, "article_id": s.article_id}
            finding = _finding(
                FindingKind.UNEXPLAINED_ANONYMITY, f"source={s.id}", said[s.id], details
            )
            findings.append(replace(finding, source_ids=(s.id,)))
    return _unique(findings)


def find_unattributed(attributions: Iterable[AttributionInput]) -> list[Finding]:
    """One finding per statement the article gives no source for."""
    kind = FindingKind.UNATTRIBUTED
    return _unique(
        _finding(kind, f"attribution={a.id}", (a,), {"article_id": a.article_id})
        for a in attributions
        if is_unattributed(a)
    )
