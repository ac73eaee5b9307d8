"""The background task of a bulk accept (see ``access.tasks``): ``suggestions.accept_job``."""

from __future__ import annotations

from django.utils import timezone

from access.tasks import task
from suggestions.bulk import accept_in_bulk, pending_suggestions
from suggestions.models import AcceptJob

PROGRESS_EVERY = 25


@task("suggestions.accept_job", background=True)
def run_accept_jobs(*, job_ids: list[int]) -> None:
    for job in AcceptJob.objects.filter(pk__in=job_ids, state=AcceptJob.State.QUEUED):
        run_accept_job(job)


def run_accept_job(job: AcceptJob) -> AcceptJob:
    """Accept what the job selects; the job row says how far it is and, at the end, what
    was done. Running it again does nothing (only a queued job runs)."""
    claimed = AcceptJob.objects.filter(pk=job.pk, state=AcceptJob.State.QUEUED).update(
        state=AcceptJob.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return job
    rows = pending_suggestions(
        article_ids=job.article_ids or None,
        since=job.since,
        min_confidence=job.min_confidence,
    )
    if job.suggestion_ids:
        rows = rows.filter(pk__in=job.suggestion_ids)
    AcceptJob.objects.filter(pk=job.pk).update(total=rows.count())
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        if done % PROGRESS_EVERY == 0:
            AcceptJob.objects.filter(pk=job.pk).update(done=done)

    try:
        report = accept_in_bulk(
            rows, user=job.created_by, link_claims=job.link_claims, progress=progress
        )
    except Exception as error:  # reported on the job; the accepted rows stay accepted
        AcceptJob.objects.filter(pk=job.pk).update(
            state=AcceptJob.State.FAILED,
            done=done,
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        raise
    AcceptJob.objects.filter(pk=job.pk).update(
        state=AcceptJob.State.DONE, done=done, report=report.as_dict(), finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
