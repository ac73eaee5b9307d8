"""Accepting suggestions in bulk: the command, one transaction per suggestion, a failing
record reported while the rest go on, claim suggestions for what was accepted."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from access.tasks import wait_for_background
from claims.models import Attribution, Claim
from sources.models import Source
from suggestions.bulk import accept_in_bulk, accept_job_start, pending_suggestions
from suggestions.models import AcceptJob, Suggestion
from suggestions.services import suggest_attributions
from suggestions.tasks import run_accept_job
from tests.api.conftest import token_client
from tests.factories import ArticleFactory

SEED_TEXT = (Path(__file__).parents[2] / "seeds" / "baghouz-2019-03-13.txt").read_text()

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article(editor):
    article = ArticleFactory(body=SEED_TEXT, url="")
    suggest_attributions(article=article, user=editor)
    return article


def _break_one(article) -> Suggestion:
    """A suggestion whose proposed speaker cannot validate (a kind that does not exist)."""
    broken = Suggestion.objects.filter(article=article, source__isnull=True).first()
    Suggestion.objects.filter(pk=broken.pk).update(proposed_source={"kind": "martian"})
    others = Suggestion.objects.filter(proposed_key=broken.proposed_key).exclude(pk=broken.pk)
    others.update(proposed_key="")
    return broken


def test_bulk_accept_goes_on_past_a_failing_record(article, editor):
    broken = _break_one(article)
    pending = Suggestion.objects.filter(article=article).count()
    report = accept_in_bulk(pending_suggestions(), user=editor)
    assert report.selected == pending
    assert report.accepted == pending - 1
    assert [pk for pk, _ in report.failed] == [broken.pk]
    assert "valid kind" in report.failed[0][1]
    broken.refresh_from_db()
    assert broken.state == Suggestion.State.PENDING
    assert Attribution.objects.filter(article=article).count() == pending - 1
    # The archive was empty: every source is one the run created; the other acceptances
    # attached a speaker created earlier in the run.
    assert report.sources_created == Source.objects.count()
    assert report.sources_created + report.sources_attached == report.accepted
    linked = Attribution.objects.filter(article=article, claim__isnull=False)
    assert linked.count() == report.claims_created + report.claims_linked
    assert report.claims_created == Claim.objects.count()
    assert all(a.claim_is_suggested for a in linked)


def test_the_command_reports_and_exits_non_zero_on_a_failure(article, editor):
    _break_one(article)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 suggestion"):
        call_command("accept_suggestions", user=editor.username, stdout=out, stderr=err)
    assert "accepted (1 failed, 0 left" in out.getvalue()
    assert re.search(r"sources: \d+ created, \d+ already in the archive", out.getvalue())
    assert "valid kind" in err.getvalue()
    assert Attribution.objects.filter(article=article).exists()


def test_a_dry_run_stores_nothing_and_says_what_would_happen(article):
    before = (Attribution.objects.count(), Source.objects.count(), Claim.objects.count())
    out = StringIO()
    call_command("accept_suggestions", dry_run=True, stdout=out, stderr=StringIO())
    assert "would be accepted" in out.getvalue()
    assert (Attribution.objects.count(), Source.objects.count(), Claim.objects.count()) == before
    assert not Suggestion.objects.exclude(state="pending").exists()


def test_filters_select_the_suggestions(article, editor):
    other = ArticleFactory(body=SEED_TEXT, url="https://example.org/other")
    suggest_attributions(article=other, user=editor)
    call_command("accept_suggestions", article=[other.pk], no_claims=True, stdout=StringIO())
    assert not Suggestion.objects.filter(article=other, state="pending").exists()
    assert Suggestion.objects.filter(article=article, state="pending").exists()
    assert not Claim.objects.exists()
    high = pending_suggestions(min_confidence=0.8).count()
    assert 0 < high < pending_suggestions().count()
    assert pending_suggestions(since=article.created_at.replace(year=2100)).count() == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"article": [999999]}, "No article with id 999999"),
        ({"min_confidence": 2.0}, "between 0 and 1"),
        ({"since": "yesterday"}, "not a date"),
        ({"user": "nobody-here"}, "No user named"),
    ],
)
def test_bad_options_are_clear_errors(db, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("accept_suggestions", stdout=StringIO(), **options)


def test_the_api_starts_a_background_job_and_reports_it(article, editor):
    client = token_client(editor)
    response = client.post(
        "/api/suggestions/accept-all/", {"articles": [article.pk]}, format="json"
    )
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == f"/api/accept-jobs/{job['id']}/"
    # Inline in the tests: done by the time the request returns.
    assert job["state"] == "done"
    assert job["report"]["accepted"] == job["total"] == job["done"] > 0
    assert client.get(response["Location"]).json()["report"] == job["report"]
    bad = client.post("/api/suggestions/accept-all/", {"min_confidence": 3}, format="json")
    assert bad.status_code == 400
    assert "min_confidence" in bad.json()


def test_the_job_runs_on_a_thread_of_its_own_when_asked(article, editor, settings):
    settings.TRACKER_TASKS_IN_BACKGROUND = True
    with transaction.atomic():
        job = accept_job_start(user=editor, article_ids=[article.pk])
    wait_for_background(timeout=120)
    job.refresh_from_db()
    assert job.state == AcceptJob.State.DONE
    assert job.started_at is not None
    assert job.finished_at >= job.started_at
    assert Attribution.objects.filter(article=article).count() == job.report["accepted"]
    # Idempotent: a job runs once.
    assert run_accept_job(job).report == job.report
    assert Attribution.objects.filter(article=article).count() == job.report["accepted"]


def test_the_admin_action_accepts_through_a_job(article, editor_client):
    ids = list(Suggestion.objects.filter(article=article).values_list("pk", flat=True))
    response = editor_client.post(
        "/admin/suggestions/suggestion/",
        {"action": "accept_selected", "_selected_action": [str(i) for i in ids]},
        follow=True,
    )
    job = AcceptJob.objects.get()
    assert f"Accepting {len(ids)} suggestion(s) in the background" in response.content.decode()
    assert f"/admin/suggestions/acceptjob/{job.pk}/change/" in response.content.decode()
    # The admin's request commits before the job runs (inline in the tests).
    assert job.state == AcceptJob.State.DONE
    assert job.report["accepted"] == len(ids)
    assert editor_client.get(f"/admin/suggestions/acceptjob/{job.pk}/change/").status_code == 200


def test_a_job_whose_run_died_is_resumed_without_accepting_twice(article, editor):
    # A run killed after accepting three suggestions and before giving them claims.
    job = AcceptJob.objects.create(
        article_ids=[article.pk], created_by=editor, state=AcceptJob.State.RUNNING
    )
    first = list(pending_suggestions(article_ids=[article.pk])[:3])
    accept_in_bulk(
        Suggestion.objects.filter(pk__in=[s.pk for s in first]), user=editor, link_claims=False
    )
    early = list(Attribution.objects.filter(suggestion__in=first))
    assert early
    assert all(a.claim_id is None for a in early)

    assert run_accept_job(job).state == AcceptJob.State.RUNNING  # not a retry: left alone
    job = run_accept_job(job, resume=True)

    assert job.state == AcceptJob.State.DONE
    accepted = Suggestion.objects.filter(article=article, state=Suggestion.State.ACCEPTED)
    assert Attribution.objects.filter(article=article).count() == accepted.count()
    # Nothing left that a run would accept.
    assert accept_in_bulk(pending_suggestions(), user=editor, dry_run=True).accepted == 0
    for attribution in early:  # the killed run's acceptances got their claims too
        attribution.refresh_from_db()
        assert attribution.claim_id is not None or attribution.claim_links.exists()
