"""Rate limits: what one request's check costs, DRF's request-history throttle against the
sliding-window counter of ``access.throttling``, with 0, 2,000 and 20,000 requests of the
same user already in the window (the user limit is 20,000 an hour by default).

    DEBUG=1 .venv/bin/python bench/throttle.py                     # the default cache
    CACHE_URL=redis://127.0.0.1:6379/8 DEBUG=1 .venv/bin/python bench/throttle.py

Each cell is the median of 300 checks after the window was filled. The cache is cleared
before each measurement (use a Redis database of its own).
"""

import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from rest_framework.throttling import UserRateThrottle  # noqa: E402

from access.throttling import UserSustainedThrottle  # noqa: E402

RATE = "100000/hour"  # high enough that no check is refused


class _User:
    is_authenticated = True
    pk = 424242


class _Request:
    user = _User()


class HistoryThrottle(UserRateThrottle):
    """DRF's own: a list of every request's time, read and written whole each time."""

    rate = RATE


def median_ms(throttle_class, prior: int) -> float:
    cache.clear()
    throttle = throttle_class()
    for _ in range(prior):
        throttle.allow_request(_Request, None)
    times = []
    for _ in range(300):
        started = time.perf_counter()
        throttle.allow_request(_Request, None)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    settings.TRACKER_THROTTLE_RATES = {"user": RATE}
    print(f"cache: {settings.CACHES['default']['BACKEND']}")
    print("| requests in the window | DRF history | sliding-window counter |")
    for prior in (0, 2_000, 20_000):
        old, new = median_ms(HistoryThrottle, prior), median_ms(UserSustainedThrottle, prior)
        print(f"| {prior:,} | {old:.3f} ms | {new:.3f} ms |")


if __name__ == "__main__":
    main()
