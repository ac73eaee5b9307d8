"""``import_articles --extract``: suggestions stored for each article imported.
Everything here is invented."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from claims.models import Attribution
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db(transaction=True)

RECORD = {
    "headline": "Invented ferry to run again",
    "outlet": "Invented Harbour Herald",
    "url": "https://harbour.example/ferry",
    "body": "“The invented ferry will run again in May,” said Odil Renck, the harbour master. "
    "Renck said two invented ferries were damaged in the storm.",
}


def run(tmp_path, *args):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("import_articles", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_extract_stores_suggestions_for_review(tmp_path):
    output = run(tmp_path, "--extract")

    article = Article.objects.get(url=RECORD["url"])
    rows = Suggestion.objects.filter(article=article, state="pending")
    assert rows.count() == 2
    assert {row.proposed_source["name"] for row in rows} == {"Odil Renck"}
    assert not Attribution.objects.exists()
    assert "2 suggested attributions stored for review." in output
    # Importing the same file again skips the article and suggests nothing new.
    again = run(tmp_path, "--extract")
    assert "0 suggested attributions" in again
    assert Suggestion.objects.count() == 2


def test_without_extract_nothing_is_suggested(tmp_path):
    run(tmp_path)

    assert Article.objects.count() == 1
    assert not Suggestion.objects.exists()


def test_a_dry_run_suggests_nothing(tmp_path):
    run(tmp_path, "--extract", "--dry-run")

    assert not Article.objects.exists()
    assert not Suggestion.objects.exists()


def test_on_a_task_queue_the_extraction_is_queued_and_runs_once_however_often(
    tmp_path, settings, monkeypatch
):
    from access import tasks
    from access.models import QueuedTask

    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/1"
    sent = []
    monkeypatch.setattr(
        tasks,
        "current_app",
        type("Broker", (), {"send_task": lambda self, *a, **k: sent.append(a)})(),
    )
    output = run(tmp_path, "--extract")

    article = Article.objects.get(url=RECORD["url"])
    row = QueuedTask.objects.get(name="suggestions.extract")
    assert row.ids == {"article_ids": [article.pk]}
    assert sent == [("suggestions.extract",)]
    assert "1 article(s) queued for the extractor" in output
    assert not Suggestion.objects.exists()  # a worker extracts
    # What the worker runs, twice (a redelivery): the suggestions are stored once.
    work = tasks.registered("suggestions.extract")
    work.run(**row.ids)
    work.run(**row.ids)
    assert Suggestion.objects.filter(article=article, state="pending").count() == 2
