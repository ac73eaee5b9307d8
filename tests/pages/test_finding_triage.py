"""Findings by severity, with an assignee, triaged in bulk; and where the page goes back
to after a triage. The archive is invented (tests/conftest.py)."""

import itertools
import re

import pytest
from django.urls import reverse

from crosscheck.models import Finding
from crosscheck.rules import SEVERITY
from crosscheck.services import findings_triage
from tests.pages.conftest import finding_of

pytestmark = pytest.mark.django_db

LIST = reverse("pages:finding-list")
BULK = reverse("pages:finding-bulk-triage")
RANK = {"high": 0, "medium": 1, "low": 2}


def ids_listed(content: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="finding-(\d+)"', content)]


def test_the_list_puts_the_most_severe_first_and_says_the_severity(factchecker_client, archive):
    content = factchecker_client.get(LIST).content.decode()
    listed = [Finding.objects.get(pk=pk) for pk in ids_listed(content)]

    ranks = [RANK[f.severity] for f in listed]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) > 1
    assert "high severity" in content
    for before, after in itertools.pairwise(listed):
        if RANK[before.severity] == RANK[after.severity]:
            assert before.pk > after.pk  # the newest first within a severity


def test_the_list_filters_by_severity_and_assignee(factchecker_client, factchecker, archive):
    high = set(
        Finding.objects.current()
        .filter(state="open")
        .of_severity("high")
        .values_list("id", flat=True)
    )
    content = factchecker_client.get(f"{LIST}?severity=high").content.decode()
    assert set(ids_listed(content)) == high

    drift = finding_of("quote_drift")
    findings_triage(findings=[drift], assignee=factchecker, user=factchecker)
    assert ids_listed(factchecker_client.get(f"{LIST}?assignee=me").content.decode()) == [drift.pk]
    unassigned = ids_listed(factchecker_client.get(f"{LIST}?assignee=none").content.decode())
    assert drift.pk not in unassigned
    assert unassigned


def test_several_findings_are_triaged_at_once(factchecker_client, factchecker, archive):
    chosen = list(Finding.objects.current().filter(state="open").order_by("id")[:3])

    response = factchecker_client.post(
        BULK,
        {
            "bulk-findings": [f.pk for f in chosen],
            "bulk-state": "dismissed",
            "bulk-assignee": str(factchecker.pk),
            "bulk-note": "Checked with the wire.",
            "next": LIST,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}#findings"
    for finding in chosen:
        finding.refresh_from_db()
        assert (finding.state, finding.assignee, finding.note) == (
            "dismissed",
            factchecker,
            "Checked with the wire.",
        )
        assert finding.triaged_by == factchecker
        assert finding.history.first().history_user == factchecker


def test_a_bulk_triage_with_nothing_to_change_changes_nothing(factchecker_client, archive):
    chosen = finding_of("quote_drift")
    before = Finding.objects.get(pk=chosen.pk)

    response = factchecker_client.post(
        BULK, {"bulk-findings": [chosen.pk], "next": LIST}, follow=True
    )

    assert "Choose a state, an assignee or a note" in response.content.decode()
    assert Finding.objects.get(pk=chosen.pk).updated_at == before.updated_at


def test_findings_go_only_to_fact_checkers_and_editors(reader, factchecker, archive):
    drift = finding_of("quote_drift")
    with pytest.raises(Exception, match="fact-checker or editor"):
        findings_triage(findings=[drift], assignee=reader, user=factchecker)
    drift.refresh_from_db()
    assert drift.assignee is None


def test_a_reader_cannot_triage_in_bulk(reader_client, archive):
    drift = finding_of("quote_drift")
    response = reader_client.post(BULK, {"bulk-findings": [drift.pk], "bulk-state": "dismissed"})
    assert response.status_code == 403
    drift.refresh_from_db()
    assert drift.state == "open"


def test_dismissing_from_the_open_list_goes_back_to_the_next_finding(factchecker_client, archive):
    listed = ids_listed(factchecker_client.get(LIST).content.decode())
    first, second = listed[0], listed[1]

    response = factchecker_client.post(
        reverse("pages:finding-detail", args=[first]),
        {"state": "dismissed", "note": "", "next": LIST, "after": f"finding-{second}"},
    )

    assert response["Location"] == f"{LIST}#finding-{second}"


def test_a_note_saved_from_the_list_goes_back_to_the_finding(factchecker_client, archive):
    listed = ids_listed(factchecker_client.get(LIST).content.decode())
    first, second = listed[0], listed[1]

    response = factchecker_client.post(
        reverse("pages:finding-detail", args=[first]),
        {"state": "open", "note": "Asked the desk.", "next": LIST, "after": f"finding-{second}"},
    )

    assert response["Location"] == f"{LIST}#finding-{first}"


def test_every_kind_of_finding_has_a_severity():
    assert set(SEVERITY) == set(Finding.Kind.values)


def test_the_dashboard_counts_open_findings_by_severity(factchecker_client, archive):
    content = factchecker_client.get(reverse("pages:dashboard")).content.decode()
    for severity in ("high", "medium", "low"):
        count = Finding.objects.current().filter(state="open").of_severity(severity).count()
        assert f"{severity}: {count}</a>" in content
