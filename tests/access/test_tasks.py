"""``access.tasks``: work named by services, merged per transaction, run once on commit."""

import dataclasses

import pytest
from django.db import connection, transaction

from access import tasks
from access.tasks import after_commit, task

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(monkeypatch):
    """A task "tests.record" that records each run's ids, registered for this test only,
    with a fresh queue (the test's transaction never commits)."""
    monkeypatch.setattr(tasks, "_tasks", dict(tasks._tasks))
    monkeypatch.setattr(tasks, "_celery_task", lambda work: None)
    monkeypatch.setattr(connection, "_tracker_after_commit", {}, raising=False)
    done: list[dict] = []

    @task("tests.record")
    def record(*, row_ids=(), other_ids=()):
        done.append({"row_ids": row_ids, "other_ids": other_ids})

    return done


def test_calls_in_one_transaction_run_once_with_the_ids_merged(
    runs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        after_commit("tests.record", row_ids=[3, 1, None])
        after_commit("tests.record", row_ids=[1, 2], other_ids=[7])
        assert runs == []
    assert len(callbacks) == 1
    assert runs == [{"row_ids": [1, 2, 3], "other_ids": [7]}]


def test_a_rolled_back_savepoint_drops_the_work_queued_in_it(
    runs, django_capture_on_commit_callbacks
):
    def refused_write():
        with transaction.atomic():
            after_commit("tests.record", row_ids=[1])
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            refused_write()
        after_commit("tests.record", row_ids=[2])
    assert runs == [{"row_ids": [2], "other_ids": ()}]


def change_task(**changes):
    tasks._tasks["tests.record"] = dataclasses.replace(tasks._tasks["tests.record"], **changes)


def test_switched_off_nothing_is_queued(runs, django_capture_on_commit_callbacks):
    change_task(enabled=lambda: False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        after_commit("tests.record", row_ids=[1])
    assert callbacks == []
    assert runs == []


def test_prepare_runs_at_once_and_its_ids_are_queued(runs, django_capture_on_commit_callbacks):
    seen = []

    def prepare(ids):
        seen.append(dict(ids))
        return {"other_ids": {i * 10 for i in ids["row_ids"]}}

    change_task(prepare=prepare)
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("tests.record", row_ids=[1, 2])
        assert seen == [{"row_ids": {1, 2}}]
    assert runs == [{"row_ids": (), "other_ids": [10, 20]}]


def test_a_misspelt_keyword_or_name_fails_in_the_caller(runs):
    with pytest.raises(TypeError):
        after_commit("tests.record", rows_ids=[1])
    with pytest.raises(LookupError, match=r"'tests\.recorde'"):
        after_commit("tests.recorde", row_ids=[1])


def test_the_cross_check_registers_its_recheck_when_the_app_loads():
    recheck = tasks.registered("crosscheck.recheck")
    assert recheck.run.__module__ == "crosscheck.tasks"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_work_runs_at_once(runs):
    after_commit("tests.record", row_ids=[5])
    assert runs == [{"row_ids": [5], "other_ids": ()}]
