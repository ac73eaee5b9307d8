"""What a recheck reads: the ids a change touched (``Scope``), widened to everything whose
results could change and loaded as the rules' plain inputs (``load_scope``), and the
near-duplicate quotes of the whole archive for a full recomputation (``archive_partners``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from claims.models import Attribution, Claim, ClaimRelation
from crosscheck import index, rules
from crosscheck.inputs import source_inputs, story_key
from crosscheck.models import Finding
from sources.models import Source

PAIR_KINDS = {Finding.Kind.MISATTRIBUTION, Finding.Kind.QUOTE_DRIFT}
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
class Loaded:
    """The widened scope, as rows and plain inputs."""

    primary: set[int]  # attributions whose quotes were compared against the index
    claim_ids: set[int]
    claim_attributions: set[int]  # every attribution of the claims in scope
    source_ids: set[int]
    snapshot: rules.Snapshot
    claim_of: dict[int, int | None]


def attribution_input(row: dict) -> rules.AttributionInput:
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


def load_scope(scope: Scope, partners: Mapping[int, Collection[int]] | None = None) -> Loaded:
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
    min_similarity = min(
        settings.TRACKER_DRIFT_MIN_SIMILARITY, settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY
    )
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
    missing = {i for pair in pairs for i in pair} - rows.keys()
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
        attributions=[attribution_input(r) for r in rows.values()],
        sources=list(sources.values()),
        relations=[rules.RelationInput(**r) for r in relations],
        candidate_pairs=pairs,
    )
    return Loaded(
        primary=primary,
        claim_ids={c.id for c in snapshot.claims},
        claim_attributions=claim_attributions,
        source_ids=in_scope_sources,
        snapshot=snapshot,
        claim_of={i: r["claim_id"] for i, r in rows.items()},
    )


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
        Source.objects.filter(kind__in=(Source.Kind.ANONYMOUS, Source.Kind.GROUP)).values_list(
            "id", "kind"
        )
    )
    quotes = []
    for pk, text, kind, source_id, origin, headline in rows.values_list(
        "id", "text", "kind", "source_id", "article__origin_outlet_id", "article__headline"
    ).iterator(chunk_size=10_000):
        # As rules._same_speaker: one source, or one kind of unnamed source in the
        # copies of one wire story.
        speakers: tuple = (source_id,)
        key = story_key(origin, headline)
        if key and source_id in unnamed_kind:
            speakers = (source_id, (unnamed_kind[source_id], key))
        quotes.append(
            index.ArchiveQuote(
                id=pk, text=text, direct=kind == Attribution.Kind.DIRECT, speakers=speakers
            )
        )
    return index.archive_pairs(
        quotes,
        drift_min_similarity=settings.TRACKER_DRIFT_MIN_SIMILARITY,
        misattribution_min_similarity=settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY,
        min_words=settings.TRACKER_MIN_QUOTE_WORDS,
        workers=(workers if workers is not None else settings.TRACKER_RECHECK_WORKERS)
        or os.cpu_count()
        or 1,
    )
