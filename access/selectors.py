"""Reads that every app shares: query building blocks with no model of their own."""

from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def subquery_count(
    model: type[models.Model], fk: str, *, distinct: str | None = None, **filters
) -> Coalesce:
    """The number of ``model`` rows whose ``fk`` points at each row (0 for none), as an
    annotation; with ``distinct``, the number of different values of that field among them
    (``distinct="article"``: in how many articles). ``filters`` narrow the rows counted.

    A subquery rather than a ``Count`` join, so that two counts over different relations do
    not multiply each other's rows, and a later filter through a relation does not change
    the count.
    """
    counted = Count(distinct, distinct=True) if distinct else Count("pk")
    rows = (
        model._default_manager.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=counted)
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)
