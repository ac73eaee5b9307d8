"""The extraction endpoints: /api/extract/ (stores nothing), /api/articles/{id}/suggest/
and the review of stored suggestions. Every name but the seed article's text is invented."""

from pathlib import Path

import pytest

from claims.models import Attribution
from sources.models import Source
from suggestions.models import Suggestion
from tests.api.conftest import database_snapshot
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

SEED_TEXT = (Path(__file__).parents[2] / "seeds" / "baghouz-2019-03-13.txt").read_text()

pytestmark = pytest.mark.django_db


def test_extract_returns_suggestions_and_stores_nothing(reader_api):
    before = database_snapshot()

    response = reader_api.post("/api/extract/", {"text": SEED_TEXT}, format="json")

    assert response.status_code == 200, response.content
    data = response.json()
    assert len(data["suggestions"]) == 15
    keys = {p["key"] for p in data["proposed_sources"]}
    for item in data["suggestions"]:
        assert SEED_TEXT[item["start"] : item["end"]] == item["text"]
        assert item["proposed_source"] in keys
    assert database_snapshot() == before


def test_extract_links_speakers_to_the_archive_unless_told_not_to(reader_api):
    afrin = SourceFactory(name="Adnan Afrin")

    linked = reader_api.post("/api/extract/", {"text": SEED_TEXT}, format="json").json()
    unlinked = reader_api.post(
        "/api/extract/", {"text": SEED_TEXT, "use_archive": False}, format="json"
    ).json()

    assert afrin.pk in {s["source_id"] for s in linked["suggestions"]}
    assert {s["source_id"] for s in unlinked["suggestions"]} == {None}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   \n\t "}, "text"),
        ({"text": 42}, "text"),
        ({"text": ["a list"]}, "text"),
        ({"text": "Invented text.\x00 With a NUL."}, "text"),
        ({"text": "Invented text.", "use_archive": "perhaps"}, "use_archive"),
    ],
)
def test_extract_refuses_bad_input_with_a_field_message(reader_api, payload, field):
    response = reader_api.post("/api/extract/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_extract_refuses_text_over_the_limit(reader_api, settings):
    settings.TRACKER_MAX_BODY_CHARS = 1_000

    response = reader_api.post("/api/extract/", {"text": "word " * 400}, format="json")

    assert response.status_code == 400
    assert "limit is 1,000" in response.json()["text"][0]


def test_extract_takes_five_megabytes_of_text_only_up_to_the_limit(reader_api):
    text = ("The invented council said the bridge would reopen. " * 100_000)[:5_000_000]

    response = reader_api.post("/api/extract/", {"text": text}, format="json")

    assert response.status_code == 400
    assert "characters" in response.json()["text"][0]


@pytest.mark.parametrize(
    "text",
    [
        "The invented river rose by two metres overnight.",
        "“We will not rush it, Varnok said. The invented council said nothing more.",
        "Мэр Ильзе Варнок сказала: «Мы не будем спешить». 市长说：“我们不会着急。”",
        "Invented\x01text\x7f with\x1bcontrol “characters,” said Varnok.",
    ],
)
def test_extract_answers_odd_text_without_failing(reader_api, text):
    response = reader_api.post("/api/extract/", {"text": text}, format="json")

    assert response.status_code == 200, response.content
    for item in response.json()["suggestions"]:
        assert text.replace("\r\n", "\n")[item["start"] : item["end"]] == item["text"]


def test_suggest_stores_then_reruns_without_duplicates(editor_api):
    article = ArticleFactory(body=SEED_TEXT, url="")
    url = f"/api/articles/{article.pk}/suggest/"

    first = editor_api.post(url, {}, format="json")
    second = editor_api.post(url, {}, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["created"] == 15
    assert second.json()["created"] == 0
    assert second.json()["unchanged"] == 15
    assert [s["id"] for s in first.json()["suggestions"]] == [
        s["id"] for s in second.json()["suggestions"]
    ]
    assert Suggestion.objects.count() == 15
    assert not Attribution.objects.exists()


def test_suggest_on_a_missing_article_is_a_404(editor_api):
    assert editor_api.post("/api/articles/999999/suggest/", {}, format="json").status_code == 404


def test_review_through_the_api(editor_api):
    article = ArticleFactory(body=SEED_TEXT, url="")
    editor_api.post(f"/api/articles/{article.pk}/suggest/", {}, format="json")
    queue = editor_api.get(f"/api/suggestions/?article={article.pk}&state=pending").json()
    assert len(queue["results"]) == 15
    afrin = next(s for s in queue["results"] if s["text"].startswith("his forces"))
    other = next(s for s in queue["results"] if s["text"].startswith("We’ll die"))
    claim = ClaimFactory(text="Invented claim about the advance.")

    accepted = editor_api.post(
        f"/api/suggestions/{afrin['id']}/accept/", {"claim": claim.pk}, format="json"
    )
    rejected = editor_api.post(
        f"/api/suggestions/{other['id']}/reject/", {"note": "Invented reason."}, format="json"
    )
    again = editor_api.post(f"/api/suggestions/{other['id']}/accept/", {}, format="json")

    assert accepted.status_code == 201, accepted.content
    body = accepted.json()
    assert body["source_name"] == "Adnan Afrin"
    assert body["claim"] == claim.pk
    assert body["is_suggested"]
    assert body["is_reviewed"]
    assert rejected.status_code == 200
    assert rejected.json()["state"] == "rejected"
    assert again.status_code == 400
    assert "state" in again.json()
    assert Source.objects.filter(name="Adnan Afrin").count() == 1


def test_accept_with_a_bad_edit_is_a_400_and_stores_nothing(editor_api):
    article = ArticleFactory(body=SEED_TEXT, url="")
    editor_api.post(f"/api/articles/{article.pk}/suggest/", {}, format="json")
    row = Suggestion.objects.get(text__startswith="his forces")
    before = database_snapshot()

    response = editor_api.post(
        f"/api/suggestions/{row.pk}/accept/",
        {"text": "words the article never prints"},
        format="json",
    )

    assert response.status_code == 400
    assert "text" in response.json()
    assert database_snapshot() == before


def test_patch_edits_a_pending_suggestion_and_refuses_a_reviewed_one(editor_api):
    article = ArticleFactory(body=SEED_TEXT, url="")
    editor_api.post(f"/api/articles/{article.pk}/suggest/", {}, format="json")
    row = Suggestion.objects.get(text__startswith="his forces")

    edited = editor_api.patch(f"/api/suggestions/{row.pk}/", {"cue": "added"}, format="json")
    editor_api.post(f"/api/suggestions/{row.pk}/reject/", {}, format="json")
    refused = editor_api.patch(f"/api/suggestions/{row.pk}/", {"cue": "told"}, format="json")

    assert edited.status_code == 200
    assert edited.json()["cue"] == "added"
    assert refused.status_code == 400
    assert "state" in refused.json()
    row.refresh_from_db()
    assert row.cue == "added"


@pytest.mark.parametrize("value", [0, 1, "yes", "true", None])
def test_extract_takes_use_archive_only_as_a_json_boolean(reader_api, value):
    response = reader_api.post(
        "/api/extract/", {"text": "Invented text.", "use_archive": value}, format="json"
    )

    assert response.status_code == 400
    assert "use_archive" in response.json()
