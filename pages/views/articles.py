"""The article reader (every attribution highlighted in place) and the source page
(statements across articles)."""

from collections.abc import Mapping
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Abs
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views import View
from django.views.generic import DetailView

from access.views import PageAccessMixin
from articles.highlight import Link, highlight, legend
from articles.models import Article
from claims.highlights import HIGHLIGHT_KINDS, body_highlights, claim_title
from claims.models import Attribution
from claims.selectors import source_statements
from crosscheck.models import Finding
from crosscheck.reports import article_sourcing
from sources.models import Source
from suggestions.models import Suggestion
from suggestions.services import extract_for_text_article, suggest_attributions

# What the reader's labels lead to; the key adds the note every highlighted body shares.
READER_HINT = (
    "Each highlight begins with a label: the source's kind and name, linked to the source, "
    "and a link to its claim. A span underlined in red has an open finding; its label "
    "links to it."
)


def reader_links(attribution: Attribution, findings: Mapping[int, Finding] | None = None) -> dict:
    """Where a highlight's label leads on the pages: its source, its claim, and the open
    finding on it (the first by severity, from ``findings``, keyed by attribution id)."""
    a = attribution
    source_url = reverse("pages:source-detail", args=[a.source_id]) if a.source_id else ""
    links: tuple[Link, ...] = ()
    if a.claim_id:
        claim_url = reverse("pages:claim-detail", args=[a.claim_id])
        links += (Link(claim_url, "claim", "hl-claim", claim_title(a)),)
    finding = (findings or {}).get(a.pk)
    if finding is None:
        return {"href": source_url, "links": links}
    summary = finding.summary or finding.get_kind_display()
    finding_link = Link(
        reverse("pages:finding-detail", args=[finding.pk]),
        f"finding #{finding.pk}",
        "hl-finding-link",
        f"{finding.severity} severity: {summary}",
    )
    return {"href": source_url, "links": (*links, finding_link), "finding": summary}


def open_findings_on(attribution_ids) -> dict[int, Finding]:
    """The open, current finding on each of these attributions that has one: the most
    severe, then the newest. One query."""
    findings: dict[int, Finding] = {}
    rows = (
        Finding.objects.current()
        .filter(state=Finding.State.OPEN, attributions__in=list(attribution_ids))
        .by_severity()
        .annotate(attribution_id=F("attributions"))
        .only("id", "kind", "summary")
    )
    for finding in rows:
        findings.setdefault(finding.attribution_id, finding)
    return findings


def article_body_html(
    article: Article, attributions, metadata_spans, findings: Mapping[int, Finding] | None = None
) -> tuple[SafeString, ...]:
    """The body, escaped, with every anchored attribution and metadata span highlighted
    (a span with an open finding marked and linked to it), and the key with each kind's
    count."""
    spans = body_highlights(
        article.body,
        attributions,
        metadata_spans,
        attribution_links=lambda a: reader_links(a, findings),
    )
    return highlight(article.body, spans), legend(HIGHLIGHT_KINDS, spans, hint=READER_HINT)


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
        findings_on = open_findings_on(a.pk for a in attributions)
        body_html, legend_html = article_body_html(
            article, attributions, metadata_spans, findings_on
        )
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
            legend_html=legend_html,
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


class ArticleSuggestView(PageAccessMixin, View):
    """POST: run the extractor on the article, store its suggestions and open the review
    queue (the admin's suggestions of this article, pending first)."""

    read_permissions = ("articles.view_article",)
    write_permissions = ("suggestions.add_suggestion",)
    http_method_names = ["post"]

    def post(self, request, pk):
        article = get_object_or_404(Article.objects.only("id", "headline"), pk=pk)
        try:
            report = suggest_attributions(article=article, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("pages:article-detail", args=[pk]))
        messages.success(request, f"{article.headline}: {report}.")
        review = (
            reverse("admin:suggestions_suggestion_changelist")
            + "?"
            + urlencode({"article__id__exact": pk, "state__exact": Suggestion.State.PENDING})
        )
        return HttpResponseRedirect(review)


def annotation_prefill(article: Article, start: int, end: int) -> dict[str, str]:
    """What the attribution form of the admin starts with for ``body[start:end]``: the span,
    and the cue, kind and speaker the extractor finds around it (the suggestion overlapping
    it most), else the source of the nearest attribution of the article."""
    initial = {"article": str(article.pk), "start": str(start), "end": str(end)}
    overlap = 0
    found = None
    for item in extract_for_text_article(article).suggestions:
        shared = min(end, item.end) - max(start, item.start)
        if shared > overlap:
            overlap, found = shared, item
    if found is not None:
        initial.update(kind=found.kind, speaker_mention=found.speaker_mention, cue=found.cue)
        if found.source_id is not None:
            initial["source"] = str(found.source_id)
    if "source" not in initial:
        nearest = (
            Attribution.objects.filter(article=article, source__isnull=False, start__isnull=False)
            .annotate(distance=Abs(F("start") - start))
            .order_by("distance", "id")
            .values_list("source_id", flat=True)
            .first()
        )
        if nearest is not None:
            initial["source"] = str(nearest)
    return {key: value for key, value in initial.items() if value}


class ArticleAnnotateView(PageAccessMixin, View):
    """GET ``?start=&end=`` (a selection in the reader): the admin's attribution form for
    that span, with the cue, kind and speaker found around it filled in."""

    # A GET that leads to adding an attribution: only for those who may add one.
    read_permissions = ("articles.view_article", "claims.add_attribution")

    def get(self, request, pk):
        article = get_object_or_404(Article, pk=pk)
        try:
            start, end = int(request.GET.get("start", "")), int(request.GET.get("end", ""))
        except ValueError:
            return HttpResponseBadRequest("Give the selection as start and end offsets.")
        if not 0 <= start < end <= len(article.body) or not article.body[start:end].strip():
            return HttpResponseBadRequest("The selection is not a span of the article's text.")
        initial = annotation_prefill(article, start, end)
        return HttpResponseRedirect(
            reverse("admin:claims_attribution_add") + "?" + urlencode(initial)
        )
