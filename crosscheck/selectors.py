"""Reads several places share: whether findings are being recomputed, and when they last
were (the pages' notice and ``GET /api/crosscheck/status/``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min

from access.models import QueuedTask
from access.tasks import on_queue

# The tasks that write findings and claim statuses: a recheck after a change, and the
# whole archive's recomputation and its parts.
RECHECK_TASKS = (
    "crosscheck.recheck",
    "crosscheck.recompute",
    "crosscheck.recompute_shards",
    "crosscheck.recompute_part",
)


@dataclass(frozen=True)
class RecheckStatus:
    """Where the cross-check's work after a change stands.

    ``mode`` is ``in_process`` without a task queue: a change's recheck then finishes
    before the request that made it returns, nothing is ever pending and no time is kept.
    On a task queue (``celery``) the outbox rows say what waits and what last finished.
    """

    mode: str
    pending: int = 0
    running: int = 0
    oldest_pending_at: datetime | None = None
    last_recheck_at: datetime | None = None
    failed: int = 0

    @property
    def recomputing(self) -> bool:
        return bool(self.pending or self.running)


def recheck_status() -> RecheckStatus:
    """The current :class:`RecheckStatus` (two indexed queries on a task queue, none
    otherwise)."""
    if not on_queue():
        return RecheckStatus(mode="in_process")
    counts = {
        row["state"]: row
        for row in QueuedTask.objects.filter(
            name__in=RECHECK_TASKS,
            state__in=[QueuedTask.State.QUEUED, QueuedTask.State.RUNNING, QueuedTask.State.FAILED],
        )
        .order_by()
        .values("state")
        .annotate(n=Count("id"), oldest=Min("queued_at"))
    }
    last = (
        QueuedTask.objects.filter(name__in=RECHECK_TASKS, state=QueuedTask.State.DONE)
        .order_by()
        .aggregate(at=Max("finished_at"))["at"]
    )

    def number(state: str) -> int:
        return counts[state]["n"] if state in counts else 0

    unfinished = [
        counts[s] for s in (QueuedTask.State.QUEUED, QueuedTask.State.RUNNING) if s in counts
    ]
    return RecheckStatus(
        mode="celery",
        pending=number(QueuedTask.State.QUEUED),
        running=number(QueuedTask.State.RUNNING),
        oldest_pending_at=min((row["oldest"] for row in unfinished), default=None),
        last_recheck_at=last,
        failed=number(QueuedTask.State.FAILED),
    )
