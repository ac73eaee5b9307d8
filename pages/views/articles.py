"""The article reader (every attribution highlighted in place) and the source page
(statements across articles)."""

import re
from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import DetailView

from access.text import shorten
from access.views import PageAccessMixin
from articles.anchoring import AnchorStatus
from articles.highlight import Highlight, highlight
from articles.models import Article
from claims.models import Attribution
from claims.selectors import source_statements
from crosscheck.models import Finding
from crosscheck.reports import article_sourcing
from sources.models import Source

# The kinds a highlight can have, in the legend's order, with the short tag each label
# starts with: the tag tells the kind apart without relying on colour.
HIGHLIGHT_KINDS = [
    (Source.Kind.PERSON.value, "named person", ""),
    (Source.Kind.ANONYMOUS.value, "anonymous source", "anon"),
    (Source.Kind.OFFICIAL_ACCOUNT.value, "official account", "account"),
    (Source.Kind.ORGANIZATION.value, "organisation", "org"),
    (Source.Kind.GROUP.value, "unnamed group", "group"),
    (Source.Kind.DOCUMENT.value, "document", "doc"),
    ("unattributed", "unattributed statement", "no source"),
    ("metadata", "metadata (not a claim)", ""),
]
KIND_TAGS = {kind: tag for kind, _label, tag in HIGHLIGHT_KINDS}
FLAGGED = (AnchorStatus.FUZZY, AnchorStatus.ORPHANED)


def highlight_kind(attribution: Attribution) -> str:
    return attribution.source.kind if attribution.source_id else "unattributed"


def highlight_label(attribution: Attribution) -> str:
    """The label shown where a span starts: the kind's tag and who is speaking."""
    kind = highlight_kind(attribution)
    if attribution.source_id is None:
        return KIND_TAGS[kind]
    source = attribution.source
    who = shorten(source.name or source.description, 32)
    return f"{KIND_TAGS[kind]}: {who}" if KIND_TAGS[kind] else who


@dataclass(frozen=True)
class LabelLinks:
    """Where a highlight's label leads: its source and its claim (empty for none)."""

    source_url: str = ""
    claim_url: str = ""
    claim_title: str = ""


# ``highlight()`` escapes every piece of text, so each "<" in its output starts a tag it built;
# a label is always this span, with escaped text inside (no "<").
_LABEL_RE = re.compile(r'<span class="hl-label (?P<css>[^"<>]*)">(?P<label>[^<]*)</span>')


def link_labels(html: SafeString, links: dict[str, LabelLinks]) -> SafeString:
    """Turn the labels ``highlight()`` wrote into links to the source and the claim.

    ``highlight()`` draws plain labels; each attribution's CSS class names it
    (``hl-at-<id>``), which finds its label here. The label's text is reused as
    ``highlight()`` escaped it; every URL and title is escaped by ``format_html``.
    """

    def link(match: re.Match) -> str:
        css = match["css"]
        found = links.get(css)
        if found is None:
            return match[0]
        label = mark_safe(match["label"])  # already escaped by highlight()
        who = (
            format_html('<a href="{}">{}</a>', found.source_url, label)
            if found.source_url
            else format_html("<span>{}</span>", label)
        )
        claim = (
            format_html(
                '<a class="hl-claim" href="{}" title="{}" aria-label="{}">claim</a>',
                found.claim_url,
                found.claim_title,
                found.claim_title,
            )
            if found.claim_url
            else ""
        )
        return format_html('<span class="hl-label {}">{}{}</span>', css, who, claim)

    return mark_safe(_LABEL_RE.sub(link, str(html)))


def article_body_html(article: Article, attributions, metadata_spans) -> tuple[SafeString, list]:
    """The body, escaped, with every anchored attribution and metadata span highlighted,
    and the legend with each kind's count."""
    body = article.body
    items, counts, links = [], Counter(), {}
    for span in metadata_spans:
        if span.start is not None and body[span.start : span.end] == span.text:
            counts["metadata"] += 1
            title = f"Metadata: {span.get_kind_display()}"
            items.append(Highlight(span.start, span.end, "hl hl-metadata", title))
    for a in attributions:
        if a.start is None or body[a.start : a.end] != a.text:
            continue
        kind = highlight_kind(a)
        css = f"hl hl-{kind} hl-at-{a.pk}"
        who = a.source.display_name if a.source_id else "No source"
        kind_label = a.source.get_kind_display() if a.source_id else "unattributed"
        claim_title = f"Claim #{a.claim_id}: {a.claim}" if a.claim_id else ""
        title = f"{who} ({kind_label}), {a.get_kind_display()}. " + (
            claim_title or "No claim linked yet."
        )
        if a.anchor_status in FLAGGED:
            css += " hl-flagged"
            title += " Re-anchored to a close match after a body edit: check it."
        counts[kind] += 1
        items.append(Highlight(a.start, a.end, css, title, highlight_label(a)))
        links[css] = LabelLinks(
            source_url=reverse("pages:source-detail", args=[a.source_id]) if a.source_id else "",
            claim_url=reverse("pages:claim-detail", args=[a.claim_id]) if a.claim_id else "",
            claim_title=claim_title,
        )
    legend = [
        {"kind": kind, "label": label, "tag": tag, "count": counts[kind]}
        for kind, label, tag in HIGHLIGHT_KINDS
    ]
    return link_labels(highlight(body, items), links), legend


def findings_involving(*, article: Article | None = None, source: Source | None = None) -> Q:
    """Current findings whose attributions or sources belong to the article, or that
    involve the source."""
    through_a = Finding.attributions.through.objects.filter(finding=OuterRef("pk"))
    through_s = Finding.sources.through.objects.filter(finding=OuterRef("pk"))
    if article is not None:
        return Q(Exists(through_a.filter(attribution__article=article))) | Q(
            Exists(through_s.filter(source__article=article))
        )
    return Q(Exists(through_s.filter(source=source)))


def finding_counts(condition: Q) -> list[dict]:
    """Current findings matching ``condition``, counted by kind: open and all."""
    rows = (
        Finding.objects.current()
        .filter(condition)
        .order_by()
        .values("kind", "state")
        .annotate(n=Count("id"))
    )
    by_kind: dict[str, dict] = {}
    for row in rows:
        entry = by_kind.setdefault(row["kind"], {"open": 0, "total": 0})
        entry["total"] += row["n"]
        if row["state"] == Finding.State.OPEN:
            entry["open"] += row["n"]
    return [
        {"kind": kind, "label": label, **by_kind[kind]}
        for kind, label in Finding.Kind.choices
        if kind in by_kind
    ]


class ArticleReaderView(PageAccessMixin, DetailView):
    template_name = "pages/article_detail.html"
    context_object_name = "article"
    read_permissions = (
        "articles.view_article",
        "claims.view_attribution",
        "crosscheck.view_finding",
    )

    def get_queryset(self):
        return Article.objects.with_related().prefetch_related("corrections")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        attributions = list(
            Attribution.objects.with_related()
            .defer("article__body", "article__notes")
            .filter(article=article)
            .in_text_order()
        )
        metadata_spans = list(article.metadata_spans.order_by(F("start").asc(nulls_last=True)))
        body_html, legend = article_body_html(article, attributions, metadata_spans)
        profile = article_sourcing(article)
        sources: dict[int, dict] = {}
        for a in attributions:
            if a.source_id is not None:
                entry = sources.setdefault(a.source_id, {"source": a.source, "count": 0})
                entry["count"] += 1
        unexplained = set(profile["unexplained_anonymous_sources"])
        for entry in sources.values():
            entry["unexplained"] = entry["source"].pk in unexplained
        claims = {a.claim_id: a.claim for a in attributions if a.claim_id}
        context.update(
            body_html=body_html,
            legend=legend,
            attributions=attributions,
            orphaned=[a for a in attributions if a.start is None],
            article_sources=list(sources.values()),
            profile=profile,
            profile_kinds=[
                (label, profile["sources_by_kind"][kind])
                for kind, label in Source.Kind.choices
                if kind in profile["sources_by_kind"]
            ],
            profile_role_types=[
                (label, profile["sources_by_role_type"][role_type])
                for role_type, label in [
                    *Source.RoleType.choices,
                    (Source.UNKNOWN_ROLE_TYPE, "type of role not recorded"),
                ]
                if role_type in profile["sources_by_role_type"]
            ],
            anonymous_only_claims=[
                claims[i] for i in profile["claims_on_anonymous_sources_only"] if i in claims
            ],
            anonymous_only_percent=round(profile["anonymous_only_share"] * 100),
            findings=finding_counts(findings_involving(article=article)),
        )
        return context


STATEMENTS_PER_PAGE = 50
FINDINGS_SHOWN = 20


class SourceDetailView(PageAccessMixin, DetailView):
    template_name = "pages/source_detail.html"
    context_object_name = "source"
    read_permissions = ("sources.view_source", "claims.view_attribution", "crosscheck.view_finding")

    def get_queryset(self):
        return Source.objects.with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.object
        related = list(
            Source.objects.filter(Q(affiliation=source) | Q(owner=source)).order_by(
                "name", "description", "id"
            )
        )
        page = Paginator(source_statements(source), STATEMENTS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        findings = list(
            Finding.objects.current()
            .filter(findings_involving(source=source))
            .with_related()
            .order_by("state", "kind", "-id")[: FINDINGS_SHOWN + 1]
        )
        context.update(
            aliases=[a.name for a in source.aliases.all()],
            identifiers=list(source.identifiers.all()),
            members=[s for s in related if s.affiliation_id == source.pk],
            accounts=[s for s in related if s.owner_id == source.pk],
            page_obj=page,
            statements=page.object_list,
            findings=findings[:FINDINGS_SHOWN],
            more_findings=len(findings) > FINDINGS_SHOWN,
        )
        return context
