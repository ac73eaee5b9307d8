"""The article reader: the body with every attribution highlighted in place, labelled and
linked by source, nested and overlapping spans shown correctly, and the side panel."""

import re
from html import unescape

import pytest
from django.urls import reverse

from articles.anchoring import AnchorStatus
from articles.highlight import drawn_text
from claims.models import Attribution
from sources.models import Source
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    OrganizationFactory,
    SourceFactory,
)
from tests.pages.conftest import well_formed

pytestmark = pytest.mark.django_db


def body_html(content: str) -> str:
    match = re.search(r'<div class="article-body" id="article-body">(.*?)</div>', content, re.S)
    assert match, "the reader shows the body"
    return match.group(1)


def visible_text(fragment: str) -> str:
    """The body's text as a reader sees it, without the labels in front of highlights."""
    without_labels = re.sub(r'<span class="hl-label [^"]*">.*?</a></span>', "", fragment)
    without_labels = re.sub(
        r'<span class="hl-label [^"]*"><span>.*?</span></span>', "", without_labels
    )
    return unescape(re.sub(r"<[^>]+>", "", without_labels))


def read(client, article) -> str:
    response = client.get(reverse("pages:article-detail", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_attribution_of_the_seed_is_highlighted_with_its_kind(
    factchecker_client, checked_seed
):
    content = read(factchecker_client, checked_seed)
    body = body_html(content)
    attributions = list(Attribution.objects.filter(article=checked_seed).select_related("source"))
    assert len(attributions) == 24
    for a in attributions:
        kind = a.source.kind if a.source else "unattributed"
        assert f'class="hl hl-{kind} hl-at-{a.pk}"' in body, a
    assert well_formed(body)
    # The body as stored, less the blank lines after the first between two paragraphs.
    assert visible_text(body) == drawn_text(checked_seed.body)
    assert "\n\n\n" in checked_seed.body
    assert "\n\n\n" not in visible_text(body)


def test_each_highlight_is_labelled_and_linked_to_its_source_and_claim(
    factchecker_client, checked_seed
):
    body = body_html(read(factchecker_client, checked_seed))
    afrin = Source.objects.get(name="Adnan Afrin")
    quote = Attribution.objects.filter(source=afrin).first()
    label = re.search(rf'<span class="hl-label hl hl-person hl-at-{quote.pk}">(.*?)</span>', body)
    assert label, "the label sits in front of the highlight"
    source_url = reverse("pages:source-detail", args=[afrin.pk])
    claim_url = reverse("pages:claim-detail", args=[quote.claim_id])
    assert f'<a href="{source_url}">Adnan Afrin</a>' in label.group(1)
    assert f'href="{claim_url}"' in body


def test_labels_name_the_kind_in_words_not_only_in_colour(factchecker_client, checked_seed):
    body = body_html(read(factchecker_client, checked_seed))
    assert ">anon: a commander with the US-backed…</a>" in body
    assert ">org: Syrian Democratic Forces</a>" in body
    assert ">account: US-led coalition</a>" in body
    assert ">group: many die-hard ISIS supporters</a>" in body
    assert "<span>no source</span>" in body


def test_legend_counts_highlights_by_kind(factchecker_client, checked_seed):
    content = read(factchecker_client, checked_seed)
    legend = re.search(r'<ul class="hl-legend">(.*?)</ul>', content, re.S).group(1)
    counts = dict(re.findall(r"</span>([a-z ()]+?) <span class=\"count\">(\d+)</span>", legend))
    assert counts["unattributed statement"] == "9"
    assert counts["anonymous source"] == "4"
    assert counts["named person"] == "6"


def test_side_panel_lists_the_sources_and_the_sourcing_profile(factchecker_client, checked_seed):
    content = read(factchecker_client, checked_seed)
    side = content[content.index('<aside class="reader-side"') :]
    for source in Source.objects.filter(attributions__article=checked_seed).distinct():
        assert reverse("pages:source-detail", args=[source.pk]) in side
    assert "<dt>Unattributed statements</dt><dd>9</dd>" in side
    assert "<dt>Claims on anonymous sources only</dt>\n        <dd>3 " in side


def test_side_panel_links_to_the_findings_that_involve_the_article(
    factchecker_client, checked_seed
):
    content = read(factchecker_client, checked_seed)
    findings = reverse("pages:finding-list")
    assert f"{findings}?article={checked_seed.pk}&amp;kind=unattributed&amp;state=all" in content
    assert f"{findings}?article={checked_seed.pk}&amp;kind=anonymous_only&amp;state=all" in content


def nested_article():
    """An invented article whose spans nest and overlap."""
    body = "Mayor Ilse Varnok said the invented bridge would reopen in June after repairs."
    article = ArticleFactory(body=body)
    council = OrganizationFactory(name="Quellbridge Council")
    varnok = SourceFactory(name="Ilse Varnok", affiliation=council)
    engineer = AnonymousSourceFactory(article=article)
    outer = "the invented bridge would reopen in June after repairs"
    inner = "reopen in June"
    overlap = "June after repairs."

    def at(text):
        return body.index(text)

    rows = [
        AttributionFactory(article=article, source=varnok, text=outer, start=at(outer)),
        AttributionFactory(article=article, source=council, text=inner, start=at(inner)),
        AttributionFactory(article=article, source=engineer, text=overlap, start=at(overlap)),
    ]
    return article, rows


def test_nested_and_overlapping_spans_nest_properly_and_keep_the_text(factchecker_client):
    article, (outer, inner, overlap) = nested_article()
    body = body_html(read(factchecker_client, article))
    assert well_formed(body)
    assert visible_text(body) == article.body
    # The inner span is inside the outer one: "reopen in " is wrapped by both marks.
    assert re.search(
        rf'<mark class="hl hl-person hl-at-{outer.pk}"[^>]*><mark class="hl hl-organization '
        rf'hl-at-{inner.pk}"[^>]*>reopen in </mark></mark>',
        body,
    )
    # "June" is covered by all three spans; the overlapping one continues past the outer.
    assert re.search(rf"hl-at-{overlap.pk}\"[^>]*>June</mark></mark></mark>", body)
    assert re.search(rf'hl-at-{overlap.pk}"[^>]*>\.</mark>', body)
    for a in (outer, inner, overlap):
        assert body.count(f'class="hl-label hl hl-{a.source.kind} hl-at-{a.pk}"') == 1


def test_orphaned_attributions_are_listed_not_highlighted(factchecker_client):
    article = ArticleFactory()
    orphan = AttributionFactory(article=article)
    Attribution.objects.filter(pk=orphan.pk).update(
        start=None, end=None, anchor_status=AnchorStatus.ORPHANED
    )
    content = read(factchecker_client, article)
    assert f"hl-at-{orphan.pk}" not in body_html(content)
    assert "Not found in the body" in content


def test_unattributed_statement_label_links_only_to_its_claim(factchecker_client):
    article = ArticleFactory()
    claim = ClaimFactory()
    a = AttributionFactory(article=article, source=None, kind="unattributed", claim=claim)
    body = body_html(read(factchecker_client, article))
    label = re.search(rf'<span class="hl-label hl hl-unattributed hl-at-{a.pk}">(.*?)</span>', body)
    assert label.group(1) == "<span>no source"
    assert reverse("pages:claim-detail", args=[claim.pk]) in body
