"""Findings: the filterable list with each finding's evidence, and triage."""

import re

import pytest
from django.urls import reverse

from crosscheck.models import Finding
from tests.pages.conftest import finding_of

pytestmark = pytest.mark.django_db

LIST = reverse("pages:finding-list")


def triage_url(finding) -> str:
    return reverse("pages:finding-detail", args=[finding.pk])


def listed(client, query: str = "") -> str:
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200
    return response.content.decode()


def ids_listed(content: str) -> set[int]:
    return {int(i) for i in re.findall(r'<li id="finding-(\d+)"', content)}


def test_list_shows_open_findings_by_default(factchecker_client, archive):
    confirmed = finding_of("quote_drift")
    confirmed.state = "confirmed"
    confirmed.save()
    content = listed(factchecker_client)
    assert confirmed.pk not in ids_listed(content)
    open_ids = set(Finding.objects.current().filter(state="open").values_list("id", flat=True))
    assert ids_listed(content) == open_ids
    assert confirmed.pk in ids_listed(listed(factchecker_client, "?state=all"))
    assert ids_listed(listed(factchecker_client, "?state=confirmed")) == {confirmed.pk}


def test_list_filters_by_kind_article_source_and_claim(factchecker_client, archive):
    drift = finding_of("quote_drift")
    assert ids_listed(listed(factchecker_client, "?kind=quote_drift")) == {drift.pk}
    second = archive["articles"][1]
    by_article = ids_listed(listed(factchecker_client, f"?article={second.pk}"))
    assert drift.pk in by_article
    assert finding_of("numeric_conflict").pk in by_article
    assert finding_of("contradiction").pk not in by_article
    aalt = archive["sources"]["aalt"]
    by_source = ids_listed(listed(factchecker_client, f"?source={aalt.pk}"))
    assert finding_of("numeric_conflict").pk in by_source
    assert drift.pk not in by_source
    reopen = archive["claims"]["reopen"]
    assert finding_of("contradiction").pk in ids_listed(
        listed(factchecker_client, f"?claim={reopen.pk}")
    )


def test_an_invalid_filter_is_shown_not_ignored(factchecker_client, archive):
    content = listed(factchecker_client, "?kind=nonsense")
    assert "Select a valid choice." in content
    assert ids_listed(content) == set()


def test_quote_drift_shows_the_word_diff(factchecker_client, archive):
    drift = finding_of("quote_drift")
    content = listed(factchecker_client, "?kind=quote_drift")
    assert '<del><span class="visually-hidden">removed: </span>winter</del>' in content
    assert '<ins><span class="visually-hidden">added: </span>spring</ins>' in content
    a, b = sorted(drift.attributions.values_list("id", flat=True))
    assert f"{reverse('pages:compare')}?a={a}&amp;b={b}" in content


def test_numeric_conflict_shows_the_two_figures(factchecker_client, archive):
    content = listed(factchecker_client, "?kind=numeric_conflict")
    assert '<strong class="figure">at least four</strong>' in content
    assert '<strong class="figure">three</strong>' in content
    assert "at least four workers were injured" in content
    assert "three workers were injured" in content


def test_misattribution_shows_both_sources_and_the_diff(factchecker_client, archive):
    content = listed(factchecker_client, "?kind=misattribution")
    assert "Ilse Varnok" in content
    assert "Kasia Molder" in content
    assert "Word diff" in content


def test_contradiction_says_why(factchecker_client, archive):
    content = listed(factchecker_client, "?kind=contradiction")
    assert "recorded that these claims contradict each other" in content


def test_seed_findings_show_their_groups_and_attributions(factchecker_client, checked_seed):
    content = listed(factchecker_client, "?kind=anonymous_only")
    assert "Independent groups supporting the claim" in content
    assert "anonymous" in content
    content = listed(factchecker_client, "?kind=unattributed")
    assert "more than 10,000 civilians were evacuated" in content


@pytest.mark.parametrize("state", ["confirmed", "dismissed"])
def test_triage_confirms_or_dismisses_with_a_note(factchecker_client, factchecker, archive, state):
    finding = finding_of("quote_drift")
    back = f"{LIST}?kind=quote_drift&state=all"
    response = factchecker_client.post(
        triage_url(finding), {"state": state, "note": "Checked the recording.", "next": back}
    )
    assert response.status_code == 302
    assert response.url == f"{back}#finding-{finding.pk}"
    finding.refresh_from_db()
    assert finding.state == state
    assert finding.note == "Checked the recording."
    assert finding.triaged_by == factchecker
    page = factchecker_client.get(response.url).content.decode()
    assert f"Finding #{finding.pk} is {state}." in page
    assert "Checked the recording." in page


def test_saving_a_note_keeps_the_state(factchecker_client, archive):
    finding = finding_of("numeric_conflict")
    factchecker_client.post(triage_url(finding), {"state": "open", "note": "Asking the council."})
    finding.refresh_from_db()
    assert finding.state == "open"
    assert finding.note == "Asking the council."


def test_an_unknown_state_is_a_form_error_with_the_note_kept(factchecker_client, archive):
    finding = finding_of("numeric_conflict")
    response = factchecker_client.post(triage_url(finding), {"state": "burn", "note": "Kept"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Select a valid choice." in content
    assert "Kept</textarea>" in content
    finding.refresh_from_db()
    assert finding.state == "open"


def test_triage_ignores_a_next_url_on_another_host(factchecker_client, archive):
    finding = finding_of("numeric_conflict")
    response = factchecker_client.post(
        triage_url(finding), {"state": "confirmed", "next": "https://evil.example/"}
    )
    assert response.url == f"{triage_url(finding)}#finding-{finding.pk}"


def test_finding_page_shows_the_evidence_and_the_form(factchecker_client, archive):
    finding = finding_of("quote_drift")
    content = factchecker_client.get(triage_url(finding)).content.decode()
    assert '<h1 class="finding-title">' in content
    assert "winter" in content
    assert "spring" in content
    assert f'<label for="triage-note-{finding.pk}">' in content
