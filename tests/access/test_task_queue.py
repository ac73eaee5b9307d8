"""``access.tasks`` on a task queue, without a broker: the outbox row written with the
change, sent after the commit, kept when the broker is down, swept, and a queued run's
claim, retries and end (the worker path itself is in ``tests/tasks/``)."""

import logging
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, transaction
from django.utils import timezone

from access import tasks
from access.models import QueuedTask
from access.tasks import after_commit, is_retry, send_queued, task

pytestmark = pytest.mark.django_db


class Broker:
    """Stands in for Celery's ``current_app``: records what is sent, or refuses it."""

    def __init__(self):
        self.sent: list[tuple[str, dict]] = []
        self.down = False

    def send_task(self, name, kwargs):
        if self.down:
            raise ConnectionError("Connection refused")
        self.sent.append((name, kwargs))


@pytest.fixture
def broker(settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/1"
    fake = Broker()
    monkeypatch.setattr(tasks, "current_app", fake)
    return fake


@pytest.fixture
def runs(monkeypatch):
    """A task "tests.queued" that records each run's ids and whether it was a retry
    (registered for this test only, not as a Celery task)."""
    monkeypatch.setattr(tasks, "_tasks", dict(tasks._tasks))
    monkeypatch.setattr(tasks, "_celery_task", lambda work: None)
    done: list[dict] = []

    @task("tests.queued", time_limit=60)
    def record(*, row_ids=()):
        done.append({"row_ids": list(row_ids), "retry": is_retry()})

    return done


def test_without_a_broker_the_task_runs_in_process_and_no_row_is_kept(
    runs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("tests.queued", row_ids=[1])
    assert runs == [{"row_ids": [1], "retry": False}]
    assert not QueuedTask.objects.exists()


def test_the_row_is_written_with_the_change_and_sent_after_the_commit(
    runs, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("tests.queued", row_ids=[3, 1])
        after_commit("tests.queued", row_ids=[2])
        row = QueuedTask.objects.get()
        assert row.ids == {"row_ids": [1, 2, 3]}  # merged into the one row
        assert broker.sent == []
    assert broker.sent == [("tests.queued", {"queued": row.pk})]
    assert runs == []  # a worker runs it
    row.refresh_from_db()
    assert row.state == QueuedTask.State.QUEUED
    assert row.sent_at is not None


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(runs, broker):
    with transaction.atomic():
        try:
            with transaction.atomic():
                after_commit("tests.queued", row_ids=[1])
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert not QueuedTask.objects.exists()
    assert broker.sent == []


def test_a_broker_down_at_commit_keeps_the_row_for_the_sweep(
    runs, broker, caplog, django_capture_on_commit_callbacks
):
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        after_commit("tests.queued", row_ids=[1])
    row = QueuedTask.objects.get()
    assert (row.state, row.sent_at) == (QueuedTask.State.QUEUED, None)
    assert "stays queued and send_queued_tasks sends it again" in caplog.text
    broker.down = False
    assert send_queued() == 1
    assert broker.sent == [("tests.queued", {"queued": row.pk})]


def test_the_sweep_sends_lost_runs_only(runs, broker):
    now = timezone.now()
    long_ago = now - timedelta(hours=1)

    def row(**fields):
        return QueuedTask.objects.create(name="tests.queued", **fields).pk

    never_sent = row()
    sent_long_ago = row(sent_at=long_ago)
    row(sent_at=now)  # sent just now: still on its way
    dead_worker = row(state=QueuedTask.State.RUNNING, sent_at=long_ago, started_at=long_ago)
    row(state=QueuedTask.State.RUNNING, sent_at=now, started_at=now)  # still running
    row(state=QueuedTask.State.DONE, sent_at=long_ago, finished_at=long_ago)
    row(state=QueuedTask.State.FAILED, sent_at=long_ago, finished_at=long_ago)
    assert send_queued(older_than=timedelta(minutes=5)) == 3
    assert sorted(kwargs["queued"] for _, kwargs in broker.sent) == sorted(
        [never_sent, sent_long_ago, dead_worker]
    )


class Retry(Exception):
    pass


def delivery(retries: int = 0):
    """What a Celery task gives ``_run_queued``: its request and ``retry``."""

    def retry(exc, countdown):
        return Retry(countdown)

    return SimpleNamespace(request=SimpleNamespace(retries=retries), retry=retry)


def queued_row(**fields) -> QueuedTask:
    return QueuedTask.objects.create(name="tests.queued", ids={"row_ids": [4]}, **fields)


def test_a_run_marks_its_row_done_and_a_second_delivery_does_nothing(runs):
    row = queued_row()
    work = tasks.registered("tests.queued")
    tasks._run_queued(work, row.pk, delivery())
    tasks._run_queued(work, row.pk, delivery())
    assert runs == [{"row_ids": [4], "retry": False}]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (QueuedTask.State.DONE, 1)
    assert row.finished_at >= row.started_at


def test_a_run_after_a_killed_one_is_told_it_is_a_retry(runs):
    # The killed run claimed the row and never finished it.
    row = queued_row(state=QueuedTask.State.RUNNING, attempts=1, started_at=timezone.now())
    tasks._run_queued(tasks.registered("tests.queued"), row.pk, delivery())
    assert runs == [{"row_ids": [4], "retry": True}]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (QueuedTask.State.DONE, 2)


@pytest.fixture
def failing(monkeypatch):
    monkeypatch.setattr(tasks, "_tasks", dict(tasks._tasks))
    monkeypatch.setattr(tasks, "_celery_task", lambda work: None)
    errors: list[Exception] = []

    @task("tests.failing")
    def fail(*, row_ids=()):
        raise errors[0]

    return errors


def test_a_transient_error_is_retried_with_backoff(failing, settings):
    settings.TRACKER_TASK_RETRY_BACKOFF = 2
    failing.append(OperationalError("could not serialize access"))
    row = QueuedTask.objects.create(name="tests.failing", ids={"row_ids": [1]})
    with pytest.raises(Retry) as retried:
        tasks._run_queued(tasks.registered("tests.failing"), row.pk, delivery(retries=3))
    assert 0 <= retried.value.args[0] <= 2 * 2**3  # full jitter under the 4th backoff
    row.refresh_from_db()
    assert row.state == QueuedTask.State.QUEUED
    assert "could not serialize" in row.error


def test_after_its_last_retry_a_run_gives_up_with_a_log_line(failing, settings, caplog):
    settings.TRACKER_TASK_MAX_RETRIES = 2
    failing.append(OperationalError("the database is restarting"))
    row = QueuedTask.objects.create(name="tests.failing", ids={"row_ids": [1]})
    with caplog.at_level(logging.ERROR, logger="access.tasks"):
        tasks._run_queued(tasks.registered("tests.failing"), row.pk, delivery(retries=2))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (QueuedTask.State.FAILED, 1)
    assert f"Task tests.failing #{row.pk} gave up after 3 attempts" in caplog.text


def test_a_bug_fails_the_run_at_once(failing):
    failing.append(KeyError("no such thing"))
    row = QueuedTask.objects.create(name="tests.failing", ids={"row_ids": [1]})
    with pytest.raises(KeyError):
        tasks._run_queued(tasks.registered("tests.failing"), row.pk, delivery())
    row.refresh_from_db()
    assert row.state == QueuedTask.State.FAILED
    assert "no such thing" in row.error


def test_the_sweep_and_the_queued_recompute_need_a_broker():
    with pytest.raises(CommandError, match="CELERY_BROKER_URL"):
        call_command("send_queued_tasks")
    with pytest.raises(CommandError, match="CELERY_BROKER_URL"):
        call_command("recheck", queue=True)


@pytest.mark.parametrize(("options", "shards"), [({}, 16), ({"shards": 3}, 3)])
def test_recheck_queue_sends_the_sharded_recompute(
    broker, django_capture_on_commit_callbacks, options, shards
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recheck", queue=True, verbosity=0, **options)
    row = QueuedTask.objects.get()
    assert row.name == "crosscheck.recompute_shards"
    assert row.ids == {"shards": [shards]}
    assert broker.sent == [("crosscheck.recompute_shards", {"queued": row.pk})]


def test_recheck_queue_refuses_no_shards(broker):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("recheck", queue=True, shards=0)
    assert not QueuedTask.objects.exists()


def test_every_task_the_services_name_is_a_celery_task():
    from tracker.celery import app

    for name in (
        "crosscheck.recheck",
        "crosscheck.recompute",
        "crosscheck.recompute_shards",
        "crosscheck.recompute_part",
        "suggestions.accept_job",
        "suggestions.extract",
        "access.send_queued_tasks",
    ):
        assert name in app.tasks
        if name != "access.send_queued_tasks":
            assert app.tasks[name].acks_late
            assert app.tasks[name].reject_on_worker_lost


def test_the_admin_lists_queued_runs_and_sends_unfinished_ones_again(client, superuser, broker):
    client.force_login(superuser)
    stuck = QueuedTask.objects.create(
        name="crosscheck.recheck", state=QueuedTask.State.RUNNING, started_at=timezone.now()
    )
    done = QueuedTask.objects.create(name="crosscheck.recheck", state=QueuedTask.State.DONE)
    page = client.get("/admin/access/queuedtask/?state=running")
    assert page.status_code == 200
    assert f"/admin/access/queuedtask/{stuck.pk}/change/" in page.text
    assert f"/admin/access/queuedtask/{done.pk}/change/" not in page.text  # filtered out
    response = client.post(
        "/admin/access/queuedtask/",
        {"action": "send_again", "_selected_action": [stuck.pk, done.pk]},
        follow=True,
    )
    assert "1 of 1 unfinished run(s) sent again." in response.text
    assert broker.sent == [("crosscheck.recheck", {"queued": stuck.pk})]
    stuck.refresh_from_db()
    assert stuck.state == QueuedTask.State.QUEUED
    assert client.get(f"/admin/access/queuedtask/{stuck.pk}/change/").status_code == 200


def test_the_sweep_deletes_runs_done_long_ago_and_keeps_failed_ones(broker):
    long_ago = timezone.now() - timedelta(days=8)
    old_done = QueuedTask.objects.create(
        name="crosscheck.recheck", state=QueuedTask.State.DONE, finished_at=long_ago
    )
    old_failed = QueuedTask.objects.create(
        name="crosscheck.recheck", state=QueuedTask.State.FAILED, finished_at=long_ago
    )
    recent = QueuedTask.objects.create(
        name="crosscheck.recheck", state=QueuedTask.State.DONE, finished_at=timezone.now()
    )
    out = StringIO()
    call_command("send_queued_tasks", stdout=out)
    assert "1 old finished row(s) deleted" in out.getvalue()
    assert set(QueuedTask.objects.values_list("pk", flat=True)) == {old_failed.pk, recent.pk}
    assert not QueuedTask.objects.filter(pk=old_done.pk).exists()
