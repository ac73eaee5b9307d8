"""The suggestions' background work (see ``access.tasks``): ``suggestions.accept_job`` (a
bulk accept) and ``suggestions.extract`` (the extractor on imported articles).

Both are idempotent: a job runs only while queued (or, when a queued run is retried after
its worker died, resumes while running: only suggestions still pending are accepted), and
extraction stores its suggestions by span, updating the pending ones it finds again."""

from __future__ import annotations

from django.utils import timezone

from access.tasks import is_retry, task
from articles.models import Article
from claims.models import Attribution
from suggestions.bulk import accept_in_bulk, pending_suggestions, selected_suggestions
from suggestions.models import AcceptJob, Suggestion
from suggestions.services import suggest_attributions

PROGRESS_EVERY = 25


@task("suggestions.accept_job", background=True, time_limit=3600)
def run_accept_jobs(*, job_ids: list[int]) -> None:
    # A retried run resumes the job its killed predecessor left running.
    states = (
        [AcceptJob.State.QUEUED, AcceptJob.State.RUNNING]
        if is_retry()
        else [AcceptJob.State.QUEUED]
    )
    for job in AcceptJob.objects.filter(pk__in=job_ids, state__in=states):
        run_accept_job(job, resume=is_retry())


@task("suggestions.extract", time_limit=1800)
def extract_articles(*, article_ids: list[int]) -> None:
    """Run the extractor on each article and store its suggestions for review (the import's
    ``--extract`` on a task queue). Idempotent: suggestions are stored by span."""
    for article in Article.objects.filter(pk__in=article_ids).order_by("pk"):
        suggest_attributions(article=article)


def run_accept_job(job: AcceptJob, *, resume: bool = False) -> AcceptJob:
    """Accept what the job selects; the job row says how far it is and, at the end, what
    was done. Running it again does nothing (only a queued job runs); with ``resume`` (a
    queued run retried after its worker died) a running job is taken up again, accepting
    what is still pending (its report then counts this run only)."""
    states = (
        [AcceptJob.State.QUEUED, AcceptJob.State.RUNNING] if resume else [AcceptJob.State.QUEUED]
    )
    claimed = AcceptJob.objects.filter(pk=job.pk, state__in=states).update(
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
    unlinked: list[int] = []
    if resume and job.link_claims:
        # What the interrupted run accepted but did not give a claim (nor queue one for
        # review) before it stopped.
        accepted = selected_suggestions(
            state=Suggestion.State.ACCEPTED,
            article_ids=job.article_ids or None,
            since=job.since,
            min_confidence=job.min_confidence,
        )
        if job.suggestion_ids:
            accepted = accepted.filter(pk__in=job.suggestion_ids)
        unlinked = list(
            Attribution.objects.filter(
                suggestion__in=accepted, claim__isnull=True, claim_links__isnull=True
            ).values_list("pk", flat=True)
        )
    AcceptJob.objects.filter(pk=job.pk).update(total=rows.count())
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        if done % PROGRESS_EVERY == 0:
            AcceptJob.objects.filter(pk=job.pk).update(done=done)

    try:
        report = accept_in_bulk(
            rows,
            user=job.created_by,
            link_claims=job.link_claims,
            progress=progress,
            also_link=unlinked,
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
