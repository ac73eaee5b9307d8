"""The dashboard, the search page, the article list with the API's filters, and the
source page."""

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from claims.models import Claim
from sources.models import Source
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    OrganizationFactory,
    OutletFactory,
    SourceAliasFactory,
    SourceFactory,
)
from tests.pages.conftest import finding_of

pytestmark = pytest.mark.django_db

ARTICLES = reverse("pages:article-list")


def get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def headlines(content: str) -> list[str]:
    return re.findall(r'<td><a href="/articles/\d+/">(.*?)</a></td>', content)


def test_dashboard_shows_articles_open_findings_and_claims_to_watch(
    factchecker_client, checked_seed
):
    content = get(factchecker_client, reverse("pages:dashboard"))
    assert checked_seed.headline in content
    findings = reverse("pages:finding-list")
    assert f'<a href="{findings}?kind=unattributed">unattributed statement</a>' in content
    assert 'id="open-findings-title">Open findings <span class="count">19</span>' in content
    anonymous_only = Claim.objects.filter(status="anonymous_only").first()
    assert reverse("pages:claim-detail", args=[anonymous_only.pk]) in content
    assert 'id="dashboard-search"' in content


def test_dashboard_lists_contested_claims(factchecker_client, archive):
    content = get(factchecker_client, reverse("pages:dashboard"))
    contested = content[content.index('id="claims-contested-title"') :]
    contested = contested[: contested.index("</section>")]
    assert archive["claims"]["reopen"].text in contested


def test_search_finds_headlines_sources_by_alias_and_quotes(factchecker_client, checked_seed):
    content = get(factchecker_client, reverse("pages:search") + "?q=Afrin")
    afrin = Source.objects.get(name="Adnan Afrin")
    assert reverse("pages:source-detail", args=[afrin.pk]) in content
    content = get(factchecker_client, reverse("pages:search") + "?q=counterattack Baghouz")
    assert reverse("pages:article-detail", args=[checked_seed.pk]) in content
    content = get(factchecker_client, reverse("pages:search") + "?q=night vision")
    assert "usually operate in daylight" in content


def test_search_without_words_shows_only_the_box(factchecker_client):
    content = get(factchecker_client, reverse("pages:search"))
    assert 'id="search-page-q"' in content
    assert "Headlines <span" not in content


def test_article_list_uses_the_api_filters(factchecker_client):
    gazette, courier = OutletFactory(name="Invented Gazette"), OutletFactory(name="Courier")
    old = ArticleFactory(
        outlet=gazette, headline="Old bridge story", published_at=datetime(2030, 1, 5, tzinfo=UTC)
    )
    new = ArticleFactory(
        outlet=courier,
        headline="New ferry story",
        published_at=datetime(2031, 6, 1, tzinfo=UTC),
        status="reviewed",
        body="The invented ferry sails at dawn.",
    )
    AnonymousSourceFactory(article=new)
    assert headlines(get(factchecker_client, ARTICLES)) == [new.headline, old.headline]
    assert headlines(get(factchecker_client, f"{ARTICLES}?outlet={gazette.pk}")) == [old.headline]
    assert headlines(get(factchecker_client, f"{ARTICLES}?status=reviewed")) == [new.headline]
    query = f"{ARTICLES}?published_after=2031-01-01"
    assert headlines(get(factchecker_client, query)) == [new.headline]
    query = f"{ARTICLES}?published_before=2030-12-31"
    assert headlines(get(factchecker_client, query)) == [old.headline]
    query = f"{ARTICLES}?has_anonymous_sources=true"
    assert headlines(get(factchecker_client, query)) == [new.headline]
    query = f"{ARTICLES}?has_anonymous_sources=false"
    assert headlines(get(factchecker_client, query)) == [old.headline]
    assert headlines(get(factchecker_client, f"{ARTICLES}?q=ferry dawn")) == [new.headline]


def test_article_list_keeps_the_filters_in_the_form(factchecker_client):
    content = get(factchecker_client, f"{ARTICLES}?q=ferry&status=reviewed")
    assert 'name="q" value="ferry"' in content
    assert re.search(r'value="reviewed"[^>]*checked', content)
    assert '<input type="date" name="published_after"' in content
    assert '<label for="id_has_anonymous_sources">Anonymous sources</label>' in content


def test_article_list_shows_invalid_filters_instead_of_ignoring_them(factchecker_client):
    ArticleFactory()
    content = get(factchecker_client, f"{ARTICLES}?has_anonymous_sources=maybe")
    assert "Use true or false." in content
    assert headlines(content) == []


def test_article_list_paginates_and_keeps_the_filters(factchecker_client):
    outlet = OutletFactory()
    for day in range(1, 28):
        ArticleFactory(outlet=outlet, published_at=datetime(2031, 1, day, tzinfo=UTC))
    content = get(factchecker_client, f"{ARTICLES}?outlet={outlet.pk}")
    assert len(headlines(content)) == 25
    assert f'href="?outlet={outlet.pk}&amp;page=2"' in content
    second = get(factchecker_client, f"{ARTICLES}?outlet={outlet.pk}&page=2")
    assert len(headlines(second)) == 2


def test_source_page_says_who_they_are(factchecker_client, checked_seed):
    commander = Source.objects.get(description__startswith="a commander with")
    content = get(factchecker_client, reverse("pages:source-detail", args=[commander.pk]))
    assert "<dt>Reason for anonymity</dt><dd>not authorized to talk to the media</dd>" in content
    assert "<dt>Role</dt><dd>commander</dd>" in content
    sdf = Source.objects.get(name="Syrian Democratic Forces")
    assert reverse("pages:source-detail", args=[sdf.pk]) in content
    content = get(factchecker_client, reverse("pages:source-detail", args=[sdf.pk]))
    assert "US-backed Syrian forces" in content  # an alias
    assert "<dt>Members</dt>" in content
    assert "Adnan Afrin" in content


def test_source_page_lists_statements_across_articles_in_time_order(factchecker_client):
    council = OrganizationFactory(name="Invented Harbour Board")
    person = SourceFactory(name="Ada Quillon", affiliation=council)
    SourceAliasFactory(source=person, name="Quillon")
    days = [date(2031, 3, 9), date(2030, 2, 1), date(2031, 1, 15)]
    for day in days:
        AttributionFactory(source=person, said_on=day)
    content = get(factchecker_client, reverse("pages:source-detail", args=[person.pk]))
    shown = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', content)
    assert shown == sorted(d.isoformat() for d in days)
    assert "<dd>Quillon</dd>" in content
    assert 'Statements, in time order <span class="count">3</span>' in content


def test_source_page_lists_the_findings_that_involve_them(factchecker_client, archive):
    molder = archive["sources"]["molder"]
    content = get(factchecker_client, reverse("pages:source-detail", args=[molder.pk]))
    finding = finding_of("contradiction")
    misattributions = [f.pk for f in molder.findings.filter(kind="misattribution")]
    assert misattributions
    for pk in misattributions:
        assert reverse("pages:finding-detail", args=[pk]) in content
    assert reverse("pages:finding-detail", args=[finding.pk]) not in content
