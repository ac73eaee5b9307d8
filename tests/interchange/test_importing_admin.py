"""The admin's "Import articles" page. Articles and outlets here are invented."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article

URL = reverse("article-import")


def jsonl(*records) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def record(n: int, **fields) -> dict:
    return {
        "headline": f"Invented bridge story {n}",
        "outlet": "Quellbridge Courier",
        "url": f"https://courier.example/{n}",
        "body": f"Story {n}. Mayor Ilse Varnok said the invented bridge would reopen in June.",
        **fields,
    }


def test_the_article_list_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert f'href="{URL}"' in response.content.decode()


def test_an_editor_uploads_and_sees_the_summary_with_line_numbers(editor_client, editor):
    upload = SimpleUploadedFile(
        "articles.jsonl", jsonl(record(1), record(2, headline=""), record(3))
    )
    response = editor_client.post(URL, {"file": upload, "format": "auto", "outlet": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Imported 3 records from 1 file: 2 created, 0 updated, 0 skipped, 0 conflicts, 1 failed."
        in page
    )
    assert "headline: This field cannot be blank." in page
    assert "<td>2</td>" in page
    assert Article.objects.count() == 2
    assert Article.objects.get(url="https://courier.example/1").history.get().history_user == editor


def test_uploading_the_same_file_again_skips_every_record(editor_client):
    for _ in range(2):
        upload = SimpleUploadedFile("a.jsonl", jsonl(record(1), record(2)))
        response = editor_client.post(URL, {"file": upload, "format": "auto"})
    page = response.content.decode()
    assert "0 created, 0 updated, 2 skipped" in page
    assert "<li>2: unchanged: an article with this URL and body is already stored</li>" in page
    assert Article.objects.count() == 2


def test_an_uploaded_conflict_is_listed_and_update_replaces(editor_client):
    editor_client.post(
        URL, {"file": SimpleUploadedFile("a.jsonl", jsonl(record(1))), "format": "jsonl"}
    )
    changed = jsonl(record(1, body="A corrected invented body."))
    response = editor_client.post(
        URL, {"file": SimpleUploadedFile("a.jsonl", changed), "format": "jsonl"}
    )
    assert "already has this URL with a different body" in response.content.decode()
    assert Article.objects.get().body.startswith("Story 1.")
    editor_client.post(
        URL,
        {"file": SimpleUploadedFile("a.jsonl", changed), "format": "jsonl", "update": "on"},
    )
    assert Article.objects.get().body == "A corrected invented body."


def test_an_html_page_uploads_with_the_outlet_given(editor_client):
    page = (
        b"<html><head><title>Invented bridge to reopen</title></head><body><article>"
        b"<p>Mayor Ilse Varnok said the invented bridge would reopen in June.</p>"
        b"</article></body></html>"
    )
    editor_client.post(
        URL,
        {
            "file": SimpleUploadedFile("bridge.html", page),
            "format": "auto",
            "outlet": "Quellbridge Courier",
        },
    )
    article = Article.objects.get()
    assert (article.headline, article.outlet.name) == (
        "Invented bridge to reopen",
        "Quellbridge Courier",
    )


def test_a_file_over_the_limit_is_a_form_error(editor_client, settings):
    settings.TRACKER_IMPORT_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("a.jsonl", jsonl(record(1), record(2)))
    response = editor_client.post(URL, {"file": upload, "format": "auto"})
    assert response.status_code == 200
    assert "uploads are limited to 100\xa0bytes" in response.content.decode()
    assert not Article.objects.exists()


def test_fact_checkers_and_readers_get_403(factchecker_client, reader_client):
    for client in (factchecker_client, reader_client):
        assert client.get(URL).status_code == 403
        upload = SimpleUploadedFile("a.jsonl", jsonl(record(1)))
        assert client.post(URL, {"file": upload, "format": "auto"}).status_code == 403
    assert not Article.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
