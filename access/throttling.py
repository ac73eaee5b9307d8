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
off. Counts live in the default cache: configure a shared cache (Redis) when several
processes serve the API, or each counts on its own.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

EXPENSIVE = "expensive"


def _rate(scope: str) -> str | None:
    return settings.TRACKER_THROTTLE_RATES.get(scope) or None


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return _rate(self.scope)


class UserSustainedThrottle(UserRateThrottle):
    scope = "user"

    def get_rate(self):
        return _rate(self.scope)


class UserBurstThrottle(UserRateThrottle):
    scope = "burst"

    def get_rate(self):
        return _rate(self.scope)


class ExpensiveThrottle(ScopedRateThrottle):
    """Applies only to views whose ``throttle_scope`` is ``"expensive"``."""

    def get_rate(self):
        return _rate(self.scope)

    def allow_request(self, request, view):
        if getattr(view, "throttle_scope", None) != EXPENSIVE:
            return True
        return super().allow_request(request, view)
