"""Findings through the API: severity, assignee, and the filters for both."""

import pytest

from crosscheck.models import Finding
from tests.api.conftest import token_client
from tests.api.resources import make_finding

pytestmark = pytest.mark.django_db


def test_a_fact_checker_assigns_a_finding_and_filters_by_assignee(factchecker, world):
    finding = make_finding(world)
    api = token_client(factchecker)

    response = api.patch(
        f"/api/findings/{finding.pk}/", {"assignee": factchecker.pk}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == factchecker.pk
    assert response.json()["severity"] == finding.severity
    finding.refresh_from_db()
    assert finding.assignee == factchecker
    assert finding.state == "open"
    mine = api.get(f"/api/findings/?assignee={factchecker.pk}").json()["results"]
    assert [f["id"] for f in mine] == [finding.pk]
    assert api.get("/api/findings/?unassigned=true").json()["results"] == []


def test_a_finding_cannot_go_to_a_reader(factchecker, reader, world):
    finding = make_finding(world)

    response = token_client(factchecker).patch(
        f"/api/findings/{finding.pk}/", {"assignee": reader.pk}, format="json"
    )

    assert response.status_code == 400
    assert "assignee" in response.json()
    finding.refresh_from_db()
    assert finding.assignee is None


def test_findings_filter_by_severity(reader, world):
    finding = make_finding(world)
    api = token_client(reader)
    other = "low" if finding.severity != "low" else "high"

    same = api.get(f"/api/findings/?severity={finding.severity}").json()["results"]
    assert [f["id"] for f in same] == [finding.pk]
    assert api.get(f"/api/findings/?severity={other}").json()["results"] == []
    assert api.get("/api/findings/?severity=urgent").status_code == 400


def test_severity_is_set_by_the_rule(world):
    finding = make_finding(world)
    assert Finding.objects.of_severity(finding.severity).filter(pk=finding.pk).exists()
