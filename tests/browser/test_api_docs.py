"""The API docs render in a real Chromium under the site's Content-Security-Policy (no
inline script, scripts only from the site), with no policy violation reported."""

import pytest
from django.core.management import call_command

from access.roles import FACT_CHECKERS
from tests.browser.test_pages import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader_logged_in(page, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    call_command("load_seed", verbosity=0)
    UserFactory(username="fiona", roles=[FACT_CHECKERS])
    log_in(page, live_server)
    return page


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return found


def test_swagger_ui_lists_the_operations_under_the_policy(reader_logged_in, live_server):
    page = reader_logged_in
    violations = _violations(page)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() > 50
    assert violations == []


def test_redoc_shows_the_reference_under_the_policy(reader_logged_in, live_server):
    page = reader_logged_in
    violations = _violations(page)
    page.goto(f"{live_server.url}/api/redoc/")
    page.get_by_text("Claim tracker API").first.wait_for(timeout=20_000)
    # Redoc's bundle asks for its logo from its makers' CDN: the policy blocks it, as it
    # should (the docs need nothing from outside the site); nothing else is blocked.
    assert [v for v in violations if "cdn.redoc.ly" not in v] == []
