"""A claim status a fact-checker can trust, in a real headless Chromium: on the seed plus
one invented article each, a quote credited word for word to an invented spokesman and a
lower figure than "at least four" leave their claims contested, and the claim page says
why near the status; dismissing the finding from there leaves the copy counted once.

Screenshots of both claim pages go to artifacts/screenshots/.
"""

import re

import pytest
from django.core.management import call_command

from access.roles import FACT_CHECKERS
from articles.models import Article
from claims.models import Claim
from crosscheck.models import Finding
from tests.browser.test_pages import assert_labelled, log_in
from tests.factories import UserFactory
from tests.seed_scenarios import THREE_KILLED, copied_quote, lower_figure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reported(live_server, settings):
    """The seed and both invented articles, each write rechecked when it commits (as on a
    running server), and a fact-checker."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    call_command("load_seed", verbosity=0)
    seed = Article.objects.get(headline__startswith="US-backed forces say ISIS")
    UserFactory(username="fiona", roles=[FACT_CHECKERS])
    return {"copied": copied_quote(seed), "lower": lower_figure(seed)}


def test_a_conflicting_figure_is_contradicting_and_the_page_says_why(
    page, live_server, reported, screenshot
):
    lower = reported["lower"]
    log_in(page, live_server)
    contested = page.locator("section", has=page.locator("#claims-contested-title"))
    anonymous = page.locator("section", has=page.locator("#claims-anonymous_only-title"))
    assert contested.get_by_role("link", name=lower.claim.text).is_visible()
    assert anonymous.get_by_role("link", name=lower.claim.text).count() == 0

    contested.get_by_role("link", name=lower.claim.text).click()
    page.wait_for_url(re.compile(rf"/claims/{lower.claim.pk}/$"))
    status = page.locator(".status-line")
    assert status.locator(".status-contested").is_visible()
    assert "cannot hold with the claim" in status.inner_text()
    why = page.locator("#groups")
    assert why.get_by_role("heading", name="Why it is contested").is_visible()
    assert why.get_by_text(
        f"#{lower.added.pk} (Lina Invented) says “three” where the claim says “At least four”"
    ).is_visible()
    assert page.locator("#contradicting").get_by_text(THREE_KILLED).is_visible()
    assert page.locator("#supporting").get_by_text(THREE_KILLED).count() == 0
    assert_labelled(page)
    screenshot(page, "claim-conflicting-figure", full_page=True)

    # The claim list filtered by the contested status holds both reported claims.
    page.get_by_role("link", name="Claims", exact=True).click()
    page.get_by_label("contested").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"/claims/\?.*status=contested"))
    results = page.locator("table.data")
    assert results.get_by_role("link", name=lower.claim.text).is_visible()
    assert results.get_by_role("link", name=reported["copied"].claim.text).is_visible()
    assert_labelled(page)


def test_a_copied_quote_is_not_corroborated_and_dismissing_counts_it_once(
    page, live_server, reported, screenshot
):
    copied = reported["copied"]
    finding = Finding.objects.current().get(kind="misattribution")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/claims/{copied.claim.pk}/")
    assert page.locator(".status-line .status-contested").is_visible()
    assert page.locator(".status-corroborated").count() == 0
    why = page.locator("#groups")
    assert why.get_by_text(f"#{copied.added.pk} (Karim Invented) is not counted while").is_visible()
    assert page.locator("#supporting").get_by_text("Karim Invented").count() == 0
    screenshot(page, "claim-copied-quote", full_page=True)

    # From the reason to the finding, dismissed, and back to the claim.
    why.get_by_role("link", name=f"finding #{finding.pk}").first.click()
    page.wait_for_url(re.compile(rf"/findings/{finding.pk}/"))
    page.get_by_role("button", name="Dismiss").click()
    page.wait_for_url(re.compile(rf"/claims/{copied.claim.pk}/"))
    assert page.locator(".status-line .status-single_source").is_visible()
    assert why.get_by_text(
        f"#{copied.added.pk} (Karim Invented) is not counted: it repeats "
        f"#{copied.original.pk} (Adnan Afrin) word for word under another source"
    ).is_visible()
    assert Claim.objects.get(pk=copied.claim.pk).status == Claim.Status.SINGLE_SOURCE
