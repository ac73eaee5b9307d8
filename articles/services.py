"""Writes on articles and their corrections that every path (admin, API, pages, commands)
shares, and the re-anchoring of the spans that point into a body.

A write that changes what the cross-check reads of an article's attributions (their text
after a body edit, the article's retraction, the story it is a copy of) or deletes them
asks for a recheck (``after_commit("crosscheck.recheck", ...)``, see
``crosscheck/tasks.py``). This app does not know the models whose spans point into the
body (``anchored_span_models``), so it names the article and the cross-check finds its
attributions.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict, Unpack

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from access.services import Actor, acting_user, apply_fields, set_history_user
from access.tasks import after_commit
from articles.anchoring import FLAGGED_STATUSES, AnchorStatus, Span, reanchor
from articles.models import AnchoredSpan, Article, Correction, Outlet, normalize_newlines
from articles.selectors import outlets_named


class OutletDefaults(TypedDict, total=False):
    """What a new outlet may be given besides its name."""

    kind: str
    domain: str


def outlet_get_or_create(
    *, name: str, user: Actor = None, **defaults: Unpack[OutletDefaults]
) -> tuple[Outlet, bool]:
    """The outlet named ``name`` (any case; spaces around it ignored), else a new one with
    that name and ``defaults`` (``kind``, ``domain``), validated and recorded in history.
    Returns the outlet and whether it was created."""
    name = name.strip()
    outlet = outlets_named(name).first()
    if outlet is not None:
        return outlet, False
    outlet = Outlet(name=name, **defaults)
    outlet.full_clean()
    set_history_user(outlet, user)
    outlet.save()
    return outlet, True


class ArticleFields(TypedDict, total=False):
    """What a service may set on an article (the model's editable fields)."""

    outlet: Outlet
    origin_outlet: Outlet | None
    headline: str
    url: str
    byline: str
    published_at: datetime | None
    last_updated_at: datetime | None
    dateline: str
    language: str
    body: str
    status: str
    notes: str
    retracted_at: datetime | None
    retraction_note: str


@transaction.atomic
def article_create(*, user: Actor = None, **data: Unpack[ArticleFields]) -> Article:
    """Create an article after full validation (unique URL, body limits)."""
    article = Article(**data)
    article.full_clean()
    set_history_user(article, user)
    article.save()
    return article


@dataclass
class ReanchorReport:
    """What a body edit did to the spans that point into the body: how many of each
    status, the rows flagged for an editor, and every row it changed, as now stored."""

    counts: Counter = field(default_factory=Counter)
    flagged: list[AnchoredSpan] = field(default_factory=list)
    updated: list[AnchoredSpan] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(n for status, n in self.counts.items() if status != AnchorStatus.ANCHORED)

    def summary(self) -> str:
        if not self.counts:
            return "No spans to re-anchor."
        parts = [f"{n} {status}" for status, n in sorted(self.counts.items())]
        return "Spans: " + ", ".join(parts) + "."


def anchored_span_models() -> list[type[AnchoredSpan]]:
    """Every concrete model whose rows are spans of an article's body."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, AnchoredSpan) and not model._meta.abstract
    ]


@transaction.atomic
def article_update(
    *, article: Article, user: Actor = None, **data: Unpack[ArticleFields]
) -> ReanchorReport:
    """Change an article's fields; a new body re-anchors every span that points into it.

    Validation happens before anything is written: a rejected edit changes nothing.
    """
    stored = (
        Article.objects.select_for_update()
        .values("body", "retracted_at", "headline", "origin_outlet_id")
        .get(pk=article.pk)
    )
    apply_fields(article, data)
    article.full_clean()
    set_history_user(article, user)
    article.save()
    report = ReanchorReport()
    if article.body != stored["body"]:
        report = _reanchor_spans(article=article, old_body=stored["body"], user=user)
    # What the cross-check reads of the article: whether it stands (retracted or not,
    # whenever), and which wire story it is a copy of.
    standing_changed = (stored["retracted_at"] is None) != (article.retracted_at is None)
    story_changed = (stored["headline"], stored["origin_outlet_id"]) != (
        article.headline,
        article.origin_outlet_id,
    )
    if report.updated or standing_changed or story_changed:
        after_commit("crosscheck.recheck", article_ids=[article.pk])
    return report


@transaction.atomic
def article_delete(*, article: Article, user: Actor = None) -> None:
    """Delete an article with all that is in it: its spans (attributions among them), its
    corrections and the anonymous sources that belong to it. The claims and sources its
    attributions named are rechecked, and the findings that named them resolved unless
    found again."""
    after_commit("crosscheck.recheck", deleted_article_ids=[article.pk])
    set_history_user(article, user)
    article.delete()


@transaction.atomic
def article_correct(
    *,
    article: Article,
    published_at,
    what_changed: str,
    note: str = "",
    body: str | None = None,
    user: Actor = None,
) -> tuple[Correction, ReanchorReport]:
    """Record a correction the outlet published and, when ``body`` is given, the corrected
    text: the body's history keeps the version before it, and every span is re-anchored
    to the new one (those that cannot be found are flagged, never deleted)."""
    correction = Correction(
        article=article, published_at=published_at, what_changed=what_changed, note=note
    )
    correction.full_clean()
    report = ReanchorReport()
    if body is not None:
        body = normalize_newlines(body)
        if body != article.body:
            correction.changed_body = True
            report = article_update(article=article, user=user, body=body)
    set_history_user(correction, user)
    correction.save()
    return correction, report


def article_update_body(*, article: Article, body: str, user: Actor = None) -> ReanchorReport:
    """Replace the body and re-anchor every span (see ``article_update``)."""
    return article_update(article=article, user=user, body=body)


def _reanchor_spans(*, article: Article, old_body: str, user: Actor) -> ReanchorReport:
    """Move each span to where its text now stands. Call inside a transaction.

    A span found exactly keeps its text; one found only approximately takes the new text and
    is marked fuzzy; one not found is orphaned (offsets cleared, text kept). None is deleted.
    """
    report = ReanchorReport()
    threshold = settings.TRACKER_REANCHOR_FUZZY_THRESHOLD
    now = timezone.now()
    for model in anchored_span_models():
        # An abstract model has no manager in the stubs; every concrete one has `objects`.
        rows = list(model.objects.filter(article=article).order_by("pk"))  # type: ignore[attr-defined]
        if not rows:
            continue
        anchors = reanchor(
            old_body,
            article.body,
            [Span(row.start, row.end, row.text) for row in rows],
            fuzzy_threshold=threshold,
        )
        changed = []
        for row, anchor in zip(rows, anchors, strict=True):
            report.counts[anchor.status] += 1
            if anchor.status != AnchorStatus.ORPHANED and (
                article.body[anchor.start : anchor.end] != anchor.text
            ):
                raise AssertionError("re-anchoring produced a span that does not match the body")
            if (row.start, row.end, row.text, row.anchor_status) != (
                anchor.start,
                anchor.end,
                anchor.text,
                anchor.status,
            ):
                row.start, row.end, row.text = anchor.start, anchor.end, anchor.text
                row.anchor_status = anchor.status
                # bulk_update does not set auto_now fields: a moved span is a changed row.
                row.updated_at = now
                changed.append(row)
            if anchor.status in FLAGGED_STATUSES:
                report.flagged.append(row)
        if changed:
            bulk_update_with_history(
                changed,
                model,
                ["start", "end", "text", "anchor_status", "updated_at"],
                default_user=acting_user(user),
                default_change_reason="re-anchored after a body edit",
            )
            report.updated.extend(changed)
    return report
