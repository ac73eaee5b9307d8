"""What an API token authenticates as, kept in the cache so that a request costs no query
for it.

Without this, every token request reads the token with its user (one query) and the
user's permissions (two more: ``RolePermission`` asks ``user.has_perms``). With
``TRACKER_AUTH_CACHE_SECONDS`` above 0, the first request with a token stores the token row,
its user and the user's permissions (Django's own per-object permission caches, filled)
under the token's prefix in the default cache; later requests take them from there.

Every change that could alter what a cached token may do replaces its entry with a
*tombstone*, at once and again when the change commits:

- the token revoked (``access.services.token_revoke``);
- its user saved (password, deactivation, superuser flag: any save) or deleted;
- the user's groups or own permissions changed;
- a group, a group's permissions or a permission changed (every token).

A request that finds a tombstone reads the database and may not store what it read
(``cache.add`` never replaces an entry) until the tombstone expires
(``TOMBSTONE_SECONDS`` after the commit): a request that read the account just before a
change committed cannot put the old state back. Expiry needs no invalidation: it is
checked at every request against the cached expiry date. A change made behind Django's
back (raw SQL, ``QuerySet.update`` on users) is seen when the entry expires, after at most
``TRACKER_AUTH_CACHE_SECONDS``.

The cache must be shared by every process that serves the API (``CACHE_URL``): a change
made in one process has to reach the entries the others read, and a process invalidates
whenever the cache is shared, whether or not it caches itself. That is why the setting
defaults to 0 (off) without ``CACHE_URL``; a single-process server may turn it on.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from access import roles
from access.models import ApiToken

KEY = "tracker:credentials:{prefix}"
TOMBSTONE = "changed"
# How long after a change (and after its commit) its tokens' entries may not be stored
# again: longer than any request takes between reading a token and storing it.
TOMBSTONE_SECONDS = 30


def enabled() -> bool:
    return settings.TRACKER_AUTH_CACHE_SECONDS > 0


def _may_hold_entries() -> bool:
    """Whether the cache may hold credentials: this process caches them, or the cache is
    shared with processes that may (a command changing a user, say). Otherwise there is
    nothing to invalidate, and no query is run for it (migrations run with the token
    table absent)."""
    return enabled() or settings.CACHE_IS_SHARED


def _key(prefix: str) -> str:
    return KEY.format(prefix=prefix)


def cached_token(prefix: str) -> ApiToken | None:
    """The token stored for ``prefix`` (with its user and the user's permissions), or
    None when there is none, caching is off, or the entry was invalidated."""
    if not enabled():
        return None
    value = cache.get(_key(prefix))
    return value if isinstance(value, ApiToken) else None


def remember(token: ApiToken) -> None:
    """Store ``token`` (just authenticated) with its user, the user's permissions and
    whether they are an editor, so that the next request needs no query for them. Never
    replaces an entry: a tombstone stays until it expires."""
    if not enabled():
        return
    user = token.user
    # Fills ModelBackend's caches on the user object (_perm_cache and the two it is made
    # of), which travel with it into the cache: has_perm then runs no query.
    user.get_all_permissions()
    roles.is_editor(user)
    cache.add(_key(token.prefix), token, timeout=settings.TRACKER_AUTH_CACHE_SECONDS)


def forget(prefixes: Iterable[str]) -> None:
    """Invalidate the entries of these tokens now and again when the current transaction
    commits (at once outside one)."""
    if not _may_hold_entries():
        return
    keys = [_key(prefix) for prefix in prefixes]
    if not keys:
        return

    def bury() -> None:
        cache.set_many(dict.fromkeys(keys, TOMBSTONE), timeout=TOMBSTONE_SECONDS)

    bury()
    transaction.on_commit(bury)


def forget_users(user_ids: Iterable[int]) -> None:
    """Invalidate the entries of every token of these users."""
    ids = [pk for pk in user_ids if pk is not None]
    if ids and _may_hold_entries():
        forget(ApiToken.objects.filter(user_id__in=ids).values_list("prefix", flat=True))


def forget_all() -> None:
    """Invalidate every token's entry (a group or a permission changed). Revoked tokens
    are left out: their entry was buried when they were revoked, and a revoked token is
    never stored again."""
    if _may_hold_entries():
        forget(ApiToken.objects.unrevoked().values_list("prefix", flat=True))
