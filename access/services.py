"""Small helpers the apps' services share."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone

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
