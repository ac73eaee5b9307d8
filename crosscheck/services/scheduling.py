"""Rechecks queued for when the current transaction commits: the model signals
(``crosscheck/signals.py``) call :func:`schedule_recheck`, so every write path (admin, API,
commands) keeps findings current."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction

from crosscheck.services.loading import Scope
from crosscheck.services.storing import recheck


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
