"""The task path on a real queue: a Celery worker in a process of its own, on the
machine's Redis, reading the test database (see ``conftest.py``). Runs on SQLite (a file
database) and on PostgreSQL (``DATABASE_URL``).

Invented people, outlets and quotes, except the bulk accept's articles, which are the seed
article's text.
"""

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from access.models import QueuedTask
from access.tasks import send_queued
from claims.models import Attribution, Claim
from claims.services import attribution_create
from crosscheck.models import Finding, RecomputeRun
from crosscheck.services import Scope, recheck
from suggestions.bulk import accept_job_start
from suggestions.models import AcceptJob, Suggestion
from suggestions.services import suggest_attributions
from tests.api.conftest import token_client
from tests.crosscheck.test_crosscheck_batch import forget_findings, stored_findings
from tests.factories import ArticleFactory, SourceFactory
from tests.tasks.conftest import REDIS_URL, use_broker, wait_until
from tracker.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUOTE = "The Quellbridge crossing will reopen before the first winter storm arrives."
SEED_TEXT = (Path(__file__).parents[2] / "seeds" / "baghouz-2019-03-13.txt").read_text()


def article_quoting(speaker: str):
    body = f'{speaker} told reporters on Monday: "{QUOTE}" Work on the invented bridge goes on.'
    return ArticleFactory(body=body)


@pytest.fixture
def quoted(editor):
    """One invented article whose quote is credited to one person, stored (and rechecked
    in-process) before the task queue is switched on."""
    article = article_quoting("Mayor Ana Verlo")
    attribution_create(
        article=article,
        source=SourceFactory(name="Ana Verlo"),
        kind=Attribution.Kind.DIRECT,
        text=QUOTE,
        user=editor,
    )
    return article


def post_same_quote(editor):
    """Credit the same words to someone else, in another article, through the API."""
    article = article_quoting("Councillor Tomas Brenn")
    start = article.body.index(QUOTE)
    response = token_client(editor).post(
        "/api/attributions/",
        {
            "article": article.pk,
            "source": SourceFactory(name="Tomas Brenn").pk,
            "kind": "direct",
            "text": QUOTE,
            "start": start,
            "end": start + len(QUOTE),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Attribution.objects.get(pk=response.json()["id"])


def misattributions_of(attribution: Attribution):
    return Finding.objects.current().filter(kind="misattribution", attributions=attribution)


def test_a_write_is_rechecked_by_the_worker_after_the_request(quoted, editor, start_worker):
    worker = start_worker()
    attribution = post_same_quote(editor)
    run = QueuedTask.objects.get(name="crosscheck.recheck")
    assert attribution.pk in run.ids["attribution_ids"]
    assert run.sent_at is not None
    wait_until(lambda: misattributions_of(attribution).exists(), what="the misattribution")
    wait_until(
        lambda: QueuedTask.objects.filter(pk=run.pk, state=QueuedTask.State.DONE).exists(),
        what="the run marked done",
    )
    run.refresh_from_db()
    assert run.attempts == 1
    assert run.finished_at >= run.started_at >= run.queued_at
    assert "crosscheck.recheck" in worker.text()


def test_a_broker_down_at_commit_keeps_the_work_and_the_sweep_sends_it(
    quoted, editor, settings, start_worker
):
    use_broker("redis://127.0.0.1:1/1", settings)  # nothing listens on port 1
    attribution = post_same_quote(editor)  # the write is stored all the same
    run = QueuedTask.objects.get(name="crosscheck.recheck")
    assert run.state == QueuedTask.State.QUEUED
    assert run.sent_at is None
    assert not misattributions_of(attribution).exists()

    use_broker(REDIS_URL, settings)  # the broker is back
    start_worker()
    assert send_queued() == 1
    wait_until(lambda: misattributions_of(attribution).exists(), what="the misattribution")
    wait_until(
        lambda: QueuedTask.objects.filter(pk=run.pk, state=QueuedTask.State.DONE).exists(),
        what="the run marked done",
    )
    assert send_queued() == 0


def test_a_run_sent_twice_is_done_once(quoted, editor, start_worker):
    worker = start_worker()
    attribution = post_same_quote(editor)
    wait_until(lambda: QueuedTask.objects.filter(state=QueuedTask.State.DONE).exists())
    run = QueuedTask.objects.get()
    findings = {f.key: f.updated_at for f in Finding.objects.all()}
    # The same message again, as a sweep racing a slow worker would send it.
    celery_app.send_task("crosscheck.recheck", kwargs={"queued": run.pk})
    worker.wait_for("succeeded", count=2)
    assert "already done, nothing to do" in worker.text()
    run.refresh_from_db()
    assert run.attempts == 1
    assert {f.key: f.updated_at for f in Finding.objects.all()} == findings
    assert misattributions_of(attribution).count() == 1


def test_a_worker_killed_mid_task_runs_it_again_and_nothing_is_lost_or_doubled(
    editor, start_worker
):
    # The seed's text in a few articles: enough suggestions that accepting them takes a
    # while, and quotes the cross-check pairs across articles.
    for _ in range(4):
        suggest_attributions(article=ArticleFactory(body=SEED_TEXT, url=""), user=editor)
    worker = start_worker()
    job = accept_job_start(user=editor)
    wait_until(lambda: Attribution.objects.exists(), timeout=60, what="the bulk accept under way")
    (pool_process,) = worker.pool_pids()
    os.kill(pool_process, signal.SIGKILL)
    worker.wait_for("SIGKILL")

    wait_until(
        lambda: AcceptJob.objects.filter(pk=job.pk, state=AcceptJob.State.DONE).exists(),
        timeout=120,
        what="the job done after the redelivery",
    )

    def swept_and_done() -> bool:
        # The kill can fall between an accept's commit and the send of the recheck it
        # queued: that row waits for the sweep, which beat runs every minute (here, for
        # rows sent more than 5 s ago, as often as the test looks).
        send_queued(older_than=timedelta(seconds=5))
        return not QueuedTask.objects.unfinished().exists()

    wait_until(swept_and_done, timeout=120, what="every recheck the accepts queued done")
    run = QueuedTask.objects.get(name="suggestions.accept_job")
    assert run.attempts == 2
    assert run.state == QueuedTask.State.DONE
    assert not QueuedTask.objects.filter(state=QueuedTask.State.FAILED).exists()

    # Nothing doubled: one attribution per accepted suggestion, one per span.
    accepted = Suggestion.objects.filter(state=Suggestion.State.ACCEPTED)
    assert accepted.count() == Attribution.objects.count() > 0
    assert not (
        Attribution.objects.values("article", "start", "end")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    # Nothing lost: every pending suggestion left is one an editor must decide, and every
    # accepted attribution with a source has a claim or a claim suggestion waiting.
    assert not Suggestion.objects.pending().filter(source__isnull=False).exists()
    assert not Attribution.objects.filter(
        source__isnull=False, claim__isnull=True, claim_links__isnull=True
    ).exists()
    # ... and the findings and claim statuses the workers stored are those a full recheck
    # computes: it has nothing to change.
    assert Claim.objects.exists()
    report = recheck(Scope(attribution_ids=Attribution.objects.values_list("id", flat=True)))
    assert (report.created, report.reopened, report.resolved) == (0, 0, 0)
    assert report.statuses_changed == 0


def test_a_sharded_recomputation_fans_out_to_workers(quoted, editor, start_worker):
    """``recheck --queue --shards 3``: two workers take the run's tasks, step by step;
    the run finishes with what the batch path stores."""
    post_same_quote(editor)
    start_worker()
    start_worker()
    wait_until(
        lambda: not QueuedTask.objects.exclude(state=QueuedTask.State.DONE).exists(),
        what="the write's recheck done",
    )
    call_command("recheck", verbosity=0)
    expected = stored_findings()
    assert expected
    forget_findings()
    call_command("recheck", "--queue", "--shards", "3", verbosity=0)
    wait_until(
        lambda: RecomputeRun.objects.filter(finished_at__isnull=False).exists(),
        timeout=90,
        what="the sharded run finished",
    )
    run = RecomputeRun.objects.get()
    assert run.tasks.filter(finished_at__isnull=True).count() == 0
    assert run.tasks.filter(phase="check").count() == 3
    # Each chunk and shard was a queued task of its own, and each ran once.
    parts = QueuedTask.objects.filter(name="crosscheck.recompute_part")
    assert parts.count() == run.chunks + 6
    assert set(parts.values_list("state", flat=True)) == {QueuedTask.State.DONE}
    assert set(parts.values_list("attempts", flat=True)) == {1}
    assert stored_findings() == expected
