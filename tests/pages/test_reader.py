"""The article reader: the body with every attribution highlighted in place, labelled and
linked by source, nested and overlapping spans shown correctly, and the side panel."""

import re
from html import unescape

import pytest
from django.urls import reverse

from articles.anchoring import AnchorStatus
from articles.highlight import drawn_text
from claims.models import Attribution
from crosscheck.models import Finding
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
        # (hl-finding marks a span with an open finding.)
        assert re.search(rf'class="hl hl-{kind} hl-at-{a.pk}( hl-finding)?"', body), a
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
    label = re.search(
        rf'<span class="hl-label hl hl-person hl-at-{quote.pk}(?: hl-finding)?">(.*?)</span>', body
    )
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


def test_a_span_with_an_open_finding_is_marked_and_links_to_it(factchecker_client, checked_seed):
    on_span = (
        Finding.objects.current()
        .filter(state="open", attributions__article=checked_seed)
        .by_severity()
        .first()
    )
    attribution = on_span.attributions.filter(article=checked_seed).first()

    body = body_html(read(factchecker_client, checked_seed))

    assert f"hl-at-{attribution.pk} hl-finding" in body
    link = reverse("pages:finding-detail", args=[on_span.pk])
    assert re.search(rf'<a [^>]*href="{link}"[^>]*>finding #{on_span.pk}</a>', body)

    Finding.objects.filter(attributions=attribution).update(state="dismissed")
    body = body_html(read(factchecker_client, checked_seed))
    assert f"hl-at-{attribution.pk} hl-finding" not in body


def test_an_editor_suggests_attributions_from_the_reader(editor_client):
    from suggestions.models import Suggestion
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        body="“We will rebuild the river bridge before the floods,” Mayor Ilse Varnok said "
        "on Monday. The council meets again in June."
    )
    page = editor_client.get(reverse("pages:article-detail", args=[article.pk]))
    assert "Suggest attributions" in page.content.decode()

    response = editor_client.post(reverse("pages:article-suggest", args=[article.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:suggestions_suggestion_changelist"))
    assert f"article__id__exact={article.pk}" in response["Location"]
    assert Suggestion.objects.filter(article=article).exists()


def test_a_fact_checker_has_no_suggest_button(factchecker_client, checked_seed):
    page = factchecker_client.get(reverse("pages:article-detail", args=[checked_seed.pk]))
    assert "Suggest attributions" not in page.content.decode()
    response = factchecker_client.post(reverse("pages:article-suggest", args=[checked_seed.pk]))
    assert response.status_code == 403


BRIDGE_BODY = (
    "The council met on Tuesday. “We will rebuild the river bridge before the floods,” "
    "Mayor Ilse Varnok said on Monday. The council meets again in June."
)


def test_a_selection_opens_the_attribution_form_with_the_span_cue_and_speaker(editor_client):
    from tests.factories import ArticleFactory

    article = ArticleFactory(body=BRIDGE_BODY)
    quote = "We will rebuild the river bridge before the floods"
    start = BRIDGE_BODY.index(quote)

    response = editor_client.get(
        reverse("pages:article-annotate", args=[article.pk]),
        {"start": start, "end": start + len(quote)},
    )

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("admin:claims_attribution_add") + "?")
    query = dict(re.findall(r"([a-z_]+)=([^&]*)", location.split("?", 1)[1]))
    assert query["article"] == str(article.pk)
    assert (query["start"], query["end"]) == (str(start), str(start + len(quote)))
    assert query["cue"] == "said"
    assert query["kind"] == "direct"
    assert "Varnok" in query["speaker_mention"].replace("+", " ")
    form = editor_client.get(location).content.decode()
    assert f'name="start" value="{start}"' in form


@pytest.mark.parametrize(
    "query", [{}, {"start": "a", "end": "3"}, {"start": 5, "end": 5}, {"start": 0, "end": 10**6}]
)
def test_a_selection_that_is_not_a_span_is_a_400(editor_client, query):
    from tests.factories import ArticleFactory

    article = ArticleFactory(body=BRIDGE_BODY)
    response = editor_client.get(reverse("pages:article-annotate", args=[article.pk]), query)
    assert response.status_code == 400


def test_only_those_who_add_attributions_annotate(factchecker_client, checked_seed):
    page = factchecker_client.get(reverse("pages:article-detail", args=[checked_seed.pk]))
    assert "data-annotate-url" not in page.content.decode()
    url = reverse("pages:article-annotate", args=[checked_seed.pk])
    assert factchecker_client.get(url, {"start": 0, "end": 5}).status_code == 403
