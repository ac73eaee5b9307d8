"""Published reviews as schema.org ClaimReview: one builder for the feed (every published
review in one JSON-LD document) and the claim page (its newest published review).

Each review gives one ClaimReview: ``claimReviewed`` (the claim's text), ``reviewRating``
(``ratingValue`` on the published five-point scale, ``bestRating``, ``worstRating`` and
``alternateName``, the rating's label; "unproven" has no value on the scale, only the
label), ``url`` (the review's own URL, else the claim page, which carries the same markup),
``datePublished``, ``author`` (the publisher, ``TRACKER_PUBLISHER_NAME``) and
``itemReviewed``: the Claim, with the sources that assert it as ``author`` (Person or
Organization; not a denial, a "declined to comment", nor an article since retracted), the
date it was first said, and the articles it is anchored in as ``appearance`` (NewsArticle
with url, headline and date, earliest published first) and ``firstAppearance`` (the
earliest published).

The feed's items and the claim page's markup for the same review are the same object; the
page's carries its own ``@context``, the feed's share the document's.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from claims.models import Attribution, Review
from sources.models import Source

CONTEXT = "https://schema.org"

# Turns a path ("/claims/3/") into an absolute URL; None where there is no base URL.
AbsoluteURL = Callable[[str], str] | None


@dataclass(frozen=True)
class Skipped:
    review: Review
    reason: str


def claimreview_feed(absolute_url: AbsoluteURL = None) -> tuple[dict, list[Skipped]]:
    """The JSON-LD document (``@graph`` of ClaimReviews, newest first) and the reviews
    left out. ``absolute_url`` turns a path into a URL; without it, a review without its
    own URL is left out (there is no claim page URL to fall back on), and so is an
    appearance in an article without a URL."""
    reviews = list(
        Review.objects.filter(published_at__isnull=False)
        .select_related("claim")
        .order_by("-published_at", "-id")
    )
    said: dict[int | None, list[Attribution]] = defaultdict(list)
    attributions = (
        Attribution.objects.filter(claim__in={r.claim_id for r in reviews})
        .select_related("source", "article")
        .defer("article__body", "article__notes")
    )
    for attribution in attributions:
        said[attribution.claim_id].append(attribution)
    graph, skipped = [], []
    for review in reviews:
        url = review_url(review, absolute_url)
        if not url:
            skipped.append(Skipped(review, "it has no URL of its own (give a base URL)"))
            continue
        graph.append(claim_review(review, url, said[review.claim_id], absolute_url))
    return {"@context": CONTEXT, "@graph": graph}, skipped


def claim_review_document(
    review: Review, attributions: Iterable[Attribution], absolute_url: Callable[[str], str]
) -> dict:
    """One review's ClaimReview as a JSON-LD document of its own (the claim page's): the
    feed's item for the review, with the ``@context`` the feed gives its whole graph."""
    url = review_url(review, absolute_url)
    return {"@context": CONTEXT, **claim_review(review, url, attributions, absolute_url)}


def review_url(review: Review, absolute_url: AbsoluteURL) -> str:
    """The review's own URL, else its claim page's (empty without a base URL)."""
    if review.url or absolute_url is None:
        return review.url
    return absolute_url(reverse("pages:claim-detail", args=[review.claim_id]))


def claim_review(
    review: Review, url: str, attributions: Iterable[Attribution], absolute_url: AbsoluteURL
) -> dict:
    """The ClaimReview of a published review, from every attribution of its claim (with
    their sources and articles loaded), in any order."""
    rating = {
        "@type": "Rating",
        "bestRating": Review.BEST_RATING,
        "worstRating": Review.WORST_RATING,
        "alternateName": review.get_rating_display(),
    }
    assert review.published_at is not None  # only published reviews are exported
    if review.rating_value is not None:
        rating["ratingValue"] = review.rating_value
    return {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": review.claim.text,
        "datePublished": review.published_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.TRACKER_PUBLISHER_NAME},
        "reviewRating": rating,
        "itemReviewed": claim_item(attributions, absolute_url),
    }


def schema_author(source: Source) -> dict:
    kind = (
        "Person" if source.kind in (Source.Kind.PERSON, Source.Kind.ANONYMOUS) else "Organization"
    )
    return {"@type": kind, "name": source.display_name}


def asserts(attribution: Attribution) -> bool:
    """Whether the attribution's source counts as saying the claim: it asserts it, in an
    article not retracted, rather than declining to comment."""
    return (
        attribution.source_id is not None
        and attribution.stance == Attribution.Stance.ASSERTS
        and attribution.kind != Attribution.Kind.DECLINED
        and attribution.article.retracted_at is None
    )


def claim_item(attributions: Iterable[Attribution], absolute_url: AbsoluteURL) -> dict:
    """The reviewed Claim: who asserts it, when it was first said, where it appeared."""
    # Article and text order, whatever order the caller loaded them in.
    ordered = sorted(
        attributions, key=lambda a: (a.article_id, a.start is None, a.start or 0, a.pk)
    )
    authors: dict[int, dict] = {}
    appearances: dict[int, tuple] = {}
    for a in ordered:
        if asserts(a) and a.source is not None:
            authors.setdefault(a.source.id, schema_author(a.source))
        if a.start is None or a.article_id in appearances:
            continue  # orphaned by a body edit: no longer in its article
        work = news_article(a.article, absolute_url)
        if work is not None:
            published = a.article.published_at
            appearances[a.article_id] = (published is None, published, work)
    item: dict = {"@type": "Claim"}
    if authors:
        item["author"] = list(authors.values())
    first_said = min((a.said_on for a in ordered if a.said_on), default=None)
    if first_said:
        item["datePublished"] = first_said.isoformat()
    works = sorted(appearances.items(), key=lambda kv: (kv[1][0], kv[1][1] or 0, kv[0]))
    if works:
        item["appearance"] = [work for _pk, (_none, _date, work) in works]
        item["firstAppearance"] = works[0][1][2]
    return item


def news_article(article, absolute_url: AbsoluteURL) -> dict | None:
    """The article as a NewsArticle: its own URL, else the reader's (None without either)."""
    url = article.url
    if not url and absolute_url is not None:
        url = absolute_url(reverse("pages:article-detail", args=[article.pk]))
    if not url:
        return None
    work = {"@type": "NewsArticle", "url": url, "headline": article.headline}
    if article.published_at is not None:
        work["datePublished"] = article.published_at.isoformat()
    return work
