"""The source list and the source page: identifiers as links, types of role, filters. The
seed is the real article; everything else is invented."""

import pytest
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    AttributionFactory,
    OrganizationFactory,
    SourceFactory,
    SourceIdentifierFactory,
)
from tests.pages.conftest import HOSTILE, HOSTILE_ESCAPED

pytestmark = pytest.mark.django_db


def source_page(client, source) -> str:
    response = client.get(reverse("pages:source-detail", args=[source.pk]))
    assert response.status_code == 200
    return response.content.decode()


def listed(client, query: str = "") -> list[str]:
    response = client.get(reverse("pages:source-list") + query)
    assert response.status_code == 200
    return [source.display_name for source in response.context["sources"]]


def test_source_page_links_identifiers_to_the_pages_they_name(reader_client):
    source = SourceFactory(name="Ilse Varnok", role="mayor", role_type="official")
    SourceIdentifierFactory(source=source, scheme="wikidata", value="Q90125")
    SourceIdentifierFactory(source=source, scheme="twitter", value="@IlseVarnok")
    SourceIdentifierFactory(source=source, scheme="mastodon", value="varnok@social.example")
    content = source_page(reader_client, source)
    assert (
        '<a href="https://www.wikidata.org/wiki/Q90125" rel="noopener noreferrer">Q90125</a>'
        in (content)
    )
    assert 'href="https://x.com/IlseVarnok"' in content
    assert 'href="https://social.example/@varnok"' in content
    assert "official" in content


def test_source_page_escapes_identifiers_and_links_only_over_http(reader_client):
    source = SourceFactory()
    SourceIdentifierFactory(source=source, scheme="other", value=HOSTILE)
    SourceIdentifierFactory(source=source, scheme="other", value="javascript:alert(3)")
    SourceIdentifierFactory(
        source=source, scheme="website", value='https://invented.example/?q="><script>'
    )
    content = source_page(reader_client, source)
    assert HOSTILE not in content
    assert HOSTILE_ESCAPED in content
    assert 'href="javascript' not in content
    assert "<script>" not in content.split("<main", 1)[1]


def test_source_page_says_when_no_type_of_role_or_identifier_is_recorded(reader_client):
    content = source_page(reader_client, SourceFactory(role_type=""))
    assert 'Type of role</dt><dd><span class="muted">not recorded' in content
    assert 'Identifiers</dt><dd><span class="muted">none recorded' in content


def test_source_list_filters_by_role_type_and_searches_identifiers(reader_client):
    varnok = SourceFactory(name="Ilse Varnok", role_type="official")
    SourceIdentifierFactory(source=varnok, scheme="wikidata", value="Q90125")
    SourceFactory(name="Juno Aalt", role_type="witness")
    OrganizationFactory(name="Quellbridge Council")
    assert listed(reader_client, "?role_type=witness") == ["Juno Aalt"]
    assert listed(reader_client, "?role_type=unknown&kind=organization") == ["Quellbridge Council"]
    assert listed(reader_client, "?name=Q90125") == ["Ilse Varnok"]
    assert listed(reader_client, "?identifier=https://www.wikidata.org/wiki/Q90125") == [
        "Ilse Varnok"
    ]
    assert listed(reader_client, "?has_identifier=wikidata") == ["Ilse Varnok"]
    assert len(listed(reader_client)) == 3


@pytest.mark.parametrize("query", ["?role_type=general", "?identifier=wikidata:Douglas"])
def test_source_list_shows_bad_filters_as_form_errors(reader_client, query):
    SourceFactory()
    response = reader_client.get(reverse("pages:source-list") + query)
    assert response.status_code == 200
    assert response.context["filters_invalid"]
    assert "Correct the filters to see sources." in response.content.decode()


def test_source_list_links_each_source_and_its_identifiers(reader_client):
    source = SourceFactory(name="Ilse Varnok")
    SourceIdentifierFactory(source=source, scheme="telegram", value="QuellNews")
    content = reader_client.get(reverse("pages:source-list")).content.decode()
    assert f'href="{reverse("pages:source-detail", args=[source.pk])}"' in content
    assert 'href="https://t.me/QuellNews"' in content


def test_source_list_is_in_the_main_navigation(reader_client):
    content = reader_client.get(reverse("pages:source-list")).content.decode()
    assert f'<a href="{reverse("pages:source-list")}" aria-current="page">Sources</a>' in content


def test_reader_profile_counts_the_seed_sources_by_role_type(factchecker_client, seed):
    response = factchecker_client.get(reverse("pages:article-detail", args=[seed.pk]))
    assert response.context["profile_role_types"] == [
        ("spokesperson", 1),
        ("official", 1),
        ("fighter", 4),
        ("other", 1),
        ("type of role not recorded", 1),
    ]
    assert "fighter: 4" in response.content.decode()


def test_statements_show_the_words_around_them_cut_at_word_boundaries(reader_client):
    body = (
        "The invented ferry across the Quellbridge estuary ran again on Monday morning, "
        "the harbour master said, after a winter of repairs to both of its landing stages."
    )
    source = SourceFactory(name="Ilse Varnok")
    article = ArticleFactory(body=body)
    AttributionFactory(article=article, source=source, text="the harbour master said", start=None)
    # The 32 characters on each side are "ry ran again on Monday morning, " and ", after a
    # winter of repairs to b": the pieces of "ferry" and "both" are left out.
    AttributionFactory(article=article, source=source, text="The invented ferry", start=None)
    content = source_page(reader_client, source)
    assert (
        '<span class="context">…ran again on Monday morning, </span>'
        '<mark class="said">the harbour master said</mark>'
        '<span class="context">, after a winter of repairs to…</span>'
    ) in content
    # At the start of the body nothing is left out, and nothing is said to be.
    assert '<mark class="said">The invented ferry</mark><span class="context"> across the' in (
        content
    )
    assert "…The invented" not in content
