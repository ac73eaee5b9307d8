"""The claim-suggestion queue through the API and the admin (invented statements)."""

import pytest

from sources.models import MergeSuggestion, Source
from sources.resolution import find_duplicates
from suggestions.claim_links import claim_link_suggest
from suggestions.models import ClaimLink
from tests.factories import ArticleFactory, AttributionFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIBRARY = "Lindgate's library is to be closed by the council in March, after years of cuts"


def _attribution(text, claim=None):
    article = ArticleFactory(body=f"Officials spoke on Monday. “{text},” the minister said.")
    return AttributionFactory(article=article, text=text, claim=claim)


@pytest.fixture
def queued(editor):
    claim = ClaimFactory(text="The council will close the Lindgate library in March.")
    attribution = _attribution(LIBRARY)
    assert claim_link_suggest(attribution=attribution, user=editor).action == "queued"
    return ClaimLink.objects.get(attribution=attribution, claim=claim)


def test_the_queue_lists_pending_matches_with_their_evidence(queued, reader_api):
    body = reader_api.get("/api/claim-links/?state=pending").json()
    assert [row["id"] for row in body["results"]] == [queued.pk]
    row = body["results"][0]
    assert row["claim_text"] == queued.claim.text
    assert row["attribution_text"] == LIBRARY
    assert "library" in row["evidence"]["shared"]
    assert reader_api.get("/api/claim-links/?state=linked").json()["results"] == []
    assert reader_api.get("/api/claim-links/?min_score=0.99").json()["results"] == []
    assert reader_api.get("/api/claim-links/?min_score=many").status_code == 400


def test_an_editor_accepts_a_match_through_the_api(queued, editor_api, factchecker_api):
    url = f"/api/claim-links/{queued.pk}/accept/"
    assert factchecker_api.post(url).status_code == 403
    response = editor_api.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    attribution = editor_api.get(f"/api/attributions/{queued.attribution_id}/").json()
    assert attribution["claim"] == queued.claim_id
    assert attribution["claim_is_suggested"] is False
    again = editor_api.post(url)
    assert again.status_code == 400
    assert "state" in again.json()


def test_an_editor_rejects_a_match_through_the_api(queued, editor_api):
    response = editor_api.post(f"/api/claim-links/{queued.pk}/reject/")
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert editor_api.post("/api/claim-links/999999/reject/").status_code == 404


def test_the_matcher_runs_for_one_attribution_through_the_api(editor, editor_api, reader_api):
    attribution = _attribution("Farmers in the northern valleys expect a record apple harvest")
    url = f"/api/attributions/{attribution.pk}/suggest-claim/"
    assert reader_api.post(url).status_code == 403
    body = editor_api.post(url).json()
    assert body["action"] == "created"
    shown = editor_api.get(f"/api/attributions/{attribution.pk}/").json()
    assert shown["claim"] == body["claim"]
    assert shown["claim_is_suggested"] is True
    assert editor_api.post(url).json()["action"] == "skipped"


def test_the_admin_queue_accepts_selected_matches(queued, editor_client):
    page = editor_client.get("/admin/suggestions/claimlink/")
    assert page.status_code == 200
    assert "Lindgate" in page.content.decode()
    response = editor_client.post(
        "/admin/suggestions/claimlink/",
        {"action": "accept_selected", "_selected_action": [str(queued.pk)]},
        follow=True,
    )
    assert "1 claim suggestion(s) accepted." in response.content.decode()
    queued.refresh_from_db()
    assert queued.state == ClaimLink.State.ACCEPTED
    assert queued.attribution.claim_id == queued.claim_id
    assert editor_client.get(f"/admin/suggestions/claimlink/{queued.pk}/change/").status_code == 200


def test_merge_suggestions_queue_merge_and_reject(editor, editor_api, factchecker_api):
    full = SourceFactory(name="Ilse Varnok")
    middle = SourceFactory(name="Ilse M. Varnok")
    AttributionFactory(source=middle)
    SourceFactory(name="Tomas Kell")
    SourceFactory(name="Tomas P. Kell")
    find_duplicates(user=editor)
    listed = factchecker_api.get("/api/merge-suggestions/?state=pending").json()["results"]
    assert len(listed) == 2
    mine = factchecker_api.get(f"/api/merge-suggestions/?source={full.pk}").json()["results"]
    assert [row["reason"] for row in mine] == ["same name"]
    url = f"/api/merge-suggestions/{mine[0]['id']}/accept/"
    assert factchecker_api.post(url).status_code == 403
    merged = editor_api.post(url)
    assert merged.status_code == 200, merged.content
    assert merged.json()["state"] == "accepted"
    assert Source.objects.filter(name__endswith="Varnok").count() == 1
    other = MergeSuggestion.objects.exclude(pk=mine[0]["id"]).get()
    assert editor_api.post(f"/api/merge-suggestions/{other.pk}/reject/").json()["state"] == (
        "rejected"
    )
    assert editor_api.post(f"/api/merge-suggestions/{other.pk}/accept/").status_code == 400
