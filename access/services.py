"""Small helpers the apps' services share."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

# Who asked for a write: the request's user, or None for system writes (commands, tests).
Actor = AbstractBaseUser | AnonymousUser | None


def acting_user(user):
    """The user to record in history, or None for anonymous and system writes."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def set_history_user(instance: models.Model, user) -> None:
    """Record ``user`` as the author of the history row the next save writes."""
    if acting_user(user) is not None:
        # simple_history reads this attribute; the model class does not declare it.
        setattr(instance, "_history_user", user)  # noqa: B010


def apply_fields(instance: models.Model, data: dict[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)
