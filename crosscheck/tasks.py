"""The cross-check's work after a write, registered by name (see ``access.tasks``).

Every service whose write can alter a finding or a claim status asks for it, with the ids
it touched::

    after_commit("crosscheck.recheck", attribution_ids=[row.pk], claim_ids=[row.claim_id])

and it runs once per transaction, after the commit. The keywords, each a list of ids:

- ``attribution_ids``, ``claim_ids``, ``source_ids``: rows created or changed;
- ``finding_ids``: findings to resolve unless found again (rows they name may be gone);
- ``article_ids``: articles whose attributions changed with them (a body edit re-anchored
  its spans; it was retracted, or its retraction withdrawn);
- ``deleted_attribution_ids``, ``deleted_claim_ids``, ``deleted_source_ids``,
  ``deleted_article_ids``: rows about to be deleted. Call before the delete: the findings
  that name them, and a deleted article's attributions' claims and sources, are looked up
  at once (``look_up_deleted``), while the rows and links are still there.

``crosscheck.recompute_shards`` is the full recomputation on a task queue (``manage.py
recheck --queue [--shards N]``; ``crosscheck.services.recompute``): it plans the run (or
resumes the last unfinished one of N shards) and sends one ``crosscheck.recompute_part``
task per map chunk, then, when the last of them ends, one per pair shard, then one per
check shard, each for any worker on any machine to take; the last check task finishes the
run. ``crosscheck.recompute`` is the same with the ``TRACKER_RECOMPUTE_SHARDS`` setting's
number of shards.
"""

from collections.abc import Collection, Iterable, Mapping

from django.conf import settings

from access.tasks import task
from claims.models import Attribution
from crosscheck.models import Finding
from crosscheck.services import RecheckReport, Scope, recheck
from crosscheck.services.recompute import recompute_part, recompute_queued
from sources.models import Source

DELETED = (
    "deleted_attribution_ids",
    "deleted_claim_ids",
    "deleted_source_ids",
    "deleted_article_ids",
)


def look_up_deleted(ids: Mapping[str, set[int]]) -> dict[str, Iterable[int | None]]:
    """Turn the ids of rows about to be deleted into what the recheck needs after the
    commit: the current findings that name them (to resolve), and for a deleted article,
    the claims and sources of its attributions. Call inside the deleting transaction,
    before the delete."""
    queued: dict[str, Iterable[int | None]] = {k: v for k, v in ids.items() if k not in DELETED}
    attributions = set(ids.get("deleted_attribution_ids", ()))
    claims = set(ids.get("deleted_claim_ids", ()))
    sources = set(ids.get("deleted_source_ids", ()))
    articles = ids.get("deleted_article_ids", set())
    if articles:
        # What Django's cascade deletes with the article: its attributions and the
        # anonymous sources and unnamed groups that belong to it.
        rows = Attribution.objects.filter(article_id__in=articles).values_list(
            "id", "claim_id", "source_id"
        )
        touched_claims, touched_sources = set(), set()
        for pk, claim_id, source_id in rows:
            attributions.add(pk)
            touched_claims.add(claim_id)
            touched_sources.add(source_id)
        sources |= set(Source.objects.filter(article_id__in=articles).values_list("id", flat=True))
        queued["claim_ids"] = {*ids.get("claim_ids", ()), *touched_claims}
        queued["source_ids"] = {*ids.get("source_ids", ()), *touched_sources}
    findings = set(ids.get("finding_ids", ()))
    # One indexed read of a link table per kind of row (see services._open_findings_in).
    for name, column, values in (
        ("attributions", "attribution_id", attributions),
        ("claims", "claim_id", claims),
        ("sources", "source_id", sources),
    ):
        if values:
            findings.update(
                getattr(Finding, name)
                .through.objects.filter(
                    **{f"{column}__in": values}, finding__resolved_at__isnull=True
                )
                .values_list("finding_id", flat=True)
            )
    if findings:
        queued["finding_ids"] = findings
    return queued


def _enabled() -> bool:
    return settings.TRACKER_CROSSCHECK_ON_SAVE


@task("crosscheck.recheck", enabled=_enabled, prepare=look_up_deleted)
def recheck_ids(
    *,
    attribution_ids: Collection[int] = (),
    claim_ids: Collection[int] = (),
    source_ids: Collection[int] = (),
    finding_ids: Collection[int] = (),
    article_ids: Collection[int] = (),
) -> RecheckReport:
    """Recheck what a committed write touched (see the module help). Idempotent."""
    scope = Scope()
    scope.add(
        attribution_ids=attribution_ids,
        claim_ids=claim_ids,
        source_ids=source_ids,
        finding_ids=finding_ids,
    )
    if article_ids:
        scope.add(
            attribution_ids=Attribution.objects.filter(article_id__in=article_ids).values_list(
                "id", flat=True
            )
        )
    return recheck(scope)


# A map chunk, pair shard or check shard takes seconds to minutes at a million quotes; a
# run past an hour is taken for one whose worker died (see access.tasks' sweep).
PART_TIME_LIMIT = 3600


@task("crosscheck.recompute_shards", time_limit=PART_TIME_LIMIT)
def recompute_shards(*, shards: Collection[int]) -> None:
    """Plan a sharded recomputation of ``shards`` shards (one number), or resume the last
    unfinished one of as many, and send its first step's tasks. Idempotent: a run already
    planned is resumed, a task already sent is not sent again."""
    (count,) = shards
    recompute_queued(shards=count)


@task("crosscheck.recompute", time_limit=PART_TIME_LIMIT)
def recompute() -> None:
    """The whole archive's findings and claim statuses, in ``TRACKER_RECOMPUTE_SHARDS``
    shards (see ``recompute_shards``)."""
    recompute_queued(shards=settings.TRACKER_RECOMPUTE_SHARDS)


@task("crosscheck.recompute_part", time_limit=PART_TIME_LIMIT)
def recompute_part_task(
    *,
    runs: Collection[int],
    chunks: Collection[int] = (),
    pair_shards: Collection[int] = (),
    check_shards: Collection[int] = (),
) -> None:
    """One task of a sharded run (``runs``: its id): map chunks, pair or check shards,
    each done once however often it is sent; then the run moves on if its step is over."""
    (run_id,) = runs
    recompute_part(run_id=run_id, chunks=chunks, pair_shards=pair_shards, check_shards=check_shards)
