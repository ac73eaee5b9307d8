"""The reads API consumers repeat most run a fixed number of queries, whatever the number of
rows: a single article, a page of 100 attributions, an article's attributions and a claim
check. With cached token credentials (``access/credentials.py``) the request itself costs
no query; without, three (the token with its user, the user's and the groups'
permissions). All data is invented."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from claims.models import ClaimRelation
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    OrganizationFactory,
    OutletFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# Queries of the request itself: none with cached credentials, three without.
AUTH = {"cached": 0, "uncached": 3}


@pytest.fixture(params=["cached", "uncached"])
def mode(request, settings):
    settings.TRACKER_AUTH_CACHE_SECONDS = 300 if request.param == "cached" else 0
    cache.clear()
    return request.param


@pytest.fixture
def reader_api(reader_api, mode):
    """The reader's token client after one request: its first use is written then (and
    its credentials cached, in the cached mode)."""
    assert reader_api.get("/api/").status_code == 200
    return reader_api


def make_article(n: int) -> str:
    article = ArticleFactory(outlet=OutletFactory(), origin_outlet=OutletFactory())
    for i in range(n):
        article.corrections.create(
            published_at=timezone.now(), what_changed=f"Invented correction {i}."
        )
    return f"/api/articles/{article.pk}/"


def make_attributions(n: int) -> str:
    article = ArticleFactory()
    for _ in range(n):
        AttributionFactory(
            article=article,
            source=SourceFactory(affiliation=OrganizationFactory()),
            recipient=OutletFactory(),
        )
    return "/api/attributions/?page_size=100"


def make_article_attributions(n: int) -> str:
    article = ArticleFactory()
    for _ in range(n):
        AttributionFactory(article=article, source=SourceFactory(), recipient=OutletFactory())
    return f"/api/articles/{article.pk}/attributions/"


def make_claim_check(n: int) -> str:
    claim = ClaimFactory()
    for i in range(n):
        article = ArticleFactory(outlet=OutletFactory())
        source = (
            AnonymousSourceFactory(article=article)
            if i % 3 == 1
            else SourceFactory(affiliation=OrganizationFactory())
        )
        AttributionFactory(claim=claim, article=article, source=source)
        ClaimRelationFactory(
            from_claim=ClaimFactory(), to_claim=claim, kind=ClaimRelation.Kind.CONTRADICTS
        )
    return f"/api/claims/{claim.pk}/check/"


# Each read: how to make n rows (returning its URL), its queries besides the request's.
READS = {
    "article": (make_article, 2),  # the article with its outlets; its corrections
    "attributions": (make_attributions, 1),
    "articles/{id}/attributions": (make_article_attributions, 2),  # the article; its rows
    # The claim, its attributions, relations, findings, two of sources (affiliations), the
    # contradicting claims.
    "claims/{id}/check": (make_claim_check, 7),
}


@pytest.mark.parametrize("name", list(READS))
@pytest.mark.parametrize("rows", [1, 100])
def test_a_read_runs_the_same_queries_for_one_row_and_a_hundred(
    reader_api, django_assert_num_queries, mode, name, rows
):
    make, queries = READS[name]
    url = make(rows)
    with django_assert_num_queries(queries + AUTH[mode]):
        response = reader_api.get(url)
    assert response.status_code == 200, response.content
    data = response.json()
    if name == "attributions":
        assert len(data["results"]) == rows
    elif name == "articles/{id}/attributions":
        assert len(data) == rows
    elif name == "article":
        assert len(data["corrections"]) == rows
    else:
        counted = data["supporting"] + data["not_counted"] + data["denying"]
        assert len(counted) == rows
        assert len(data["contradicting_claims"]) == rows
