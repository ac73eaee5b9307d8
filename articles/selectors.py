"""Reads of outlets and articles that several places share."""

from django.db.models import QuerySet, Value
from django.db.models.functions import Lower

from articles.models import Outlet


def outlets_named(name: str, *, using: str | None = None) -> QuerySet[Outlet]:
    """The outlet named ``name`` in any case, compared as the unique constraint on outlet
    names compares them (``LOWER``): at most one row. ``using``: the database to read."""
    return (
        Outlet.objects.db_manager(using)
        .alias(lower_name=Lower("name"))
        .filter(lower_name=Lower(Value(name)))
    )
