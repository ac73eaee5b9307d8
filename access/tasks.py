"""Work that runs once the current transaction commits, asked for by name.

A service that changed rows says what has to follow, with the ids it touched::

    after_commit("crosscheck.recheck", attribution_ids=[row.pk], claim_ids=[row.claim_id])

and the app that does the work registers it under that name (its ``tasks.py``, imported by
its ``AppConfig.ready``)::

    @task("crosscheck.recheck")
    def recheck_ids(*, attribution_ids=(), claim_ids=(), ...) -> None: ...

The name is the whole contract: a service never imports the app that does the work (apps
import only the apps before them), and a reader follows the name from the call to its
``@task``.

- Keyword arguments are lists of ids (None is dropped, so ``claim_ids=[row.claim_id]`` is
  fine). The calls for one task within one transaction are merged, each list unioned, and
  the task runs once, after the outermost transaction commits, with sorted lists; outside a
  transaction it runs at once. A rolled-back transaction (or savepoint holding the first
  call) drops the work, as Django drops its on-commit callbacks.
- ``after_commit(name, merge=False, ...)`` makes the call a run of its own, not merged
  with the other calls of the transaction: a fan-out, one task per shard, each for any
  worker to take (``crosscheck.services.recompute.recompute_advance``).
- ``enabled``: a switch read at each call (``settings.TRACKER_CROSSCHECK_ON_SAVE`` for the
  recheck); while it is off, calls queue nothing.
- ``background``: the run happens on a thread of its own instead of in the request that
  committed, so a long job (accepting a whole review queue) does not hold the request;
  the task records its own progress in the database. ``TRACKER_TASKS_IN_BACKGROUND`` off
  (the test suite's default) runs it inline like any other task.
- ``prepare``: runs at once, inside the caller's transaction, on each call's ids, and
  returns the ids to queue. It is for what can only be read before a delete: a service
  calls ``after_commit`` first, then deletes, and ``prepare`` turns the ids of the rows
  about to go into ids the work can still use after the commit.

On a task queue (``CELERY_BROKER_URL`` set; ``tracker/celery.py``), each ``@task`` is also
a Celery task of the same name, and a run goes through a transactional outbox:

- ``after_commit`` writes a ``QueuedTask`` row (name, ids, state) inside the caller's
  transaction (the merged calls update it), so the work is stored with the change or not
  at all; after the commit, the row's id is sent to the broker and the request returns.
- A broker that cannot be reached at commit time is logged and leaves the row queued;
  ``send_queued_tasks`` (a command, and a Celery beat task every minute) sends it later,
  with the runs whose worker died (running for longer than the task's time limit).
- A worker claims the row (running, one more attempt), runs the function with the row's
  ids, and marks it done. Messages are acknowledged after the run (``acks_late``) and
  requeued when the worker process is killed (``reject_on_worker_lost``), so a killed
  run is run again; a row already done is not. Every task is idempotent (running it twice
  changes nothing more), so a run repeated after a crash stores nothing twice.
- A database error that may pass (``OperationalError``, ``InterfaceError``) is retried
  with exponential backoff and full jitter, up to ``TRACKER_TASK_MAX_RETRIES`` times; then
  the row is marked failed and an error is logged (``gave up``). Any other error marks it
  failed at once: a bug does not pass by retrying.
- ``is_retry()`` tells a task that an earlier run of the same row started and did not
  finish (a bulk accept then resumes its running job).

Without a broker nothing of this runs: no row, no message, the function is called as
described above.
"""

from __future__ import annotations

import contextvars
import inspect
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from celery import current_app, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from access.models import QueuedTask

logger = logging.getLogger(__name__)
_threads: list[threading.Thread] = []
_retry: contextvars.ContextVar[bool] = contextvars.ContextVar("tracker_task_retry", default=False)

# Errors a later attempt may not meet: a dropped connection, a lock or serialisation
# failure, a database restarting. Everything else is a bug or bad data.
TRANSIENT = (OperationalError, InterfaceError)

__all__ = [
    "TRANSIENT",
    "Ids",
    "Task",
    "after_commit",
    "is_retry",
    "on_queue",
    "prune_done",
    "registered",
    "send_queued",
    "task",
    "wait_for_background",
]

# What a task is given: for each keyword, the ids (sorted, no duplicates).
Ids = dict[str, list[int]]
Prepare = Callable[[Mapping[str, set[int]]], Mapping[str, Iterable[int | None]]]


@dataclass(frozen=True)
class Task:
    name: str
    run: Callable[..., object]
    enabled: Callable[[], bool]
    prepare: Prepare | None = None
    background: bool = False
    # Seconds a queued run may take before its worker process is stopped (None: no
    # limit); also how long a run may stay "running" before the sweep sends it again.
    time_limit: int | None = 600


_tasks: dict[str, Task] = {}


def task(
    name: str,
    *,
    enabled: Callable[[], bool] = lambda: True,
    prepare: Prepare | None = None,
    background: bool = False,
    time_limit: int | None = 600,
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register the decorated function as the work named ``name`` (see the module help),
    and as the Celery task of that name. The function takes keyword arguments only, each a
    list of ids."""

    def register(func: Callable[..., object]) -> Callable[..., object]:
        if name in _tasks and _tasks[name].run is not func:
            raise ValueError(f"A task named {name!r} is already registered.")
        work = Task(
            name=name,
            run=func,
            enabled=enabled,
            prepare=prepare,
            background=background,
            time_limit=time_limit,
        )
        _tasks[name] = work
        _celery_task(work)
        return func

    return register


def registered(name: str) -> Task:
    """The task registered as ``name``. Raises ``LookupError`` naming the known ones."""
    try:
        return _tasks[name]
    except KeyError:
        known = ", ".join(sorted(_tasks)) or "none"
        raise LookupError(f"No task is registered as {name!r} (known: {known}).") from None


def after_commit(name: str, *, merge: bool = True, **ids: Iterable[int | None]) -> None:
    """Run the task ``name`` with these ids once the current transaction commits (at once
    outside a transaction); calls within one transaction share a single run, unless
    ``merge`` is false: then this call is a run of its own (a fan-out of one task per
    shard, each for any worker to take)."""
    work = registered(name)
    if not work.enabled():
        return
    given = {key: {i for i in values if i is not None} for key, values in ids.items()}
    queued = work.prepare(given) if work.prepare is not None else given
    # A misspelt keyword fails here, in the service that wrote it, not after the commit.
    inspect.signature(work.run).bind(**queued)
    pending_by_name = _pending_by_name()
    pending = pending_by_name.get(name) if merge else None
    if pending is not None and pending.queued():
        pending.add(queued)
        if pending.row_id is not None:
            QueuedTask.objects.filter(pk=pending.row_id).update(ids=pending.sorted_ids())
        return
    pending = _Pending(work)
    if merge:
        pending_by_name[name] = pending
    pending.add(queued)
    if on_queue():
        # The outbox row, in the caller's transaction: stored with the change or not at all.
        # Its send time is written now, so that a send that works costs the request no
        # second write; a send that fails clears it. (A process that dies between the
        # commit and the send leaves a row the sweep resends after RESEND_AFTER.)
        pending.row_id = QueuedTask.objects.create(
            name=name, ids=pending.sorted_ids(), sent_at=timezone.now()
        ).pk
    transaction.on_commit(pending.run)


def on_queue() -> bool:
    """Whether tasks go to the task queue (a broker is configured) or run in-process."""
    return bool(settings.CELERY_BROKER_URL)


def is_retry() -> bool:
    """Inside a queued run: whether an earlier run of the same work started and did not
    finish (its worker was killed, or a transient error was retried)."""
    return _retry.get()


def _pending_by_name() -> dict[str, _Pending]:
    """The runs queued on this thread's database connection, by task name."""
    pending: dict[str, _Pending] | None = getattr(connection, "_tracker_after_commit", None)
    if pending is None:
        pending = {}
        # A private attribute on the connection object, not one the stubs declare.
        setattr(connection, "_tracker_after_commit", pending)  # noqa: B010
    return pending


@dataclass(eq=False)
class _Pending:
    """One task's merged ids in the current transaction, run once on commit."""

    work: Task
    ids: dict[str, set[int]] = field(default_factory=dict)
    row_id: int | None = None  # the outbox row, on a task queue

    def sorted_ids(self) -> Ids:
        return {key: sorted(values) for key, values in self.ids.items() if values}

    def add(self, ids: Mapping[str, Iterable[int | None]]) -> None:
        for key, values in ids.items():
            self.ids.setdefault(key, set()).update(i for i in values if i is not None)

    def queued(self) -> bool:
        # A rolled-back transaction (or savepoint) drops its callbacks, and with them this
        # run: then these ids are stale and a new run starts.
        # Entries are (savepoint ids, func, robust); the stubs declare only two items.
        return any(entry[1] == self.run for entry in connection.run_on_commit)

    def run(self) -> None:
        pending_by_name = _pending_by_name()
        if pending_by_name.get(self.work.name) is self:
            del pending_by_name[self.work.name]
        if self.row_id is not None:
            _send(self.work.name, self.row_id, stamped=True)
            return
        ids = self.sorted_ids()
        if self.work.background and settings.TRACKER_TASKS_IN_BACKGROUND:
            thread = threading.Thread(
                target=_in_thread, args=(self.work, ids), name=self.work.name, daemon=True
            )
            _threads.append(thread)
            thread.start()
            return
        self.work.run(**ids)


def _in_thread(work: Task, ids: Ids) -> None:
    try:
        work.run(**ids)
    except Exception:
        logger.exception("Background task %s failed (ids %s)", work.name, ids)
    finally:
        connections.close_all()


def wait_for_background(timeout: float | None = None) -> None:
    """Wait for the background runs started so far (tests; a command that must finish)."""
    while _threads:
        _threads.pop().join(timeout)


# --- On the task queue ----------------------------------------------------------------------


def _send(name: str, row_id: int, *, stamped: bool = False) -> bool:
    """Hand the outbox row ``row_id`` to the broker and stamp its send time (``stamped``:
    the row was written with it, see ``after_commit``). A broker that cannot be reached is
    logged, not raised: the change is committed, the row stays queued with no send time,
    and the sweep sends it."""
    try:
        current_app.send_task(name, kwargs={"queued": row_id})
    except Exception as error:  # kombu and redis raise many kinds; the row keeps the work
        logger.warning(
            "Could not send task %s #%s to the broker (%s); it stays queued and "
            "send_queued_tasks sends it again.",
            name,
            row_id,
            error,
        )
        QueuedTask.objects.filter(pk=row_id).update(sent_at=None)
        return False
    if not stamped:
        QueuedTask.objects.filter(pk=row_id).update(sent_at=timezone.now())
    return True


def send_queued(*, older_than: timedelta | None = None, only: list[int] | None = None) -> int:
    """Send again the outbox rows whose message may be lost: queued rows never sent, or
    sent more than ``older_than`` ago (default ``TRACKER_TASK_RESEND_AFTER`` seconds), and
    running rows whose run has lasted longer than the task's time limit plus that margin
    (their worker died); with ``only``, of those rows only. Returns how many were sent.
    A row sent twice runs once (a row already done is skipped) and its task is idempotent."""
    if older_than is None:
        older_than = timedelta(seconds=settings.TRACKER_TASK_RESEND_AFTER)
    now = timezone.now()
    stale = Q(state=QueuedTask.State.QUEUED) & (
        Q(sent_at__isnull=True) | Q(sent_at__lte=now - older_than)
    )
    for work in _tasks.values():
        if work.time_limit is not None:
            stale |= Q(
                state=QueuedTask.State.RUNNING,
                name=work.name,
                started_at__lte=now - older_than - timedelta(seconds=work.time_limit),
            )
    sent = 0
    rows = QueuedTask.objects.filter(stale).order_by("queued_at", "id")
    if only is not None:
        rows = rows.filter(pk__in=only)
    for row_id, name in rows.values_list("id", "name").iterator():
        if name not in _tasks:
            logger.error(
                "Queued task #%s names no registered task (%s); left as it is.", row_id, name
            )
            continue
        sent += _send(name, row_id)
    return sent


def _celery_task(work: Task) -> None:
    """Register ``work`` as the Celery task of the same name (see the module help)."""
    soft = None if work.time_limit is None else max(work.time_limit - 30, work.time_limit // 2)

    @shared_task(
        name=work.name,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        time_limit=work.time_limit,
        soft_time_limit=soft,
        ignore_result=True,
    )
    def run_queued(self, *, queued: int) -> None:
        _run_queued(work, queued, self)


def _run_queued(work: Task, row_id: int, celery_task) -> None:
    """One delivery of the outbox row ``row_id``: claim it, run the work, record how it
    ended (see the module help)."""
    retries = celery_task.request.retries
    try:
        row = QueuedTask.objects.filter(pk=row_id).first()
        if row is None or row.state in (QueuedTask.State.DONE, QueuedTask.State.FAILED):
            logger.info(
                "Task %s #%s: %s, nothing to do.",
                work.name,
                row_id,
                "no such row" if row is None else f"already {row.state}",
            )
            return
        QueuedTask.objects.filter(pk=row_id).update(
            state=QueuedTask.State.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
        )
        token = _retry.set(row.attempts > 0)
        try:
            work.run(**row.ids)
        finally:
            _retry.reset(token)
    except TRANSIENT as error:
        # A broken connection is opened afresh on the next try.
        for open_connection in connections.all(initialized_only=True):
            if not open_connection.in_atomic_block:
                open_connection.close_if_unusable_or_obsolete()
        if retries >= settings.TRACKER_TASK_MAX_RETRIES:
            logger.error(
                "Task %s #%s gave up after %d attempts: %s", work.name, row_id, retries + 1, error
            )
            _finish(row_id, QueuedTask.State.FAILED, error)
            return
        countdown = get_exponential_backoff_interval(
            factor=settings.TRACKER_TASK_RETRY_BACKOFF,
            retries=retries,
            maximum=settings.TRACKER_TASK_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        logger.warning(
            "Task %s #%s failed (%s); retry %d of %d in %d s.",
            work.name,
            row_id,
            error,
            retries + 1,
            settings.TRACKER_TASK_MAX_RETRIES,
            countdown,
        )
        _finish(row_id, QueuedTask.State.QUEUED, error)
        raise celery_task.retry(exc=error, countdown=countdown) from error
    except Exception as error:
        logger.exception("Task %s #%s failed; not retried.", work.name, row_id)
        _finish(row_id, QueuedTask.State.FAILED, error)
        raise
    _finish(row_id, QueuedTask.State.DONE)


def _finish(row_id: int, state: str, error: BaseException | None = None) -> None:
    """Record how a run ended. Best effort when the database itself is failing: the row
    then stays running, and the sweep sends it again."""
    changes: dict[str, object] = {
        "state": state,
        "error": "" if error is None else str(error)[:2000],
    }
    if state != QueuedTask.State.QUEUED:
        changes["finished_at"] = timezone.now()
    try:
        QueuedTask.objects.filter(pk=row_id).update(**changes)
    except TRANSIENT:
        logger.warning("Could not record the end of queued task #%s.", row_id)


def prune_done(*, days: int | None = None) -> int:
    """Delete the rows of runs done more than ``days`` ago (default
    ``TRACKER_TASK_KEEP_DAYS``); failed ones stay until an editor has looked. Returns how
    many were deleted."""
    if days is None:
        days = settings.TRACKER_TASK_KEEP_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = QueuedTask.objects.filter(
        state=QueuedTask.State.DONE, finished_at__lt=cutoff
    ).delete()
    return deleted


@shared_task(name="access.send_queued_tasks", ignore_result=True)
def send_queued_tasks() -> int:
    """The sweep, run every minute by Celery beat (see ``send_queued``), and the pruning
    of old finished rows (``prune_done``)."""
    prune_done()
    return send_queued()
