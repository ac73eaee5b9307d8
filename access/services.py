"""Small helpers the apps' services share, and the writes on access's own models: API
tokens (issue, revoke, note their use) and authentication events."""

import ipaddress
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from access import credentials, roles
from access.models import ApiToken, AuthEvent, key_digest, new_key, new_prefix

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Who asked for a write: the request's user, or None for system writes (commands, tests).
Actor = AbstractBaseUser | AnonymousUser | None


def acting_user(user: Actor) -> "User | None":
    """The user to record in history, or None for anonymous and system writes."""
    if user is not None and getattr(user, "is_authenticated", False):
        # An authenticated user is an AUTH_USER_MODEL instance: auth.User in this project.
        return cast("User", user)
    return None


def set_history_user(instance: models.Model, user: Actor) -> None:
    """Record ``user`` as the author of the history row the next save writes."""
    if acting_user(user) is not None:
        # simple_history reads this attribute; the model class does not declare it.
        setattr(instance, "_history_user", user)  # noqa: B010


def mark_reviewed(row, *, state: str, user: Actor) -> None:
    """Record an editor's verdict on a queued row (a merge or claim suggestion): its state,
    who and when, in the row's history."""
    row.state = state
    row.reviewed_by = acting_user(user)
    row.reviewed_at = timezone.now()
    set_history_user(row, user)
    row.save()


def apply_fields(instance: models.Model, data: Mapping[str, object]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)


# --- Authentication events ----------------------------------------------------------------


def client_address(request) -> str | None:
    """The address a request came from (``REMOTE_ADDR``, as the failure counts use), or
    None when it is missing or not an address."""
    value = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def auth_event_record(
    *,
    kind: str,
    request=None,
    user: "User | None" = None,
    username: str = "",
    address: str | None = None,
    token: ApiToken | None = None,
    detail: str = "",
) -> AuthEvent:
    """Record an authentication event. ``request`` gives the address and user agent (a
    command has none); ``username`` defaults to the user's. Nothing secret is passed in:
    callers give a username and a token, never a password or a key."""
    if user is not None and not username:
        username = user.get_username()
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return AuthEvent.objects.create(
        kind=kind,
        user=user,
        username=str(username)[: AuthEvent._meta.get_field("username").max_length],
        address=address if address is not None else client_address(request),
        user_agent=str(agent)[: AuthEvent._meta.get_field("user_agent").max_length],
        token=token,
        detail=detail[: AuthEvent._meta.get_field("detail").max_length],
    )


# --- API tokens ---------------------------------------------------------------------------

# The last use of a token is written at most this often, and a "token used" event recorded
# at most once an hour per token (and per address it is used from); counts in the default
# cache, as the failure counts.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
TOKEN_USED_EVENT_SECONDS = 3600
TOKEN_REFUSED_EVENT_SECONDS = 60


def token_expiry(days: int | None = None) -> datetime:
    """When a token issued now expires by default (``TRACKER_TOKEN_DAYS``)."""
    return timezone.now() + timedelta(days=days or settings.TRACKER_TOKEN_DAYS)


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the tracker's time zone: a token "expiring on" a
    date works until that day begins."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _who(actor: Actor) -> str:
    user = acting_user(actor)
    return f"by {user.get_username()}" if user is not None else "by a command"


@transaction.atomic
def token_issue(
    *,
    user: "User",
    name: str,
    expires_at: datetime | None,
    actor: Actor = None,
    request=None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``user`` and return it with its key, which is not stored and
    cannot be shown again. ``expires_at`` None issues a token that never expires (callers
    ask for that explicitly; ``token_expiry()`` is the default).

    Refused (``ValidationError``) for an inactive user, a user with no role, an expiry that
    has passed and a name the user's unrevoked tokens already have. An expired token of
    that name is revoked first: its name is free again.
    """
    now = timezone.now()
    name = name.strip()
    if not user.is_active:
        raise ValidationError({"user": f"The user {user.get_username()!r} is inactive."})
    if not roles.has_role(user):
        raise ValidationError(
            {"user": f"The user {user.get_username()!r} has no role; give them one first."}
        )
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    for stale in ApiToken.objects.unrevoked().filter(user=user, name=name, expires_at__lte=now):
        token_revoke(token=stale, reason="expired; its name went to a new token", actor=actor)
    for _ in range(5):
        prefix = new_prefix()
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    else:  # pragma: no cover - 36**8 prefixes
        raise ValidationError("No free token prefix; try again.")
    key = new_key(prefix)
    token = ApiToken(
        user=user,
        name=name,
        prefix=prefix,
        digest=key_digest(key),
        expires_at=expires_at,
        created_by=acting_user(actor),
    )
    token.full_clean()
    set_history_user(token, actor)
    token.save()
    expiry = f"expires {expires_at:%Y-%m-%d %H:%M %Z}" if expires_at else "never expires"
    auth_event_record(
        kind=AuthEvent.Kind.TOKEN_CREATED,
        request=request,
        user=user,
        token=token,
        detail=f"Token {token.shown_prefix} {name!r} issued {_who(actor)}; {expiry}.",
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, reason: str = "", actor: Actor = None, request=None) -> bool:
    """Revoke ``token`` for good; False when it was revoked already. ``reason`` defaults
    to who revoked it."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        token.revoked_at, token.revoked_reason = locked.revoked_at, locked.revoked_reason
        return False
    token.revoked_at = timezone.now()
    token.revoked_reason = (reason or f"revoked {_who(actor)}")[:200]
    set_history_user(token, actor)
    token.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
    credentials.forget([token.prefix])
    auth_event_record(
        kind=AuthEvent.Kind.TOKEN_REVOKED,
        request=request,
        user=token.user,
        token=token,
        detail=f"Token {token.shown_prefix} {token.name!r}: {token.revoked_reason}.",
    )
    return True


def tokens_revoke_for_user(*, user: "User", reason: str, actor: Actor = None, request=None) -> int:
    """Revoke every unrevoked token of ``user``; how many were revoked."""
    revoked = 0
    for token in ApiToken.objects.unrevoked().filter(user=user).select_related("user"):
        revoked += token_revoke(token=token, reason=reason, actor=actor, request=request)
    return revoked


def token_touch(*, token: ApiToken, request, cached: bool = False) -> None:
    """Note that ``token`` was just used: its last use written at most once a minute (or
    at once from an address not seen in the last hour), a "token used" event at most once
    an hour per token and on the first use from each address. ``cached``: the token comes
    from the credentials cache (``access/credentials.py``), with the last use it had when
    it was stored."""
    now = timezone.now()
    address = client_address(request)
    last = token.last_used_at
    new_address = (last is None or address != token.last_used_from) and cache.add(
        f"tracker:token-seen:{token.prefix}:{address}", True, TOKEN_USED_EVENT_SECONDS
    )
    due = last is None or now - last >= TOKEN_TOUCH_INTERVAL
    if due and cached:
        # The stored last use only grows older: a key in the shared cache keeps the write
        # to once a minute.
        due = cache.add(
            f"tracker:token-touched:{token.prefix}", True, TOKEN_TOUCH_INTERVAL.total_seconds()
        )
    if due or new_address:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address)
        token.last_used_at, token.last_used_from = now, address
    hourly = cache.add(f"tracker:token-used:{token.prefix}", True, TOKEN_USED_EVENT_SECONDS)
    if new_address or hourly:
        where = "first use from this address" if new_address else "in use"
        auth_event_record(
            kind=AuthEvent.Kind.TOKEN_USED,
            request=request,
            user=token.user,
            address=address,
            token=token,
            detail=f"Token {token.shown_prefix} {token.name!r}: {where}.",
        )


def token_refused(*, token: ApiToken, request, why: str) -> None:
    """Record that a revoked or expired token was sent: at most once a minute per token
    and address, however often it is sent."""
    address = client_address(request)
    if cache.add(
        f"tracker:token-refused:{token.prefix}:{address}", True, TOKEN_REFUSED_EVENT_SECONDS
    ):
        auth_event_record(
            kind=AuthEvent.Kind.TOKEN_REFUSED,
            request=request,
            user=token.user,
            address=address,
            token=token,
            detail=f"Token {token.shown_prefix} {token.name!r} refused: {why}.",
        )
