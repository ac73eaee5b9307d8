"""Every list endpoint runs the same, bounded number of queries for one row and for a full
page of rows, and the large collections never COUNT(*). All data is invented."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    MetadataSpanFactory,
    OrganizationFactory,
    OutletFactory,
    ReviewFactory,
    SourceAliasFactory,
    SourceFactory,
    SourceIdentifierFactory,
    UserFactory,
)

PAGE = 30


@pytest.fixture
def reader_api(reader_api):
    """The reader's token client, used once: a token's first request also writes its last
    use and a "token used" event (``access.services.token_touch``). Later requests, within
    the minute, authenticate in one query, which the budgets below count."""
    assert reader_api.get("/api/").status_code == 200
    return reader_api


def make_outlets(n: int) -> str:
    OutletFactory.create_batch(n)
    return "/api/outlets/"


def make_articles(n: int) -> str:
    for _ in range(n):
        ArticleFactory(outlet=OutletFactory(), origin_outlet=OutletFactory())
    return "/api/articles/"


def make_sources(n: int) -> str:
    for _ in range(n):
        source = SourceFactory(affiliation=OrganizationFactory())
        SourceAliasFactory(source=source)
        SourceAliasFactory(source=source)
        SourceIdentifierFactory(source=source)
        SourceIdentifierFactory(source=source, scheme="wikidata", value=f"Q{source.pk}")
    return "/api/sources/?kind=person"


def make_metadata_spans(n: int) -> str:
    for _ in range(n):
        MetadataSpanFactory(article=ArticleFactory(), outlet=OutletFactory())
    return "/api/metadata-spans/"


def make_claims(n: int) -> str:
    for _ in range(n):
        AttributionFactory(claim=ClaimFactory())
    return "/api/claims/"


def make_attributions(n: int) -> str:
    for _ in range(n):
        AttributionFactory(
            article=ArticleFactory(outlet=OutletFactory()),
            source=SourceFactory(affiliation=OrganizationFactory()),
            recipient=OutletFactory(),
        )
    return "/api/attributions/"


def make_claim_relations(n: int) -> str:
    ClaimRelationFactory.create_batch(n)
    return "/api/claim-relations/"


def make_reviews(n: int) -> str:
    for _ in range(n):
        ReviewFactory(reviewer=UserFactory())
    return "/api/reviews/"


def make_article_attributions(n: int) -> str:
    article = ArticleFactory()
    for _ in range(n):
        AttributionFactory(article=article, source=SourceFactory(), recipient=OutletFactory())
    return f"/api/articles/{article.pk}/attributions/"


def make_source_statements(n: int) -> str:
    source = SourceFactory(affiliation=OrganizationFactory())
    for _ in range(n):
        AttributionFactory(article=ArticleFactory(outlet=OutletFactory()), source=source)
    return f"/api/sources/{source.pk}/statements/"


def make_claim_attributions(n: int) -> str:
    claim = ClaimFactory()
    for _ in range(n):
        AttributionFactory(claim=claim, article=ArticleFactory(), source=SourceFactory())
    return f"/api/claims/{claim.pk}/attributions/"


# Each list: how to make n rows (returning its URL), and its query budget.
LISTS: dict[str, tuple[Callable[[int], str], int]] = {
    "outlets": (make_outlets, 4),
    "articles": (make_articles, 4),
    # Sources prefetch their aliases and their identifiers: one query each.
    "sources": (make_sources, 6),
    "metadata-spans": (make_metadata_spans, 4),
    "claims": (make_claims, 4),
    "attributions": (make_attributions, 4),
    "claim-relations": (make_claim_relations, 4),
    "reviews": (make_reviews, 4),
    "articles/{id}/attributions": (make_article_attributions, 5),
    "sources/{id}/statements": (make_source_statements, 6),
    "claims/{id}/attributions": (make_claim_attributions, 5),
}
CURSOR_PAGINATED = [name for name in LISTS if "{id}" not in name]


def with_page_size(url: str, size: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}page_size={size}"


def queries_for(api, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("name", list(LISTS))
def test_list_runs_the_same_bounded_queries_for_one_row_and_a_page(
    reader_api, django_assert_max_num_queries, name
):
    make, budget = LISTS[name]
    one = queries_for(reader_api, make(1))
    url = with_page_size(make(PAGE), PAGE)

    with django_assert_max_num_queries(budget):
        response = reader_api.get(url)
    many = queries_for(reader_api, url)

    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    if name == "claims/{id}/attributions":
        rows = [attribution for group in rows for attribution in group["attributions"]]
    assert len(rows) == PAGE
    assert len(one) == len(many), "\n".join(many)


@pytest.mark.parametrize("name", CURSOR_PAGINATED)
def test_cursor_paginated_list_never_counts_its_rows(reader_api, name):
    make, _budget = LISTS[name]
    url = with_page_size(make(3), 2)

    first_page = queries_for(reader_api, url)
    next_page = queries_for(reader_api, reader_api.get(url).json()["next"])

    assert not [sql for sql in first_page + next_page if "COUNT(*)" in sql.upper()]


@pytest.mark.parametrize(
    "url", ["/api/articles/", "/api/attributions/", "/api/articles/?q=bridge&status=draft"]
)
def test_article_and_attribution_lists_run_no_count_query(reader_api, world, url):
    assert not [sql for sql in queries_for(reader_api, url) if "COUNT(" in sql.upper()]
