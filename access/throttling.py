"""API rate limits: DRF's throttles, with rates read from the settings at each request (so
they can be changed per deployment and per test) and a stricter scope for the expensive
operations.

- ``anon``: requests without credentials, per address (``TRACKER_THROTTLE_ANON``);
- ``user``: a logged-in user's sustained rate (``TRACKER_THROTTLE_USER``) and ``burst``
  (``TRACKER_THROTTLE_BURST``), per user;
- ``expensive``: operations that run the extractor, the quote index or an import, per user
  or address (``TRACKER_THROTTLE_EXPENSIVE``), on the views that set
  ``throttle_scope = "expensive"``.

A refused request is a 429 with ``Retry-After`` (seconds). An empty rate turns that limit
off. Counts live in the default cache: configure a shared cache (Redis, ``CACHE_URL``)
when several processes serve the API, or each counts on its own.

Each limit is a sliding-window counter (:class:`CountingThrottle`), not DRF's list of
every request's time: the requests of the current window and of the one before are two
integers in the cache, and the count used is the current window's plus the previous
one's share of the sliding window still inside it. A request reads both in one cache
round trip and adds one with an atomic increment, whatever the rate; DRF's list (20,000
times for a user at 20,000 an hour) was read, unpickled, rewritten and sent back whole on
every request.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

EXPENSIVE = "expensive"


def _rate(scope: str) -> str | None:
    return settings.TRACKER_THROTTLE_RATES.get(scope) or None


class CountingThrottle:
    """A sliding-window counter in place of DRF's request history (see the module help).
    Mixed into DRF's throttles, which still say whose requests are counted
    (``get_cache_key``) and at what rate."""

    cache = cache
    timer = staticmethod(time.time)
    num_requests: int
    duration: int

    def get_rate(self) -> str | None:
        """The scope's rate from the settings, read at each request."""
        return _rate(self.scope)  # type: ignore[attr-defined]

    def allow_request(self, request, view) -> bool:
        if self.rate is None:  # type: ignore[attr-defined]
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        now = self.timer()
        window = math.floor(now / self.duration)
        current, previous = f"{key}:{window}", f"{key}:{window - 1}"
        counts = self.cache.get_many([current, previous])
        self._counts = (counts.get(current, 0), counts.get(previous, 0))
        self._elapsed = now / self.duration - window  # share of the window gone, 0-1
        if self._estimate(self._elapsed) >= self.num_requests:
            return False
        # Two round trips in all: the read above and one write. The count is kept for the
        # window after its own too, where it is the previous window's count.
        if current not in counts and self.cache.add(current, 1, timeout=2 * self.duration):
            return True
        try:
            self.cache.incr(current)
        except ValueError:  # expired since it was read
            self.cache.add(current, 1, timeout=2 * self.duration)
        return True

    def _estimate(self, elapsed: float) -> float:
        current, previous = self._counts
        return current + previous * (1 - elapsed)

    def wait(self) -> float | None:
        """Seconds until a request would be allowed again."""
        current, previous = self._counts
        if current >= self.num_requests:
            # Next window: this one's count weighs 1 - f and must fall below the rate.
            later = 1 - self.num_requests / current
            return max(1.0, round((1 - self._elapsed + later) * self.duration, 3))
        if previous <= 0:
            return None
        # This window: current + previous * (1 - f) falls below the rate at f = 1 - room.
        room = (self.num_requests - current) / previous
        return max(1.0, round((1 - room - self._elapsed) * self.duration, 3))


class AnonThrottle(CountingThrottle, AnonRateThrottle):
    pass


class UserSustainedThrottle(CountingThrottle, UserRateThrottle):
    scope = "user"


class UserBurstThrottle(CountingThrottle, UserRateThrottle):
    scope = "burst"


class ExpensiveThrottle(CountingThrottle, UserRateThrottle):
    """Counts only the requests of views whose ``throttle_scope`` is ``"expensive"``, per
    user or address, as DRF's ScopedRateThrottle does."""

    scope = EXPENSIVE

    def get_cache_key(self, request, view):
        if getattr(view, "throttle_scope", None) != EXPENSIVE:
            return None
        return super().get_cache_key(request, view)
