"""Rate limits on the API: 429 with Retry-After, per scope, as settings."""

import pytest
from django.core.cache import cache

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_a_user_over_the_burst_rate_gets_429_with_retry_after(reader, settings):
    settings.TRACKER_THROTTLE_RATES = {"burst": "3/min"}
    api = token_client(reader)
    codes = [api.get("/api/outlets/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = api.get("/api/outlets/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def test_anonymous_requests_are_limited_per_address(settings, client):
    settings.TRACKER_THROTTLE_RATES = {"anon": "2/min"}
    settings.TRACKER_PUBLIC_READING = True
    codes = [client.get("/api/outlets/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_expensive_operations_have_a_stricter_scope(reader, settings):
    settings.TRACKER_THROTTLE_RATES = {"expensive": "2/min", "burst": "100/min"}
    api = token_client(reader)
    payload = {"text": "The harbour will reopen next week, the mayor said."}
    codes = [api.post("/api/extract/", payload, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # Other operations are not counted against the expensive scope.
    assert api.get("/api/outlets/").status_code == 200


def test_an_empty_rate_turns_the_limit_off(reader, settings):
    settings.TRACKER_THROTTLE_RATES = {"burst": ""}
    api = token_client(reader)
    assert {api.get("/api/outlets/").status_code for _ in range(20)} == {200}
