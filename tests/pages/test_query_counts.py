"""Every page runs a bounded number of queries whatever the data size: each is measured
with one row and with many, against the same budget. All data is invented.

The budgets include the session, the user and the user's permissions (4 queries for a
fact-checker). Each page is also checked to run exactly as many queries at both sizes,
so a query per row cannot hide under a generous budget.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crosscheck.index import postgres as postgres_index
from crosscheck.index import sqlite as sqlite_index
from crosscheck.models import Finding
from tests.factories import (
    AnonymousSourceFactory,
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

pytestmark = pytest.mark.django_db

SMALL = 1
_keys = count()


def new_finding(kind: str, **fields) -> Finding:
    return Finding.objects.create(kind=kind, key=f"test:{next(_keys)}", **fields)


SENTENCE = "Invented councillor number {i} said the harbour wall will hold this winter. "


def article_with_attributions(n: int):
    """One article with ``n`` attributions (anonymous, named and unattributed, the sources
    affiliated two levels deep), each with its claim, metadata span and finding."""
    sentences = [SENTENCE.format(i=i) for i in range(n)]
    body = "".join(sentences)
    article = ArticleFactory(body=body, outlet=OutletFactory(), origin_outlet=OutletFactory())
    board = OrganizationFactory(affiliation=OrganizationFactory())
    quote = "the harbour wall will hold this winter"
    offset = 0
    for i, sentence in enumerate(sentences):
        if i % 3 == 0:
            source = AnonymousSourceFactory(article=article, affiliation=board)
        elif i % 3 == 1:
            source = SourceFactory(affiliation=board)
        else:
            source = None
        attribution = AttributionFactory(
            article=article,
            source=source,
            kind="direct" if source else "unattributed",
            text=quote,
            start=offset + sentence.index(quote),
            recipient=OutletFactory(),
        )
        MetadataSpanFactory(article=article, text=f"number {i}", start=offset + 20)
        finding = new_finding(
            "unattributed",
        )
        finding.attributions.add(attribution)
        offset += len(sentence)
    return article


def reader(n: int) -> str:
    article = article_with_attributions(n)
    return reverse("pages:article-detail", args=[article.pk])


def source_page(n: int) -> str:
    board = OrganizationFactory(affiliation=OrganizationFactory())
    person = SourceFactory(affiliation=board)
    for i in range(n):
        SourceAliasFactory(source=person)
        SourceIdentifierFactory(source=person)
        SourceFactory(affiliation=person.affiliation)
        AttributionFactory(
            source=person,
            said_on=date(2031, 1, 1) + timedelta(days=i),
            article=ArticleFactory(published_at=datetime(2031, 1, 1, tzinfo=UTC)),
            recipient=OutletFactory(),
        )
        finding = new_finding(
            "single_source",
        )
        finding.sources.add(person)
        finding.claims.add(ClaimFactory())
    return reverse("pages:source-detail", args=[person.pk])


def source_list(n: int) -> str:
    for _ in range(n):
        source = SourceFactory(affiliation=OrganizationFactory(), role_type="official")
        SourceAliasFactory(source=source)
        SourceIdentifierFactory(source=source)
        SourceIdentifierFactory(source=source, scheme="twitter", value=f"@invented{source.pk}")
    return reverse("pages:source-list") + "?role_type=official&has_identifier=website"


def claim_page(n: int) -> str:
    claim = ClaimFactory()
    reviewer = UserFactory()
    for _i in range(n):
        board = OrganizationFactory(affiliation=OrganizationFactory())
        AttributionFactory(claim=claim, source=SourceFactory(affiliation=board))
        AttributionFactory(claim=claim, source=SourceFactory(), stance="denies")
        AttributionFactory(claim=claim, source=None, kind="unattributed")
        other = ClaimFactory()
        AttributionFactory(claim=other)
        ClaimRelationFactory(from_claim=claim, to_claim=other, kind="contradicts")
        ClaimRelationFactory(from_claim=ClaimFactory(), to_claim=claim, kind="supports")
        ReviewFactory(claim=claim, reviewer=reviewer, published_at=datetime(2031, 1, 1, tzinfo=UTC))
        finding = new_finding(
            "contradiction",
        )
        finding.claims.add(claim)
        # A conflict finding naming one of its attributions and one elsewhere.
        said = AttributionFactory(claim=claim, source=SourceFactory(), text="We will not rush it")
        conflict = new_finding("misattribution")
        conflict.attributions.add(said, AttributionFactory(claim=None))
        conflict.claims.add(claim)
    return reverse("pages:claim-detail", args=[claim.pk])


def claim_list(n: int) -> str:
    for i in range(n):
        claim = ClaimFactory(status=("contested", "single_source")[i % 2])
        AttributionFactory(claim=claim)
    return reverse("pages:claim-list") + "?status=contested&q=bridge"


def findings_list(n: int) -> str:
    kinds = ["quote_drift", "numeric_conflict", "misattribution", "single_source"]
    for i in range(n):
        a, b = AttributionFactory(), AttributionFactory()
        finding = new_finding(
            kinds[i % len(kinds)],
            details={
                "similarity": 80,
                "diff": [{"op": "replace", "old": ["four"], "new": ["three"]}],
                "conflicts": [{"figures": ["four", "three"]}],
                "groups": [{"label": "Invented group", "attribution_ids": [a.pk]}],
            },
            triaged_by=UserFactory(),
        )
        finding.attributions.add(a, b)
        finding.claims.add(a.claim)
        finding.sources.add(a.source)
    return reverse("pages:finding-list") + "?state=all"


def finding_page(n: int) -> str:
    finding = new_finding("single_source")
    for _ in range(n):
        a = AttributionFactory()
        finding.attributions.add(a)
        finding.claims.add(a.claim)
        finding.sources.add(a.source)
    return reverse("pages:finding-detail", args=[finding.pk])


def article_list(n: int) -> str:
    for _ in range(n):
        article = ArticleFactory(outlet=OutletFactory(), origin_outlet=OutletFactory())
        AnonymousSourceFactory(article=article)
    return reverse("pages:article-list") + "?q=bridge"


def dashboard(n: int) -> str:
    for _i in range(n):
        AttributionFactory(article=ArticleFactory(outlet=OutletFactory()))
        for status in ("contested", "single_source", "anonymous_only"):
            ClaimFactory(status=status)
        new_finding("unattributed")
        new_finding("quote_drift")
    return reverse("pages:dashboard")


def search(n: int) -> str:
    for _ in range(n):
        source = SourceFactory(name="Invented Ferryman", affiliation=OrganizationFactory())
        article = ArticleFactory(headline="Invented ferryman strike", outlet=OutletFactory())
        AttributionFactory(source=source, article=article, text="We will not rush it")
    return reverse("pages:search") + "?q=ferryman"


def compare(n: int) -> str:
    """Two attributions in an archive of ``n`` (sources affiliated two levels deep: the
    independence groups take one query per level, whatever the archive's size)."""
    board = OrganizationFactory(affiliation=OrganizationFactory())
    rows = [AttributionFactory(source=SourceFactory(affiliation=board)) for _ in range(n + 1)]
    return f"{reverse('pages:compare')}?a={rows[0].pk}&b={rows[-1].pk}"


def quote_check(n: int) -> str:
    for _ in range(n):
        AttributionFactory(source=SourceFactory(affiliation=OrganizationFactory()))
    return f"{reverse('pages:quote-check')}?q=We+will+not+rush+it"


# (page, query budget, large size). The fact-checker's session, user and permissions are
# 4 queries of every budget. Lists are measured past their page size.
PAGES: list[tuple[Callable[[int], str], int, int]] = [
    (dashboard, 10, 60),
    (search, 7, 60),
    (article_list, 7, 60),
    # The reader prefetches the article's corrections: one query.
    # The reader reads the open findings on its attributions: one query.
    (reader, 11, 40),
    # The source page prefetches the source's identifiers: one query.
    (source_page, 14, 60),
    (source_list, 8, 60),
    # The claim page reads the conflict findings' attributions, and those they name
    # elsewhere: two queries.
    (claim_page, 18, 40),
    (claim_list, 7, 60),
    # Both read who findings can be assigned to: one query.
    (findings_list, 11, 60),
    (finding_page, 10, 40),
    (compare, 8, 60),
    # The quote index reads the table's size, how common the query's trigrams are (on
    # PostgreSQL, ANALYZE's statistics), then the candidates: three queries.
    (quote_check, 9, 40),
]


def count_queries(client, url: str) -> int:
    # The quote index keeps trigram statistics in the process for a while: measure every
    # page as the process's first request, not as whichever ran after another.
    postgres_index._pg_statistics.clear()
    sqlite_index._sqlite_common.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("make", "budget", "large"), PAGES, ids=[make.__name__ for make, _, _ in PAGES]
)
def test_page_runs_the_same_bounded_queries_for_one_row_and_for_many(
    factchecker_client, django_assert_max_num_queries, make, budget, large
):
    small = make(SMALL)
    with django_assert_max_num_queries(budget):
        small_count = count_queries(factchecker_client, small)
    many = make(large)
    with django_assert_max_num_queries(budget):
        large_count = count_queries(factchecker_client, many)
    assert small_count == large_count
