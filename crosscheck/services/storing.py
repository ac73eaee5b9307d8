"""What a recheck writes: the findings the rules found, stored by key (a finding found again
keeps its id and triage state, one that was resolved is reopened), the stored findings this
recomputation could judge and did not find again marked resolved (never deleted), and the
status of every claim in scope, all in bulk with their history."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from claims.models import Claim
from crosscheck import rules
from crosscheck.models import Finding
from crosscheck.services.loading import (
    CLAIM_KINDS,
    SOURCE_KINDS,
    Scope,
    _judged,
    _load,
    _Loaded,
    thresholds,
)


@dataclass
class RecheckReport:
    claims: int = 0
    attributions: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0
    statuses_changed: int = 0


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
def recheck(
    scope: Scope, *, partners: Mapping[int, Collection[int]] | None = None
) -> RecheckReport:
    """Recompute findings and claim statuses for what ``scope`` touched. Idempotent.

    ``partners``, when given, replaces the index: the quotes each attribution is compared
    with, as :func:`archive_partners` finds them for the whole archive at once (a full
    recomputation); an attribution missing from it has none.

    A new conflict finding (misattribution, quote drift, numeric conflict) contests the
    claims of every attribution it names: the claims outside the scope are rechecked
    after it is stored, in a second pass that queries no index (their statuses read the
    stored finding)."""
    report = RecheckReport()
    if not scope:
        return report
    outside = _recheck(scope, partners, report)
    if outside:
        _recheck(Scope(claim_ids=outside), None, report)
    return report


def recheck_owned(
    scope: Scope, *, partners: Mapping[int, Collection[int]], claims: Collection[int]
) -> RecheckReport:
    """:func:`recheck` for one shard of a full recomputation
    (:mod:`crosscheck.services.recompute`), which other shards run at the same time.

    Preconditions: every attribution of the ``claims`` the shard owns is in
    ``scope.attribution_ids``, and ``partners`` holds every near-duplicate pair of the
    scope's attributions. Only the owned claims' statuses and findings (single source,
    numeric conflict ...) are written, each by its one owner; the other findings (quote
    pairs, anonymity, unattributed statements) come out the same from every shard that
    sees them. The snapshot is read and judged outside the transaction (so shards judge
    side by side, on SQLite too), and only the writes hold it; a finding another shard
    stored in between is found again by key. May raise IntegrityError when another shard
    stores the same finding at the same moment: run it again (nothing was written)."""
    report = RecheckReport()
    if not scope:
        return report
    owned = set(claims)
    loaded = _load(scope, partners)
    loaded.claim_ids &= owned
    checked = rules.check(loaded.snapshot, thresholds())
    with transaction.atomic():
        _store(scope, loaded, checked, report)
    return report


def _recheck(
    scope: Scope, partners: Mapping[int, Collection[int]] | None, report: RecheckReport
) -> set[int]:
    """One recomputation, counted into ``report``; returns the claims outside the scope
    that a conflict finding it created or reopened names."""
    loaded = _load(scope, partners)
    checked = rules.check(loaded.snapshot, thresholds())
    return _store(scope, loaded, checked, report)


def _store(
    scope: Scope, loaded: _Loaded, checked: rules.Checked, report: RecheckReport
) -> set[int]:
    """Write what ``checked`` found of what ``loaded`` can judge (see ``_recheck``)."""
    found = [
        f
        for f in checked.findings
        if _judged(f.kind, f.attribution_ids, f.claim_ids, f.source_ids, loaded)
    ]
    statuses = checked.statuses
    labels = {s.id: s.label for s in loaded.snapshot.sources}
    now = timezone.now()
    report.claims += len(loaded.claim_ids)
    report.attributions += len(loaded.snapshot.attributions)

    existing = Finding.objects.in_bulk([f.key for f in found], field_name="key")
    to_create: list[Finding] = []
    to_update: list[Finding] = []
    seen: list[int] = []
    # Conflict findings new to the claims they name: created, or reopened.
    news: list[rules.Finding] = []
    for new in found:
        summary = summarize(new, labels)
        row = existing.get(new.key)
        if row is None or row.is_resolved:
            news.append(new)
        if row is None:
            to_create.append(
                Finding(
                    kind=new.kind,
                    key=new.key,
                    summary=summary,
                    details=new.details,
                    last_seen_at=now,
                )
            )
            continue
        if row.is_resolved:
            report.reopened += 1
        if row.details != new.details or row.summary != summary or row.is_resolved:
            row.details, row.summary, row.resolved_at, row.updated_at = (
                new.details,
                summary,
                None,
                now,
            )
            to_update.append(row)
        seen.append(row.pk)
    user = _history_user()
    history = {"default_user": user, "default_date": now}
    created = bulk_create_with_history(to_create, Finding, **history) if to_create else []
    if to_update:
        bulk_update_with_history(
            to_update, Finding, ["details", "summary", "resolved_at", "updated_at"], **history
        )
    if seen:
        Finding.objects.filter(pk__in=seen).update(last_seen_at=now)
    report.created += len(created)
    report.updated += len(to_update)
    rows = {row.key: row for row in [*existing.values(), *created]}
    _set_links([(rows[new.key].pk, new) for new in found], new_ids={r.pk for r in created})

    found_keys = {f.key for f in found}
    stale = (
        Finding.objects.current()
        .filter(id__in=_open_findings_in(loaded) | scope.finding_ids)
        .exclude(key__in=found_keys)
        .prefetch_related("attributions", "claims", "sources")
    )
    resolved = []
    for row in stale:
        judged = row.id in scope.finding_ids or _judged(
            row.kind,
            [a.id for a in row.attributions.all()],
            [c.id for c in row.claims.all()],
            [s.id for s in row.sources.all()],
            loaded,
        )
        if judged:
            row.resolved_at = row.updated_at = now
            resolved.append(row)
    if resolved:
        # One UPDATE for all (the values are the same), then their history rows.
        Finding.objects.filter(pk__in=[row.pk for row in resolved]).update(
            resolved_at=now, updated_at=now
        )
        bulk_update_with_history(resolved, Finding, [], **history)
    report.resolved += len(resolved)

    current = dict(Claim.objects.filter(id__in=statuses).values_list("id", "status"))
    changed = {
        claim_id: status.status
        for claim_id, status in statuses.items()
        if claim_id in loaded.claim_ids and current.get(claim_id) != status.status
    }
    claims = list(Claim.objects.filter(id__in=changed).order_by("id"))
    for claim in claims:
        claim.status, claim.updated_at = changed[claim.id], now
        # simple_history reads this attribute; the model class does not declare it.
        setattr(claim, "_change_reason", "status recomputed")  # noqa: B010
    # One UPDATE per status (bulk_update would write a CASE with a branch per claim, each
    # row testing the branches in turn), then the history rows.
    for status in set(changed.values()):
        Claim.objects.filter(id__in=[c.id for c in claims if c.status == status]).update(
            status=status, updated_at=now
        )
    if claims:
        bulk_update_with_history(claims, Claim, [], **history)
    report.statuses_changed += len(claims)
    named = {
        loaded.claim_of.get(i)
        for f in news
        if f.kind in rules.CONFLICT_KINDS
        for i in f.attribution_ids
    }
    return {i for i in named if i is not None} - loaded.claim_ids


def _open_findings_in(loaded: _Loaded) -> set[int]:
    """Ids of the open findings this recomputation may judge (see ``_judged``), each kind
    found by the links that decide it: a busy source's other findings are no business of
    this scope. One indexed read of a link table per kind of link (a single query joining
    all three link tables with OR reads every open finding's links on PostgreSQL)."""
    other_kinds = set(Finding.Kind.values) - CLAIM_KINDS - SOURCE_KINDS
    wanted = (
        ("claims", "claim_id", loaded.claim_ids, CLAIM_KINDS),
        ("sources", "source_id", loaded.source_ids, SOURCE_KINDS),
        ("attributions", "attribution_id", loaded.primary | loaded.claim_attributions, other_kinds),
    )
    ids: set[int] = set()
    for name, column, values, kinds in wanted:
        if values:
            ids.update(
                getattr(Finding, name)
                .through.objects.filter(
                    **{f"{column}__in": values},
                    finding__kind__in=kinds,
                    finding__resolved_at__isnull=True,
                )
                .values_list("finding_id", flat=True)
            )
    return ids


def _history_user():
    """Who the history rows name, as a save would: the user of the request being served
    (simple_history's middleware), if any."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


_LINKS = (
    ("claims", "claim_id", lambda f: f.claim_ids),
    ("attributions", "attribution_id", lambda f: f.attribution_ids),
    ("sources", "source_id", lambda f: f.source_ids),
)


def _set_links(rows: list[tuple[int, rules.Finding]], new_ids: set[int]) -> None:
    """Make each stored finding's claims, attributions and sources those found: three
    reads, then the rows to delete and to add in bulk."""
    old_ids = [pk for pk, _ in rows if pk not in new_ids]
    for name, column, wanted_of in _LINKS:
        through = getattr(Finding, name).through
        have: dict[int, set[int]] = {pk: set() for pk, _ in rows}
        if old_ids:
            for finding_id, other in through.objects.filter(finding_id__in=old_ids).values_list(
                "finding_id", column
            ):
                have[finding_id].add(other)
        add: list[tuple[int, int]] = []
        for pk, new in rows:
            wanted = set(wanted_of(new))
            if gone := have[pk] - wanted:
                through.objects.filter(finding_id=pk, **{f"{column}__in": gone}).delete()
            add.extend((pk, other) for other in sorted(wanted - have[pk]))
        if add:
            # Two integers a row: one prepared statement run for every row, without the
            # ORM's per-field preparation (most of a recompute's writes are these rows).
            table, quote = through._meta.db_table, connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({quote('finding_id')}, {quote(column)}) "
                    "VALUES (%s, %s)",
                    add,
                )
