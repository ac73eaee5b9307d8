"""Counting related rows in a subquery: one helper for the admin lists, the pages and the
API."""

import pytest

from access.selectors import subquery_count
from articles.models import Article
from claims.models import Attribution
from sources.models import Source
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_counts_rows_pointing_at_each_row_with_zero_for_none():
    busy, quiet = SourceFactory(), SourceFactory()
    article = ArticleFactory()
    AttributionFactory(source=busy, article=article)
    AttributionFactory(source=busy, article=article)
    AttributionFactory(source=busy)

    counted = Source.objects.annotate(
        n=subquery_count(Attribution, "source"),
        articles=subquery_count(Attribution, "source", distinct="article"),
    )

    assert {s.pk: (s.n, s.articles) for s in counted} == {busy.pk: (3, 2), quiet.pk: (0, 0)}


def test_filters_narrow_the_rows_counted():
    article = ArticleFactory()
    AnonymousSourceFactory(article=article)
    AnonymousSourceFactory(article=article)
    SourceFactory(kind=Source.Kind.GROUP, name="", description="some divers", article=article)

    counted = Article.objects.annotate(
        anonymous=subquery_count(Source, "article", kind=Source.Kind.ANONYMOUS),
        local=subquery_count(Source, "article"),
    ).get(pk=article.pk)

    assert (counted.anonymous, counted.local) == (2, 3)


def test_a_join_in_a_later_filter_does_not_multiply_the_count():
    source = SourceFactory()
    for _ in range(3):
        AttributionFactory(source=source, text="We will not rush it")

    counted = (
        Source.objects.annotate(n=subquery_count(Attribution, "source"))
        .filter(attributions__text__icontains="rush")
        .distinct()
        .get()
    )

    assert counted.n == 3
