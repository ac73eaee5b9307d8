"""What a recheck reads: the thresholds from the settings, the scope a change touched
widened to everything whose results could change, loaded as the rules' plain
:class:`~crosscheck.rules.Snapshot`, and the whole archive's near-duplicate quote pairs for a
full recomputation."""

from __future__ import annotations

import itertools
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from articles.anchoring import AnchorStatus
from claims.models import Attribution, Claim, ClaimRelation
from crosscheck import index, rules
from crosscheck.inputs import source_inputs, story_key
from crosscheck.models import Finding
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


def thresholds() -> rules.Thresholds:
    """The thresholds every verdict is judged with: the one place the settings
    ``TRACKER_MISATTRIBUTION_MIN_SIMILARITY``, ``TRACKER_DRIFT_MIN_SIMILARITY`` and
    ``TRACKER_MIN_QUOTE_WORDS`` are read."""
    return rules.Thresholds(
        misattribution_min_similarity=settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY,
        drift_min_similarity=settings.TRACKER_DRIFT_MIN_SIMILARITY,
        min_quote_words=settings.TRACKER_MIN_QUOTE_WORDS,
    )


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
class _Loaded:
    """The widened scope, as rows and plain inputs."""

    primary: set[int]  # attributions whose quotes were compared against the index
    claim_ids: set[int]
    claim_attributions: set[int]  # every attribution of the claims in scope
    source_ids: set[int]
    snapshot: rules.Snapshot
    claim_of: dict[int, int | None]


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
        published_at=row["article__published_at"] or row["article__last_updated_at"],
        orphaned=row["anchor_status"] == AnchorStatus.ORPHANED,
        claim_is_suggested=row["claim_is_suggested"],
        unreviewed_suggestion=row["is_suggested"] and not row["is_reviewed"],
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
    "article__published_at",
    "article__last_updated_at",
    "anchor_status",
    "claim_is_suggested",
    "is_suggested",
    "is_reviewed",
)


def _load(scope: Scope, partners: Mapping[int, Collection[int]] | None = None) -> _Loaded:
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
    # Findings that name the changed attributions: each is read by its own id below, so
    # that every read is an index lookup, however the planner sees the link tables.
    linked = set(
        Finding.attributions.through.objects.filter(attribution_id__in=primary).values_list(
            "finding_id", flat=True
        )
    )
    # Claims the changed attributions were linked to before (an open finding names them).
    claim_ids |= set(
        Finding.claims.through.objects.filter(
            finding_id__in=linked, finding__resolved_at__isnull=True
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
    min_similarity = thresholds().candidate_min_similarity
    for attribution_id in sorted(primary):
        row = rows[attribution_id]
        if row["kind"] == Attribution.Kind.UNATTRIBUTED or row["source_id"] is None:
            continue
        if partners is not None:
            pairs.extend(
                (attribution_id, other) for other in sorted(partners.get(attribution_id, ()))
            )
            continue
        matches = index.similar_quotes(
            row["text"],
            limit=settings.TRACKER_QUOTE_CANDIDATES,
            min_similarity=min_similarity,
            exclude_ids=(attribution_id,),
        )
        pairs.extend((attribution_id, m.attribution_id) for m in matches)
    # Pairs already found are judged again whichever side changed, even if the index
    # does not offer them from this side (its candidates need not be symmetric): a pair
    # finding is resolved when the rules no longer find it, not when one side's query
    # happens to miss the other.
    known = Finding.attributions.through.objects.filter(
        finding_id__in=linked,
        finding__kind__in=PAIR_KINDS,
        finding__resolved_at__isnull=True,
    ).values_list("finding_id", "attribution_id")
    by_finding: dict[int, list[int]] = {}
    for finding_id, attribution_id in known:
        by_finding.setdefault(finding_id, []).append(attribution_id)
    pairs.extend(
        (a, b) for ids in by_finding.values() for a, b in itertools.combinations(sorted(ids), 2)
    )
    stored = _stored_conflicts(primary | claim_attributions)
    missing = {i for pair in pairs for i in pair} - rows.keys()
    # The other attributions the stored conflict findings name: whether one counts for
    # nothing (orphaned, retracted) decides whether the finding contests a claim.
    missing |= {i for f in stored for i in f.attribution_ids} - rows.keys()
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
    # An unexplained anonymity finding names every attribution of its source, not those a
    # batch happened to load: what it names must not depend on how the work was cut.
    unexplained = {
        i for i in in_scope_sources if i in sources and rules.unexplained_anonymity(sources[i])
    }
    if unexplained:
        for r in Attribution.objects.filter(source_id__in=unexplained).values(*ATTRIBUTION_FIELDS):
            rows.setdefault(r["id"], r)

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
        findings=stored,
    )
    return _Loaded(
        primary=primary,
        claim_ids={c.id for c in snapshot.claims},
        claim_attributions=claim_attributions,
        source_ids=in_scope_sources,
        snapshot=snapshot,
        claim_of={i: r["claim_id"] for i, r in rows.items()},
    )


def _stored_conflicts(attribution_ids: set[int]) -> list[rules.FindingInput]:
    """The stored conflict findings (current or resolved: a refound one keeps its triage)
    that name these attributions, with their triage state: three indexed reads."""
    if not attribution_ids:
        return []
    through = Finding.attributions.through
    ids = set(
        through.objects.filter(
            attribution_id__in=attribution_ids, finding__kind__in=rules.CONFLICT_KINDS
        ).values_list("finding_id", flat=True)
    )
    if not ids:
        return []
    named: dict[int, list[int]] = {}
    for finding_id, attribution_id in through.objects.filter(finding_id__in=ids).values_list(
        "finding_id", "attribution_id"
    ):
        named.setdefault(finding_id, []).append(attribution_id)
    return [
        rules.FindingInput(
            key=row["key"],
            kind=row["kind"],
            attribution_ids=tuple(sorted(named.get(row["id"], ()))),
            state=row["state"],
            resolved=row["resolved_at"] is not None,
        )
        for row in Finding.objects.filter(id__in=ids)
        .order_by("key")
        .values("id", "key", "kind", "state", "resolved_at")
    ]


def archive_partners(workers: int | None = None) -> dict[int, set[int]]:
    """Each sourced attribution's near-duplicate partners across the whole archive
    (:func:`crosscheck.index.archive_pairs`), for ``recheck(partners=...)``: what
    a full recomputation uses instead of one index query per attribution. Reads every
    sourced quote once. ``workers``: processes for the pairing (default the setting
    ``TRACKER_RECHECK_WORKERS``; 0, one per core)."""
    rows = Attribution.objects.exclude(kind=Attribution.Kind.UNATTRIBUTED).filter(
        source_id__isnull=False
    )
    unnamed_kind = dict(
        Source.objects.filter(kind__in=rules.UNNAMED_KINDS).values_list("id", "kind")
    )
    quotes = [
        index.ArchiveQuote(
            id=pk,
            text=text,
            direct=rules.can_drift(kind),
            speakers=rules.speaker_keys(
                source_id, unnamed_kind.get(source_id), story_key(origin, headline)
            ),
        )
        for pk, text, kind, source_id, origin, headline in rows.values_list(
            "id", "text", "kind", "source_id", "article__origin_outlet_id", "article__headline"
        ).iterator(chunk_size=10_000)
    ]
    limits = thresholds()
    return index.archive_pairs(
        quotes,
        drift_min_similarity=limits.drift_min_similarity,
        misattribution_min_similarity=limits.misattribution_min_similarity,
        min_words=limits.min_quote_words,
        workers=(workers if workers is not None else settings.TRACKER_RECHECK_WORKERS)
        or os.cpu_count()
        or 1,
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
