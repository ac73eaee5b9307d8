"""The findings in the admin: ordered by severity, triaged in bulk by an editor."""

import pytest
from django.urls import reverse

from crosscheck.models import Finding
from tests.pages.conftest import finding_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:crosscheck_finding_changelist")


def test_an_editor_dismisses_and_takes_findings_in_bulk(editor_client, editor, archive):
    chosen = list(Finding.objects.current().filter(state="open").order_by("id")[:2])
    ids = [str(f.pk) for f in chosen]

    editor_client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": ids})
    response = editor_client.post(
        CHANGELIST, {"action": "dismiss", "_selected_action": ids}, follow=True
    )

    assert "2 findings changed." in response.content.decode()
    for finding in chosen:
        finding.refresh_from_db()
        assert (finding.state, finding.assignee) == ("dismissed", editor)


def test_the_list_shows_severity_and_filters_by_it(editor_client, archive):
    content = editor_client.get(f"{CHANGELIST}?severity=high").content.decode()

    assert finding_of("numeric_conflict").summary in content
    assert finding_of("quote_drift").summary not in content


def test_findings_are_never_added_by_hand(editor_client):
    assert editor_client.get(reverse("admin:crosscheck_finding_add")).status_code == 403
