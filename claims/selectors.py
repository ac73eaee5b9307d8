"""Reads of claims and attributions that several places share (the pages, the API, the
admin): each written once, so that every place shows the same rows in the same order."""

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from claims.models import Attribution
from sources.models import Source


def source_statements(source: Source, *, newest_first: bool = False) -> QuerySet[Attribution]:
    """The source's statements across articles in time order: by when each was said, else
    when its article was published; then by the article's publication, the article, the
    place in its text. Oldest first, or the newest first; undated statements come last
    either way.

    Each row has its article, source, claim and recipient (``with_selectors``), and its
    ``said_date`` (the date it is ordered by; None when undated).
    """

    def by(field: str):
        expression = F(field)
        return expression.desc(nulls_last=True) if newest_first else expression.asc(nulls_last=True)

    return (
        Attribution.objects.with_selectors()
        .filter(source=source)
        .annotate(said_date=Coalesce("said_on", TruncDate("article__published_at")))
        .order_by(*map(by, ("said_date", "article__published_at", "article_id", "start", "id")))
    )
