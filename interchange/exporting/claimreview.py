"""Every published review as schema.org ClaimReview, in one JSON-LD document.

Each review gives one ClaimReview: ``claimReviewed`` (the claim's text), ``reviewRating``
(``ratingValue`` on the published five-point scale, ``bestRating``, ``worstRating`` and
``alternateName``, the rating's label; "unproven" has no value on the scale, only the
label), ``url`` (the review's own URL, else the claim page, which carries the same markup),
``datePublished``, ``author`` (the publisher, ``TRACKER_PUBLISHER_NAME``) and
``itemReviewed``: the Claim, with the sources that assert it as ``author`` (Person or
Organization), the date it was first said, and the articles it is anchored in as
``appearance`` (NewsArticle with url, headline and date) and ``firstAppearance`` (the
earliest published).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from claims.models import Attribution, Review
from sources.models import Source

CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class Skipped:
    review: Review
    reason: str


def schema_author(source: Source) -> dict:
    kind = (
        "Person" if source.kind in (Source.Kind.PERSON, Source.Kind.ANONYMOUS) else "Organization"
    )
    return {"@type": kind, "name": source.display_name}


def claimreview_feed(
    absolute_url: Callable[[str], str] | None = None,
) -> tuple[dict, list[Skipped]]:
    """The JSON-LD document (``@graph`` of ClaimReviews, newest first) and the reviews
    left out. ``absolute_url`` turns a path into a URL; without it, a review without its
    own URL is left out (there is no claim page URL to fall back on), and so is an
    appearance in an article without a URL."""
    reviews = list(
        Review.objects.filter(published_at__isnull=False)
        .select_related("claim")
        .order_by("-published_at", "-id")
    )
    said: dict[int, list[Attribution]] = defaultdict(list)
    attributions = (
        Attribution.objects.filter(claim__in={r.claim_id for r in reviews})
        .select_related("source", "article")
        .defer("article__body", "article__notes")
        .order_by("article_id", "start", "id")
    )
    for attribution in attributions:
        said[attribution.claim_id].append(attribution)
    graph, skipped = [], []
    for review in reviews:
        url = review.url
        if not url and absolute_url is not None:
            url = absolute_url(reverse("pages:claim-detail", args=[review.claim_id]))
        if not url:
            skipped.append(Skipped(review, "it has no URL of its own (give a base URL)"))
            continue
        graph.append(claim_review(review, url, said[review.claim_id], absolute_url))
    return {"@context": CONTEXT, "@graph": graph}, skipped


def claim_review(review: Review, url: str, attributions, absolute_url=None) -> dict:
    rating = {
        "@type": "Rating",
        "bestRating": Review.BEST_RATING,
        "worstRating": Review.WORST_RATING,
        "alternateName": review.get_rating_display(),
    }
    if review.rating_value is not None:
        rating["ratingValue"] = review.rating_value
    return {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": review.claim.text,
        "datePublished": review.published_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.TRACKER_PUBLISHER_NAME},
        "reviewRating": rating,
        "itemReviewed": _claim(attributions, absolute_url),
    }


def _claim(attributions, absolute_url) -> dict:
    authors: dict[int, dict] = {}
    appearances: dict[int, tuple] = {}
    for a in attributions:
        if a.source_id is not None and a.stance != Attribution.Stance.DENIES:
            authors.setdefault(a.source_id, schema_author(a.source))
        if a.start is None or a.article_id in appearances:
            continue  # orphaned by a body edit: no longer in its article
        article = a.article
        url = article.url
        if not url and absolute_url is not None:
            url = absolute_url(reverse("pages:article-detail", args=[article.pk]))
        if not url:
            continue
        work = {"@type": "NewsArticle", "url": url, "headline": article.headline}
        if article.published_at is not None:
            work["datePublished"] = article.published_at.isoformat()
        appearances[a.article_id] = (article.published_at is None, article.published_at, work)
    item: dict = {"@type": "Claim"}
    if authors:
        item["author"] = list(authors.values())
    first_said = min((a.said_on for a in attributions if a.said_on), default=None)
    if first_said:
        item["datePublished"] = first_said.isoformat()
    ordered = sorted(appearances.items(), key=lambda kv: (kv[1][0], kv[1][1] or 0, kv[0]))
    if ordered:
        item["appearance"] = [work for _pk, (_none, _date, work) in ordered]
        item["firstAppearance"] = ordered[0][1][2]
    return item
