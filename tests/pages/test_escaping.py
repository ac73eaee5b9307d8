"""Text from the database is always shown as text: a body, quote, name or note holding HTML
or script never becomes markup on any page. Everything here is invented."""

from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from claims.services import claim_relation_create
from crosscheck.models import Finding
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    OutletFactory,
    ReviewFactory,
    SourceAliasFactory,
    SourceFactory,
)
from tests.pages.conftest import HOSTILE, HOSTILE_ESCAPED

pytestmark = pytest.mark.django_db

# What must never appear unescaped (the pages' own script tags carry attributes).
RAW = ("<script>alert", "<img src=x", "onerror=alert(2)>")


@pytest.fixture
def hostile(db, factchecker) -> dict:
    outlet = OutletFactory(name=f"Outlet {HOSTILE}")
    article = ArticleFactory(
        outlet=outlet,
        headline=f"Headline {HOSTILE}",
        byline=HOSTILE,
        body=f"An invented official said {HOSTILE} on Monday, and again: {HOSTILE} later.",
    )
    person = SourceFactory(name=f"Invented {HOSTILE}", role=HOSTILE, description=HOSTILE)
    SourceAliasFactory(source=person, name=f"alias {HOSTILE}")
    anonymous = AnonymousSourceFactory(
        article=article, description=f"an official {HOSTILE}", anonymity_reason=HOSTILE
    )
    claim = ClaimFactory(text=f"Claim {HOSTILE}")
    other = ClaimFactory(text=f"Other {HOSTILE}")
    first = article.body.index(HOSTILE)
    second = article.body.index(HOSTILE, first + 1)
    said = AttributionFactory(
        article=article, source=person, claim=claim, text=HOSTILE, start=first, cue=HOSTILE
    )
    again = AttributionFactory(
        article=article, source=anonymous, claim=other, text=HOSTILE, start=second
    )
    claim_relation_create(from_claim=claim, to_claim=other, kind="contradicts", note=HOSTILE)
    ReviewFactory(
        claim=claim,
        summary=HOSTILE,
        reviewer=factchecker,
        published_at=datetime(2031, 1, 1, tzinfo=UTC),
    )
    finding = Finding.objects.create(
        kind="quote_drift",
        key="test:hostile",
        summary=f"Summary {HOSTILE}",
        note=HOSTILE,
        details={
            "similarity": 80,
            "diff": [{"op": "replace", "old": [HOSTILE], "new": [HOSTILE]}],
        },
    )
    finding.attributions.add(said, again)
    finding.sources.add(person)
    finding.claims.add(claim)
    numeric = Finding.objects.create(
        kind="numeric_conflict",
        key="test:hostile-numbers",
        details={"conflicts": [{"figures": [HOSTILE, HOSTILE]}]},
    )
    numeric.attributions.add(said)
    return {
        "article": article,
        "person": person,
        "anonymous": anonymous,
        "claim": claim,
        "finding": finding,
        "said": said,
        "again": again,
    }


def assert_shown_as_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content.decode()
    for raw in RAW:
        assert raw not in content, (url, raw)
    assert HOSTILE_ESCAPED in content, url
    return content


def test_reader_shows_a_hostile_body_and_names_as_text(factchecker_client, hostile):
    url = reverse("pages:article-detail", args=[hostile["article"].pk])
    content = assert_shown_as_text(factchecker_client, url)
    # The highlight wraps the escaped text.
    said = hostile["said"]
    # (Marked too: the hostile finding is open on it, its summary escaped in the title.)
    assert f'hl-at-{said.pk} hl-finding" title="' in content
    assert f">{HOSTILE_ESCAPED}</mark>" in content


def test_source_page_shows_hostile_text_as_text(factchecker_client, hostile):
    for source in (hostile["person"], hostile["anonymous"]):
        assert_shown_as_text(factchecker_client, reverse("pages:source-detail", args=[source.pk]))


def test_claim_page_shows_hostile_text_as_text(factchecker_client, hostile):
    assert_shown_as_text(
        factchecker_client, reverse("pages:claim-detail", args=[hostile["claim"].pk])
    )


def test_findings_pages_show_hostile_text_as_text(factchecker_client, hostile):
    assert_shown_as_text(factchecker_client, reverse("pages:finding-list"))
    assert_shown_as_text(
        factchecker_client, reverse("pages:finding-detail", args=[hostile["finding"].pk])
    )


def test_quote_check_shows_the_query_and_matches_as_text(factchecker_client, hostile):
    url = f"{reverse('pages:quote-check')}?q={quote(HOSTILE)}"
    content = assert_shown_as_text(factchecker_client, url)
    assert "Where the archive has it" in content


def test_search_compare_dashboard_and_list_show_hostile_text_as_text(factchecker_client, hostile):
    said, again = hostile["said"], hostile["again"]
    for url in (
        f"{reverse('pages:search')}?q={quote('script')}",
        f"{reverse('pages:compare')}?a={said.pk}&b={again.pk}",
        reverse("pages:dashboard"),
        reverse("pages:article-list"),
    ):
        assert_shown_as_text(factchecker_client, url)


def test_a_hostile_query_is_echoed_as_text(factchecker_client, hostile):
    response = factchecker_client.get(f"{reverse('pages:search')}?q={quote(HOSTILE)}")
    content = response.content.decode()
    for raw in RAW:
        assert raw not in content
