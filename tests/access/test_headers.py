"""Security headers on every kind of page: the site's pages, the admin, the API and its
docs (production settings: the test settings are the production ones, with DEBUG off)."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/login/", "/admin/login/", "/api/", "/api/docs/", "/api/redoc/"]


@pytest.fixture
def responses(client, editor):
    # The login pages as a visitor sees them; the others logged in.
    found = {url: client.get(url, HTTP_ACCEPT="text/html") for url in PAGES if "login" in url}
    client.force_login(editor)
    found |= {url: client.get(url, HTTP_ACCEPT="text/html") for url in PAGES if url not in found}
    return found


@pytest.mark.parametrize("url", PAGES)
def test_content_security_policy_allows_no_inline_script(responses, url):
    assert responses[url].status_code == 200
    policy = responses[url]["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script.split() == ["'self'"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.parametrize("url", PAGES)
def test_pages_hold_no_inline_script(responses, url):
    body = responses[url].content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("url", PAGES)
def test_permissions_referrer_and_sniffing_headers(responses, url):
    response = responses[url]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
