"""The cross-check's one entry point: load what a change touches, run the rules, store.

``recheck`` takes the ids a change touched (attributions, claims, sources), widens them to
everything whose results could change (the claims of those attributions, all attributions of
those claims, claims related to them, the near-identical quotes the index finds), runs the
pure rules in ``rules``, and then:

- stores each finding by its key: a finding found again keeps its id and triage state, and
  one that was resolved is reopened;
- marks resolved (never deletes) each stored finding that this recomputation was complete
  enough to judge and did not find again;
- updates the status of every claim in scope.

``schedule_recheck`` queues a recheck for after the current transaction commits; the model
signals in ``claims/signals.py`` call it, so every write path (admin, API, commands) keeps
findings current.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims.crosscheck import index, rules
from claims.crosscheck.inputs import source_inputs, story_key
from claims.models import Attribution, Claim, ClaimRelation, Finding
from sources.models import Source

PAIR_KINDS = {Finding.Kind.MISATTRIBUTION, Finding.Kind.QUOTE_DRIFT}
CLAIM_KINDS = {
    Finding.Kind.CONTRADICTION,
    Finding.Kind.NUMERIC_CONFLICT,
    Finding.Kind.ANONYMOUS_ONLY,
    Finding.Kind.SINGLE_SOURCE,
}
SOURCE_KINDS = {Finding.Kind.UNEXPLAINED_ANONYMITY}
ATTRIBUTION_KINDS = {Finding.Kind.UNATTRIBUTED}
# Relations whose claims are judged together (pooled figures, contradictions).
LINKING_RELATIONS = (ClaimRelation.Kind.SAME_AS, ClaimRelation.Kind.CONTRADICTS)


@dataclass
class Scope:
    """Ids a change touched. ``finding_ids`` are findings whose rows may be gone (an
    attribution deleted), to be resolved unless found again."""

    attribution_ids: set[int] = field(default_factory=set)
    claim_ids: set[int] = field(default_factory=set)
    source_ids: set[int] = field(default_factory=set)
    finding_ids: set[int] = field(default_factory=set)

    def add(
        self,
        *,
        attribution_ids: Iterable[int | None] = (),
        claim_ids: Iterable[int | None] = (),
        source_ids: Iterable[int | None] = (),
        finding_ids: Iterable[int] = (),
    ) -> None:
        self.attribution_ids.update(i for i in attribution_ids if i is not None)
        self.claim_ids.update(i for i in claim_ids if i is not None)
        self.source_ids.update(i for i in source_ids if i is not None)
        self.finding_ids.update(finding_ids)

    def __bool__(self) -> bool:
        return bool(self.attribution_ids or self.claim_ids or self.source_ids or self.finding_ids)


@dataclass
class RecheckReport:
    claims: int = 0
    attributions: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    statuses_changed: int = 0


@dataclass
class _Loaded:
    """The widened scope, as rows and plain inputs."""

    primary: set[int]  # attributions whose quotes were compared against the index
    claim_ids: set[int]
    claim_attributions: set[int]  # every attribution of the claims in scope
    source_ids: set[int]
    snapshot: rules.Snapshot
    claim_of: dict[int, int | None]


def thresholds() -> dict:
    return {
        "misattribution_min_similarity": settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY,
        "drift_min_similarity": settings.TRACKER_DRIFT_MIN_SIMILARITY,
        "min_quote_words": settings.TRACKER_MIN_QUOTE_WORDS,
    }


def _attribution_input(row: dict) -> rules.AttributionInput:
    return rules.AttributionInput(
        id=row["id"],
        article_id=row["article_id"],
        kind=row["kind"],
        text=row["text"],
        source_id=row["source_id"],
        claim_id=row["claim_id"],
        stance=row["stance"],
        said_on=row["said_on"],
        story_key=story_key(row["article__origin_outlet_id"], row["article__headline"]),
        retracted=row["article__retracted_at"] is not None,
    )


ATTRIBUTION_FIELDS = (
    "id",
    "article_id",
    "kind",
    "text",
    "source_id",
    "claim_id",
    "stance",
    "said_on",
    "article__origin_outlet_id",
    "article__headline",
    "article__retracted_at",
)


def _load(scope: Scope) -> _Loaded:
    primary = set(scope.attribution_ids)
    claim_ids = set(scope.claim_ids)
    source_ids = set(scope.source_ids)

    # A changed source changes the groups of every claim it (or a member) supports.
    if source_ids:
        members = set(
            Source.objects.filter(affiliation_id__in=source_ids).values_list("id", flat=True)
        )
        primary |= set(
            Attribution.objects.filter(source_id__in=source_ids | members).values_list(
                "id", flat=True
            )
        )
    rows = {
        r["id"]: r for r in Attribution.objects.filter(id__in=primary).values(*ATTRIBUTION_FIELDS)
    }
    primary &= rows.keys()
    claim_ids |= {r["claim_id"] for r in rows.values() if r["claim_id"] is not None}
    # Claims the changed attributions were linked to before (a finding still names them).
    claim_ids |= set(
        Finding.claims.through.objects.filter(
            finding__resolved_at__isnull=True, finding__attributions__in=primary
        ).values_list("claim_id", flat=True)
    )
    related = ClaimRelation.objects.filter(
        Q(from_claim_id__in=claim_ids) | Q(to_claim_id__in=claim_ids),
        kind__in=LINKING_RELATIONS,
    ).values_list("from_claim_id", "to_claim_id")
    for a, b in related:
        claim_ids.update((a, b))

    for r in Attribution.objects.filter(claim_id__in=claim_ids).values(*ATTRIBUTION_FIELDS):
        rows[r["id"]] = r
    claim_attributions = {i for i, r in rows.items() if r["claim_id"] in claim_ids}

    pairs: list[tuple[int, int]] = []
    min_similarity = min(
        settings.TRACKER_DRIFT_MIN_SIMILARITY, settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY
    )
    for attribution_id in sorted(primary):
        row = rows[attribution_id]
        if row["kind"] == Attribution.Kind.UNATTRIBUTED or row["source_id"] is None:
            continue
        matches = index.similar_quotes(
            row["text"],
            limit=settings.TRACKER_QUOTE_CANDIDATES,
            min_similarity=min_similarity,
            exclude_ids=(attribution_id,),
        )
        pairs.extend((attribution_id, m.attribution_id) for m in matches)
    missing = {b for _, b in pairs} - rows.keys()
    for r in Attribution.objects.filter(id__in=missing).values(*ATTRIBUTION_FIELDS):
        rows[r["id"]] = r

    in_scope_sources = source_ids | {
        r["source_id"]
        for i, r in rows.items()
        if r["source_id"] is not None and (i in primary or i in claim_attributions)
    }
    sources = source_inputs(
        {r["source_id"] for r in rows.values() if r["source_id"] is not None} | source_ids
    )

    claims = Claim.objects.filter(id__in=claim_ids).values("id", "text", "event_date")
    relations = ClaimRelation.objects.filter(
        Q(from_claim_id__in=claim_ids) | Q(to_claim_id__in=claim_ids)
    ).values("id", "from_claim_id", "to_claim_id", "kind", "note")
    snapshot = rules.Snapshot(
        claims=[rules.ClaimInput(**c) for c in claims],
        attributions=[_attribution_input(r) for r in rows.values()],
        sources=list(sources.values()),
        relations=[rules.RelationInput(**r) for r in relations],
        candidate_pairs=pairs,
    )
    return _Loaded(
        primary=primary,
        claim_ids={c.id for c in snapshot.claims},
        claim_attributions=claim_attributions,
        source_ids=in_scope_sources,
        snapshot=snapshot,
        claim_of={i: r["claim_id"] for i, r in rows.items()},
    )


def _judged(
    kind: str,
    attribution_ids: Iterable[int],
    claim_ids: Iterable[int],
    source_ids: Iterable[int],
    loaded: _Loaded,
) -> bool:
    """Whether this recomputation saw everything needed to say if such a finding holds."""
    attribution_ids = set(attribution_ids)
    if kind in PAIR_KINDS:
        if attribution_ids & loaded.primary:
            return True
        claims = {loaded.claim_of.get(i) for i in attribution_ids}
        return attribution_ids <= loaded.claim_attributions and len(claims) == 1
    if kind in CLAIM_KINDS:
        return bool(set(claim_ids) & loaded.claim_ids)
    if kind in SOURCE_KINDS:
        return bool(set(source_ids) & loaded.source_ids)
    return bool(attribution_ids & (loaded.primary | loaded.claim_attributions))


def summarize(finding: rules.Finding, labels: dict[int, str]) -> str:
    """One line a fact-checker can read in a list."""
    d = finding.details
    who = [labels.get(s, f"source #{s}") for s in finding.source_ids]
    if finding.kind == rules.FindingKind.MISATTRIBUTION:
        return f"Near-identical quote ({d['similarity']:.0f}%) credited to " + " and ".join(who)
    if finding.kind == rules.FindingKind.QUOTE_DRIFT:
        return f"{d['source']}'s quote reworded between articles ({d['similarity']:.0f}% alike)"
    if finding.kind == rules.FindingKind.CONTRADICTION:
        if d.get("source"):
            return f"{d['source']} says contradictory things"
        return "Claims marked as contradicting each other"
    if finding.kind == rules.FindingKind.NUMERIC_CONFLICT:
        figures = "; ".join(" vs ".join(c["figures"]) for c in d["conflicts"])
        return f"Figures that cannot both hold: {figures}"[:500]
    if finding.kind == rules.FindingKind.ANONYMOUS_ONLY:
        return "Claim rests on anonymous sources only"
    if finding.kind == rules.FindingKind.SINGLE_SOURCE:
        groups = d.get("groups") or [{}]
        return f"Claim rests on one independent source: {groups[0].get('label', '')}"
    if finding.kind == rules.FindingKind.UNEXPLAINED_ANONYMITY:
        return f"{d['source']}: no reason given for anonymity"
    return "Statement the article gives no source for"


@transaction.atomic
def recheck(scope: Scope) -> RecheckReport:
    """Recompute findings and claim statuses for what ``scope`` touched. Idempotent."""
    report = RecheckReport()
    if not scope:
        return report
    loaded = _load(scope)
    found = rules.run_rules(loaded.snapshot, **thresholds())
    found = [
        f for f in found if _judged(f.kind, f.attribution_ids, f.claim_ids, f.source_ids, loaded)
    ]
    statuses = rules.claim_statuses(loaded.snapshot)
    labels = {s.id: s.label for s in loaded.snapshot.sources}
    now = timezone.now()
    report.claims = len(loaded.claim_ids)
    report.attributions = len(loaded.snapshot.attributions)

    existing = Finding.objects.in_bulk([f.key for f in found], field_name="key")
    for new in found:
        summary = summarize(new, labels)
        row = existing.get(new.key)
        if row is None:
            row = Finding.objects.create(
                kind=new.kind,
                key=new.key,
                summary=summary,
                details=new.details,
                last_seen_at=now,
            )
            report.created += 1
        else:
            changed = row.details != new.details or row.summary != summary or row.is_resolved
            if row.is_resolved:
                report.reopened += 1
            if changed:
                row.details, row.summary, row.resolved_at = new.details, summary, None
                row.save(update_fields=["details", "summary", "resolved_at", "updated_at"])
                report.updated += 1
            Finding.objects.filter(pk=row.pk).update(last_seen_at=now)
        _set_links(row, new)

    found_keys = {f.key for f in found}
    stale = (
        Finding.objects.current()
        .filter(
            Q(attributions__in=loaded.primary | loaded.claim_attributions)
            | Q(claims__in=loaded.claim_ids)
            | Q(sources__in=loaded.source_ids)
            | Q(id__in=scope.finding_ids)
        )
        .exclude(key__in=found_keys)
        .distinct()
        .prefetch_related("attributions", "claims", "sources")
    )
    for row in stale:
        judged = row.id in scope.finding_ids or _judged(
            row.kind,
            [a.id for a in row.attributions.all()],
            [c.id for c in row.claims.all()],
            [s.id for s in row.sources.all()],
            loaded,
        )
        if judged:
            row.resolved_at = now
            row.save(update_fields=["resolved_at", "updated_at"])
            report.resolved += 1

    current = dict(Claim.objects.filter(id__in=statuses).values_list("id", "status"))
    for claim_id, status in statuses.items():
        if claim_id in loaded.claim_ids and current.get(claim_id) != status.status:
            claim = Claim.objects.get(pk=claim_id)
            claim.status = status.status
            claim._change_reason = "status recomputed"
            claim.save(update_fields=["status", "updated_at"])
            report.statuses_changed += 1
    return report


def _set_links(row: Finding, new: rules.Finding) -> None:
    wanted = (set(new.claim_ids), set(new.attribution_ids), set(new.source_ids))
    have = (
        set(row.claims.values_list("id", flat=True)) if row.pk else set(),
        set(row.attributions.values_list("id", flat=True)) if row.pk else set(),
        set(row.sources.values_list("id", flat=True)) if row.pk else set(),
    )
    if wanted[0] != have[0]:
        row.claims.set(wanted[0])
    if wanted[1] != have[1]:
        row.attributions.set(wanted[1])
    if wanted[2] != have[2]:
        row.sources.set(wanted[2])


def schedule_recheck(**ids: Iterable[int | None]) -> None:
    """Queue a recheck of these ids for when the current transaction commits (at once
    outside a transaction). Calls within one transaction share a single recheck."""
    if not settings.TRACKER_CROSSCHECK_ON_SAVE:
        return
    pending: _Pending | None = getattr(connection, "_tracker_pending_recheck", None)
    if pending is None or not pending.queued():
        pending = _Pending()
        connection._tracker_pending_recheck = pending
        pending.scope.add(**ids)
        transaction.on_commit(pending.run)
    else:
        pending.scope.add(**ids)


class _Pending:
    def __init__(self) -> None:
        self.scope = Scope()

    def queued(self) -> bool:
        # A rolled-back transaction drops its callbacks: then this scope is stale.
        return any(func == self.run for _, func, _ in connection.run_on_commit)

    def run(self) -> None:
        if getattr(connection, "_tracker_pending_recheck", None) is self:
            connection._tracker_pending_recheck = None
        recheck(self.scope)
