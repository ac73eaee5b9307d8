"""Token authentication that counts failures per address: guessing tokens is stopped as
guessing passwords is (``TRACKER_TOKEN_FAILURE_LIMIT`` invalid tokens from one address
within ``TRACKER_LOGIN_LOCKOUT_MINUTES``, then 429 with ``Retry-After`` for every token
request from it until the window ends). Counts live in the default cache."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class CountingTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        limit = settings.TRACKER_TOKEN_FAILURE_LIMIT
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not limit or not header.lower().startswith(self.keyword.lower() + " "):
            return super().authenticate(request)
        key = f"tracker:token-failures:{_address(request)}"
        window = settings.AXES_COOLOFF_TIME.total_seconds()
        if cache.get(key, 0) >= limit:
            raise Throttled(
                wait=window,
                detail="Too many invalid tokens from this address; try again later.",
            )
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            cache.add(key, 0, timeout=window)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)
            raise
