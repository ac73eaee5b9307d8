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


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_counts_are_two_integers_and_the_window_slides(reader, settings, monkeypatch):
    """A sliding-window counter: the previous minute's requests count for the share of
    the sliding minute still inside it, and the cache holds integers, not lists."""
    from access.throttling import CountingThrottle

    clock = Clock(6_000_000.0)  # the start of a minute
    monkeypatch.setattr(CountingThrottle, "timer", staticmethod(clock))
    settings.TRACKER_THROTTLE_RATES = {"burst": "4/min"}
    api = token_client(reader)
    assert [api.get("/api/outlets/").status_code for _ in range(5)] == [200] * 4 + [429]
    stored = cache.get(f"throttle_burst_{reader.pk}:{int(clock.now // 60)}")
    assert stored == 4  # refused requests are not counted
    # A quarter into the next minute, the 4 of the last one weigh 3: one more request.
    clock.now += 75
    assert api.get("/api/outlets/").status_code == 200
    refused = api.get("/api/outlets/")
    assert refused.status_code == 429
    # 1 + 4 * (1 - f) falls below 4 at f = 1/4 ... already past: the wait is until the
    # next window's share makes room, and at least a second.
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Two minutes on, the old counts are out of the window.
    clock.now += 120
    assert [api.get("/api/outlets/").status_code for _ in range(4)] == [200] * 4


def test_retry_after_is_when_the_sliding_count_falls_below_the_rate(reader, settings, monkeypatch):
    from access.throttling import CountingThrottle

    clock = Clock(6_000_000.0)
    monkeypatch.setattr(CountingThrottle, "timer", staticmethod(clock))
    settings.TRACKER_THROTTLE_RATES = {"burst": "10/min"}
    api = token_client(reader)
    assert {api.get("/api/outlets/").status_code for _ in range(10)} == {200}
    clock.now += 30  # half the minute gone; all 10 in this window
    refused = api.get("/api/outlets/")
    # Next minute, 10 * (1 - f) < 10 as soon as f > 0: 30 s from now.
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30
    clock.now += 31  # one second into the minute after: 10 * (59/60) ≈ 9.8, below 10
    assert api.get("/api/outlets/").status_code == 200
    refused = api.get("/api/outlets/")
    # Now 1 + 10 * (1 - f) < 10 needs f > 0.1: 6 s into the minute, 5 s from now.
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 5


def test_counts_in_a_shared_redis_cache(reader, settings, monkeypatch):
    """On the machine's Redis (as with CACHE_URL): the counters are Redis integers,
    incremented atomically, with the expiry of two windows."""
    import uuid

    from django.core.cache.backends.redis import RedisCache

    from access.throttling import CountingThrottle
    from tests.tasks.conftest import need_redis

    need_redis()
    shared = RedisCache(
        "redis://127.0.0.1:6379/9", {"KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}"}
    )
    monkeypatch.setattr(CountingThrottle, "cache", shared)
    clock = Clock(6_000_000.0)
    monkeypatch.setattr(CountingThrottle, "timer", staticmethod(clock))
    settings.TRACKER_THROTTLE_RATES = {"burst": "3/min"}
    api = token_client(reader)
    try:
        assert [api.get("/api/outlets/").status_code for _ in range(4)] == [200] * 3 + [429]
        key = f"throttle_burst_{reader.pk}:{int(clock.now // 60)}"
        assert shared.get(key) == 3
        stored = shared.make_and_validate_key(key)
        assert 60 < shared._cache.get_client(stored).ttl(stored) <= 120
    finally:
        shared.clear()
