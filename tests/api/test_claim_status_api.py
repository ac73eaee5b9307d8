"""The claim check says why a claim has its status, and the claims' status filter takes
every status. The seed plus one invented article each (``tests/seed_scenarios``)."""

import pytest
from django.db import connection

from claims.models import Claim
from crosscheck.models import Finding
from tests.api.conftest import token_client
from tests.factories import ClaimFactory
from tests.seed_scenarios import copied_quote, lower_figure, recheck_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_api(reader):
    return token_client(reader)


@pytest.fixture
def factchecker_api(factchecker):
    return token_client(factchecker)


def check(api, claim: Claim) -> dict:
    response = api.get(f"/api/claims/{claim.pk}/check/")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_copied_quote_contests_the_claim_and_the_check_says_why(
    seed, reader_api, factchecker_api, django_capture_on_commit_callbacks
):
    recheck_everything()
    scenario = copied_quote(seed)
    recheck_everything()
    finding = Finding.objects.current().get(kind="misattribution")
    body = check(reader_api, scenario.claim)
    assert body["status"] == "contested"
    assert body["explanation"] == (
        "Contested: 1 conflict finding not dismissed puts its sources in doubt."
    )
    [contested] = [r for r in body["reasons"] if r["kind"] == "contested"]
    assert (contested["code"], contested["finding"]) == ("finding", finding.pk)
    held = [r for r in body["reasons"] if r["kind"] == "not_counted"]
    assert {(r["attribution"], r["code"], r["finding"]) for r in held} == {
        (scenario.original.pk, "conflict", finding.pk),
        (scenario.added.pk, "conflict", finding.pk),
    }
    assert {a["id"] for a in body["not_counted"]} == {scenario.original.pk, scenario.added.pk}
    assert scenario.added.pk not in {a["id"] for a in body["supporting"]}

    # Dismissed through the API: one piece of evidence, counted once.
    url = f"/api/findings/{finding.pk}/"
    connection._tracker_after_commit = {}
    with django_capture_on_commit_callbacks(execute=True):
        response = factchecker_api.patch(
            url, {"state": "dismissed"}, format="json", HTTP_IF_MATCH="*"
        )
    assert response.status_code == 200, response.content
    body = check(reader_api, scenario.claim)
    assert body["status"] == "single_source"
    [copy] = [r for r in body["reasons"] if r["kind"] == "not_counted"]
    assert copy["code"] == "copy"
    assert (copy["attribution"], copy["copy_of"]) == (scenario.added.pk, scenario.original.pk)
    assert "word for word under another source" in copy["text"]
    [group] = [r for r in body["reasons"] if r["kind"] == "counted"]
    assert group["text"].startswith("Counted: Syrian Democratic Forces")


def test_a_lower_figure_is_contradicting_in_the_check(seed, reader_api):
    recheck_everything()
    scenario = lower_figure(seed)
    recheck_everything()
    body = check(reader_api, scenario.claim)
    assert body["status"] == "contested"
    assert [a["id"] for a in body["contradicting"]] == [scenario.added.pk]
    assert body["supporting"] == []
    figures = next(r for r in body["reasons"] if r["code"] == "figures")
    assert figures["attribution"] == scenario.added.pk
    assert figures["figures"] == [["At least four", "three"]]
    assert {r["code"] for r in body["reasons"] if r["kind"] == "contested"} == {
        "figures",
        "finding",
    }


@pytest.mark.parametrize("status", Claim.Status.values)
def test_the_status_filter_takes_every_status(reader_api, status):
    claims = {value: ClaimFactory(status=value) for value in Claim.Status.values}
    response = reader_api.get(f"/api/claims/?status={status}")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [claims[status].pk]


def test_an_unknown_status_is_a_400_naming_the_parameter(reader_api):
    response = reader_api.get("/api/claims/?status=doubtful")
    assert response.status_code == 400
    assert "status" in response.json()
