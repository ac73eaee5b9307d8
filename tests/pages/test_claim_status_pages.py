"""The pages say why a claim has its status: the claim page near the status, the claim list
and the dashboard by every status. The seed plus one invented article each
(``tests/seed_scenarios``)."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from claims.models import Claim
from crosscheck.models import Finding
from crosscheck.services import finding_triage
from tests.factories import ClaimFactory
from tests.pages.test_claim_page import claim_page, section
from tests.seed_scenarios import copied_quote, lower_figure, recheck_everything

pytestmark = pytest.mark.django_db

CLAIMS = reverse("pages:claim-list")
DASHBOARD = reverse("pages:dashboard")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def capture():
        connection._tracker_after_commit = {}
        return django_capture_on_commit_callbacks(execute=True)

    return capture


def header(content: str) -> str:
    start = content.index('<header class="page-header">')
    return content[start : content.index("</header>", start)]


def text_of(html: str) -> str:
    """The words of an HTML fragment, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_copied_quote_is_not_corroborated_and_the_page_says_why(
    factchecker_client, factchecker, seed, committed
):
    recheck_everything()
    scenario = copied_quote(seed)
    recheck_everything()
    finding = Finding.objects.current().get(kind="misattribution")
    content = claim_page(factchecker_client, scenario.claim)
    assert '<span class="status status-contested">contested</span>' in header(content)
    assert "1 conflict finding not dismissed puts its sources in doubt" in header(content)
    why = text_of(section(content, "groups"))
    assert "Why it is contested" in why
    assert f"Finding #{finding.pk} (misattribution, open: Near-identical quote (100%)" in why
    assert f"#{scenario.added.pk} (Karim Invented) is not counted while finding" in why
    assert f"#{scenario.original.pk} (Adnan Afrin) is not counted while finding" in why
    assert reverse("pages:finding-detail", args=[finding.pk]) in section(content, "groups")
    assert scenario.added.text not in section(content, "supporting")
    assert "Karim Invented" in section(content, "not-counted")

    with committed():
        finding_triage(finding=finding, state="dismissed", user=factchecker)
    content = claim_page(factchecker_client, scenario.claim)
    assert '<span class="status status-single_source">single source</span>' in header(content)
    why = text_of(section(content, "groups"))
    assert (
        f"#{scenario.added.pk} (Karim Invented) is not counted: it repeats "
        f"#{scenario.original.pk} (Adnan Afrin) word for word under another source" in why
    )
    compare = f"?a={scenario.original.pk}&amp;b={scenario.added.pk}"
    assert compare in section(content, "groups")
    supporting = section(content, "supporting")
    assert "Adnan Afrin" in supporting
    assert "Karim Invented" not in supporting


def test_a_lower_figure_is_listed_as_contradicting_with_the_figures(factchecker_client, seed):
    recheck_everything()
    scenario = lower_figure(seed)
    recheck_everything()
    content = claim_page(factchecker_client, scenario.claim)
    assert "status-contested" in header(content)
    assert "1 attribution gives a figure that cannot hold with the claim" in text_of(
        header(content)
    )
    contradicting = section(content, "contradicting")
    assert "three SDF fighters were killed" in contradicting
    assert "Figures that cannot hold with the claim" in contradicting
    assert "three SDF fighters were killed" not in section(content, "supporting")
    why = text_of(section(content, "groups"))
    assert (
        f"#{scenario.added.pk} (Lina Invented) says “three” where the claim says "
        "“At least four”: the figures cannot both hold." in why
    )
    assert "numeric conflict, open: Figures that cannot both hold" in why


def dashboard_card(content: str, status: str) -> str:
    card = content[content.index(f'id="claims-{status}-title"') :]
    return card[: card.index("</section>")]


def test_the_dashboard_moves_the_lower_figure_claim_to_the_contested_card(factchecker_client, seed):
    recheck_everything()
    claim = Claim.objects.get(text__startswith="At least four SDF fighters")
    url = reverse("pages:claim-detail", args=[claim.pk])
    content = factchecker_client.get(DASHBOARD).content.decode()
    assert url in dashboard_card(content, "anonymous_only")
    assert url not in dashboard_card(content, "contested")
    lower_figure(seed)
    recheck_everything()
    content = factchecker_client.get(DASHBOARD).content.decode()
    assert url in dashboard_card(content, "contested")
    assert url not in dashboard_card(content, "anonymous_only")
    assert f'href="{CLAIMS}?status=contested"' in dashboard_card(content, "contested")


def test_the_dashboard_counts_every_status_and_links_the_claim_list(factchecker_client):
    for status, n in (("contested", 2), ("corroborated", 1), ("unsupported", 3)):
        for _ in range(n):
            ClaimFactory(status=status)
    content = factchecker_client.get(DASHBOARD).content.decode()
    card = content[content.index('id="claim-statuses-title"') :]
    card = card[: card.index("</section>")]
    for status, label, count in (
        ("contested", "contested", 2),
        ("corroborated", "corroborated", 1),
        ("single_source", "single source", 0),
        ("anonymous_only", "anonymous sources only", 0),
        ("unsupported", "unsupported", 3),
    ):
        assert (
            f'<a href="{CLAIMS}?status={status}"><span class="status status-{status}">'
            f'{label}</span></a> <span class="count">{count}</span>' in card
        )


@pytest.mark.parametrize("status", Claim.Status.values)
def test_the_claim_list_filters_by_every_status(factchecker_client, status):
    claims = {
        value: ClaimFactory(status=value, text=f"Invented {value} claim")
        for value in Claim.Status.values
    }
    content = factchecker_client.get(f"{CLAIMS}?status={status}").content.decode()
    shown = re.findall(r'<a href="/claims/(\d+)/">', content)
    assert shown == [str(claims[status].pk)]
    assert re.search(f'value="{status}"[^>]*checked', content)
    assert "1 claim match" in content


def test_the_claim_list_takes_several_statuses_and_words(factchecker_client):
    contested = ClaimFactory(status="contested", text="The invented dam failed.")
    ClaimFactory(status="contested", text="The invented ferry sank.")
    single = ClaimFactory(status="single_source", text="The invented dam held.")
    ClaimFactory(status="corroborated", text="The invented dam was inspected.")
    content = factchecker_client.get(
        f"{CLAIMS}?status=contested&status=single_source&q=dam"
    ).content.decode()
    shown = re.findall(r'<a href="/claims/(\d+)/">', content)
    assert sorted(shown) == sorted([str(contested.pk), str(single.pk)])


def test_the_claim_list_shows_an_invalid_status_as_an_error(factchecker_client):
    ClaimFactory(status="contested")
    content = factchecker_client.get(f"{CLAIMS}?status=doubtful").content.decode()
    assert "Correct the filters to see claims." in content
    assert "doubtful is not one of the available choices" in content


def test_the_claim_list_needs_a_login(client):
    assert client.get(CLAIMS).status_code == 302
