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

Moving the work to Celery changes this module only: register each ``@task`` function as a
Celery task of the same name too, and have ``_Pending.run`` call
``current_app.send_task(name, kwargs=ids)`` instead of the function. The services stay as
they are: they pass a name and JSON-ready lists of ids, and ``prepare`` still runs here,
where the rows are.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections, transaction

logger = logging.getLogger(__name__)
_threads: list[threading.Thread] = []

__all__ = ["Ids", "Task", "after_commit", "registered", "task", "wait_for_background"]

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


_tasks: dict[str, Task] = {}


def task(
    name: str,
    *,
    enabled: Callable[[], bool] = lambda: True,
    prepare: Prepare | None = None,
    background: bool = False,
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register the decorated function as the work named ``name`` (see the module help).
    The function takes keyword arguments only, each a list of ids."""

    def register(func: Callable[..., object]) -> Callable[..., object]:
        if name in _tasks and _tasks[name].run is not func:
            raise ValueError(f"A task named {name!r} is already registered.")
        _tasks[name] = Task(
            name=name, run=func, enabled=enabled, prepare=prepare, background=background
        )
        return func

    return register


def registered(name: str) -> Task:
    """The task registered as ``name``. Raises ``LookupError`` naming the known ones."""
    try:
        return _tasks[name]
    except KeyError:
        known = ", ".join(sorted(_tasks)) or "none"
        raise LookupError(f"No task is registered as {name!r} (known: {known}).") from None


def after_commit(name: str, **ids: Iterable[int | None]) -> None:
    """Run the task ``name`` with these ids once the current transaction commits (at once
    outside a transaction); calls within one transaction share a single run."""
    work = registered(name)
    if not work.enabled():
        return
    given = {key: {i for i in values if i is not None} for key, values in ids.items()}
    queued = work.prepare(given) if work.prepare is not None else given
    # A misspelt keyword fails here, in the service that wrote it, not after the commit.
    inspect.signature(work.run).bind(**queued)
    pending_by_name = _pending_by_name()
    pending = pending_by_name.get(name)
    if pending is not None and pending.queued():
        pending.add(queued)
        return
    pending = pending_by_name[name] = _Pending(work)
    pending.add(queued)
    transaction.on_commit(pending.run)


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
        ids: Ids = {key: sorted(values) for key, values in self.ids.items() if values}
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
