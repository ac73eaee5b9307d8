"""A source's statements in one time order, for the source page, the API and the admin."""

import datetime

import pytest

from claims.selectors import source_statements
from tests.factories import ArticleFactory, AttributionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_statements_are_ordered_by_when_said_else_when_published():
    source = SourceFactory(name="Invented Harbour Master")

    def statement(said_on, published_on):
        published_at = (
            None
            if published_on is None
            else datetime.datetime.combine(published_on, datetime.time(12), tzinfo=datetime.UTC)
        )
        article = ArticleFactory(published_at=published_at)
        return AttributionFactory(article=article, source=source, said_on=said_on)

    undated = statement(None, None)
    late = statement(datetime.date(2031, 3, 5), None)
    published_between = statement(None, datetime.date(2031, 3, 3))
    early_published_later = statement(datetime.date(2031, 3, 1), datetime.date(2031, 3, 2))
    early_published_first = statement(datetime.date(2031, 3, 1), datetime.date(2031, 3, 1))
    AttributionFactory(said_on=datetime.date(2031, 3, 2))  # another source's

    oldest_first = [
        early_published_first,
        early_published_later,
        published_between,
        late,
        undated,
    ]
    found = list(source_statements(source))
    assert found == oldest_first
    assert found[2].said_date == datetime.date(2031, 3, 3)
    assert found[-1].said_date is None
    newest_first = [late, published_between, early_published_later, early_published_first]
    assert list(source_statements(source, newest_first=True)) == [*newest_first, undated]


def test_statements_of_one_article_are_in_text_order(django_assert_num_queries):
    source = SourceFactory()
    article = ArticleFactory(body="Ferry. " * 3)
    said = [
        AttributionFactory(source=source, article=article, text="Ferry.", start=7 * i, claim=None)
        for i in (2, 0, 1)
    ]

    with django_assert_num_queries(1):
        rows = list(source_statements(source))
        assert [row.start for row in rows] == [0, 7, 14]
        assert {row.article.pk for row in rows} == {article.pk}
    assert {row.pk for row in rows} == {row.pk for row in said}
