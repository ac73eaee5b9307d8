"""Whether findings are being recomputed: ``GET /api/crosscheck/status/`` and the notice on
the dashboard, the findings list and the claim page (``crosscheck.selectors``)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from access.models import QueuedTask
from tests.api.conftest import token_client
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

STATUS = "/api/crosscheck/status/"
NOTICE = "Findings are being recomputed"


@pytest.fixture
def on_queue(settings):
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/1"


def rechecks(*states, name="crosscheck.recheck"):
    now = timezone.now()
    for offset, state in enumerate(states):
        at = now - timedelta(minutes=10 - offset)
        done = state in (QueuedTask.State.DONE, QueuedTask.State.FAILED)
        QueuedTask.objects.create(
            name=name, state=state, queued_at=at, finished_at=at if done else None
        )


def status_queries(client) -> tuple[dict, int]:
    """The status, and the queries it took beyond authentication (those reading the
    outbox: the auth layer's own queries are another module's business)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(STATUS)
    assert response.status_code == 200
    return response.json(), sum("access_queuedtask" in q["sql"] for q in queries.captured_queries)


def test_in_process_nothing_is_ever_pending(reader):
    body, queries = status_queries(token_client(reader))
    assert queries == 0
    assert body == {
        "mode": "in_process",
        "recomputing": False,
        "pending": 0,
        "running": 0,
        "oldest_pending_at": None,
        "last_recheck_at": None,
        "failed": 0,
    }


def test_on_a_queue_the_status_counts_what_waits_and_says_when_the_last_finished(reader, on_queue):
    rechecks(QueuedTask.State.DONE, QueuedTask.State.DONE, QueuedTask.State.FAILED)
    rechecks(QueuedTask.State.RUNNING, QueuedTask.State.QUEUED, QueuedTask.State.QUEUED)
    rechecks(QueuedTask.State.QUEUED, name="suggestions.accept_job")  # not a recheck
    last = QueuedTask.objects.filter(state=QueuedTask.State.DONE).latest("finished_at")
    oldest = QueuedTask.objects.filter(state=QueuedTask.State.RUNNING).get()
    body, queries = status_queries(token_client(reader))
    assert queries == 2
    assert body["mode"] == "celery"
    assert body["recomputing"] is True
    assert (body["pending"], body["running"], body["failed"]) == (2, 1, 1)
    assert body["last_recheck_at"] == last.finished_at.isoformat().replace("+00:00", "Z")
    assert body["oldest_pending_at"] == oldest.queued_at.isoformat().replace("+00:00", "Z")


def test_on_a_queue_with_nothing_waiting_findings_are_current(reader, on_queue):
    rechecks(QueuedTask.State.DONE, name="crosscheck.recompute")
    body = token_client(reader).get(STATUS).json()
    assert body["recomputing"] is False
    assert body["last_recheck_at"] is not None


@pytest.mark.parametrize(
    "name",
    ["crosscheck.recompute", "crosscheck.recompute_shards", "crosscheck.recompute_part"],
)
def test_a_full_recompute_on_the_queue_is_recomputing(reader, on_queue, name):
    rechecks(QueuedTask.State.DONE)
    rechecks(QueuedTask.State.RUNNING, name=name)
    body = token_client(reader).get(STATUS).json()
    assert body["recomputing"] is True
    assert body["running"] == 1


def test_the_status_needs_a_login():
    assert APIClient().get(STATUS).status_code in (401, 403)


@pytest.mark.parametrize("page", ["pages:dashboard", "pages:finding-list", "pages:claim-detail"])
def test_pages_say_when_findings_are_being_recomputed(factchecker_client, on_queue, page):
    args = [ClaimFactory().pk] if page == "pages:claim-detail" else []
    url = reverse(page, args=args)
    rechecks(QueuedTask.State.DONE)
    assert NOTICE not in factchecker_client.get(url).text
    assert "Findings are current: last recheck finished" in factchecker_client.get(url).text
    rechecks(QueuedTask.State.QUEUED)
    with CaptureQueriesContext(connection) as queries:
        text = factchecker_client.get(url).text
    # The notice costs the page two indexed queries of the outbox, however many rows.
    assert sum("access_queuedtask" in q["sql"] for q in queries.captured_queries) == 2
    assert NOTICE in text
    assert "1 recheck waiting" in text


def test_pages_in_process_say_nothing(factchecker_client):
    rechecks(QueuedTask.State.QUEUED)  # left from a time with a queue: not read
    assert "recheck" not in factchecker_client.get(reverse("pages:dashboard")).text.lower()
