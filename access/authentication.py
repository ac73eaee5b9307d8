"""API token authentication (``Authorization: Token trk_<prefix>_<secret>``).

A key is looked up by its prefix (one query, the user with it) and checked against the
stored SHA-256 digest in constant time; the key itself is stored nowhere. A key of the
older 40-hexadecimal form, moved from Django REST framework's authtoken by a migration, is
looked up by its digest. Revoked and expired tokens are refused with a 401 that says so.

What a token authenticates as (the token, its user and the user's permissions) is kept in
the cache between requests when ``TRACKER_AUTH_CACHE_SECONDS`` is above 0; every change
that matters invalidates it at once (``access/credentials.py``).

Failures are counted per address: guessing tokens is stopped as guessing passwords is
(``TRACKER_TOKEN_FAILURE_LIMIT`` invalid tokens from one address within
``TRACKER_LOGIN_LOCKOUT_MINUTES``, then 429 with ``Retry-After`` for every token request
from it until the window ends). Counts live in the default cache.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, Throttled

from access import credentials
from access.models import ApiToken, AuthEvent, is_legacy_key, key_digest, key_prefix
from access.services import auth_event_record, client_address, token_refused, token_touch

INVALID = "Invalid token."


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates ``Authorization: Token <key>`` against ``access.ApiToken``."""

    keyword = "Token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) == 1:
            raise AuthenticationFailed("Invalid token header: no key given.")
        if len(header) > 2:
            raise AuthenticationFailed("Invalid token header: the key contains spaces.")
        try:
            key = header[1].decode()
        except UnicodeError:
            raise AuthenticationFailed(INVALID) from None
        return self.authenticate_credentials(key, request)

    def authenticate_credentials(self, key: str, request):
        prefix = key_prefix(key)
        token = credentials.cached_token(prefix) if prefix is not None else None
        from_cache = token is not None
        if token is None:
            token = self.find(key)
        elif not token.matches(key):
            token = None
        if token is None:
            raise AuthenticationFailed(INVALID)
        now = timezone.now()
        if token.revoked_at is not None:
            token_refused(token=token, request=request, why="revoked")
            raise AuthenticationFailed(
                f"This token was revoked on {timezone.localtime(token.revoked_at):%Y-%m-%d}; "
                "ask for a new one."
            )
        if token.expires_at is not None and token.expires_at <= now:
            token_refused(token=token, request=request, why="expired")
            raise AuthenticationFailed(
                f"This token expired on {timezone.localtime(token.expires_at):%Y-%m-%d}; "
                "ask for a new one."
            )
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        token_touch(token=token, request=request, cached=from_cache)
        if not from_cache:
            credentials.remember(token)
        return (token.user, token)

    @staticmethod
    def find(key: str) -> ApiToken | None:
        """The token whose key ``key`` is, or None. A prefix or a digest of the table is
        not a key: the one fails the key's form, the other the digest comparison."""
        tokens = ApiToken.objects.select_related("user")
        prefix = key_prefix(key)
        try:
            if prefix is not None:
                token = tokens.get(prefix=prefix)
                return token if token.matches(key) else None
            if is_legacy_key(key):
                return tokens.get(digest=key_digest(key))
        except ApiToken.DoesNotExist:
            pass
        return None

    def authenticate_header(self, request) -> str:
        return self.keyword


class CountingTokenAuthentication(ApiTokenAuthentication):
    """Token authentication that counts failures per address and refuses an address with
    too many (429) until the window ends; reaching the limit is recorded as a lockout."""

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
                failures = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=window)
                failures = 1
            if failures == limit:
                auth_event_record(
                    kind=AuthEvent.Kind.LOCKOUT,
                    request=request,
                    address=client_address(request),
                    detail=(
                        f"{limit} invalid API tokens from this address: its token requests "
                        "are refused until the window ends."
                    ),
                )
            raise
