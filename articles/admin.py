"""Admin for outlets, articles, sources, their aliases and the metadata spans of articles.

``claims/admin.py`` extends the Article and Source admins with what needs claims data
(attributions, the highlighted preview); nothing here imports ``claims``.
"""

import functools
import operator
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.utils.html import format_html

from access.admin_base import CompactInlineMixin, TrackerAdmin, adopt, field_values
from access.forms import (
    AdminModelForm,
)
from access.selectors import subquery_count
from access.services import set_history_user
from access.text import shorten
from articles import services
from articles.anchoring import FLAGGED_STATUSES
from articles.forms import ArticleForm, SpanForm, SpanInlineFormSet
from articles.models import AnchoredSpan, Article, Correction, MetadataSpan, Outlet


def span_in_context(span: AnchoredSpan, body: str, width: int = 60) -> str:
    """The span in <mark> with up to ``width`` characters of the body on each side, escaped."""
    if span.pk is None and not span.text:
        return "—"
    if span.start is None:
        return format_html('<span class="span-missing">Not in the body: “{}”</span>', span.text)
    if body[span.start : span.end] != span.text:
        return format_html(
            '<span class="span-missing">Does not match the body: “{}”</span>', span.text
        )
    # Offsets are both set or both empty (the model's check constraint).
    assert span.end is not None
    before, text, after = span.context(body, width)
    return format_html(
        '<span class="span-context">{}{}<mark>{}</mark>{}{}</span>',
        "…" if span.start > width else "",
        before,
        text,
        after,
        "…" if span.end + width < len(body) else "",
    )


def anchor_badge(span: AnchoredSpan) -> str:
    return format_html(
        '<span class="anchor-badge anchor-{}">{}</span>',
        span.anchor_status,
        span.get_anchor_status_display(),
    )


class SpanAdminMixin:
    """List and form columns of an admin for a span model: its text, anchor and context."""

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return shorten(obj.text)

    @admin.display(description="anchor", ordering="anchor_status")
    def anchor(self, obj):
        return anchor_badge(obj)

    @admin.display(description="in context")
    def in_context(self, obj):
        if obj is None or obj.article_id is None:
            return "—"
        return span_in_context(obj, obj.article.body)


class SpanInlineMixin(CompactInlineMixin):
    """Spans of the article on its page, a page of them at a time: shown in context,
    checked as ``SpanForm`` says."""

    form: "type[forms.ModelForm[Any]]" = SpanForm
    formset: "type[forms.BaseInlineFormSet[Any, Any, Any]]" = SpanInlineFormSet

    @admin.display(description="in context")
    def in_context(self, obj):
        # The formset gives every row its article, with the body as submitted.
        return span_in_context(obj, obj.article.body)

    @admin.display(description="anchor")
    def anchor(self, obj):
        return anchor_badge(obj) if obj is not None and obj.pk else "—"


@admin.register(Outlet)
class OutletAdmin(TrackerAdmin):
    list_display = ["name", "kind", "domain", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "kind", "domain", "created_at", "updated_at"]

    def get_queryset(self, request):
        # Outlets have no foreign keys to select; the one count is a subquery.
        return (
            super().get_queryset(request).annotate(article_count=subquery_count(Article, "outlet"))
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


class MetadataSpanInline(SpanInlineMixin, admin.StackedInline):
    """Collapsed: the preview shows the metadata spans greyed, and a flagged one is listed
    under "Spans that need attention" (a row with an error opens it)."""

    model = MetadataSpan
    fields = ["in_context", "kind", "outlet", "text", "start", "end", "anchor"]
    readonly_fields = ["in_context", "anchor"]
    autocomplete_fields = ["outlet"]
    extra = 0
    classes = ["collapse"]
    verbose_name_plural = "metadata spans (headings, captions, credits, update lines)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet")


ARTICLE_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "headline",
                ("outlet", "origin_outlet"),
                "url",
                ("byline", "dateline"),
                ("published_at", "last_updated_at"),
                ("language", "status"),
            ]
        },
    ),
    ("Body", {"fields": ["body"]}),
    (
        "Retraction",
        {
            "fields": [("retracted_at", "retraction_note")],
            "classes": ["collapse"],
            "description": (
                "A retracted article's attributions stay visible, marked, but no longer count "
                "toward corroborating a claim. Record corrections under Corrections."
            ),
        },
    ),
]


ARTICLE_RECORD_FIELDSETS = [
    ("Notes", {"fields": ["notes"], "classes": ["collapse"]}),
    ("Record", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
]


class ArticleAdmin(TrackerAdmin):
    form = ArticleForm
    list_display = ["headline", "outlet", "origin_outlet", "published_at", "status", "flagged"]
    list_filter = [
        "status",
        ("outlet", admin.RelatedOnlyFieldListFilter),
        "language",
        "published_at",
    ]
    list_select_related = ["outlet", "origin_outlet"]
    list_defer = ("body", "notes")
    search_fields = ["headline", "body", "url", "byline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["outlet", "origin_outlet"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [*ARTICLE_FIELDSETS, *ARTICLE_RECORD_FIELDSETS]
    inlines: "list[type[InlineModelAdmin[Any, Any]]]" = [MetadataSpanInline]

    def get_queryset(self, request):
        flagged = [
            subquery_count(model, "article", anchor_status__in=FLAGGED_STATUSES)
            for model in services.anchored_span_models()
        ]
        return (
            super()
            .get_queryset(request)
            .select_related("outlet", "origin_outlet")
            .annotate(flagged_count=functools.reduce(operator.add, flagged))
        )

    @admin.display(description="flagged spans", ordering="flagged_count")
    def flagged(self, obj):
        if not obj.flagged_count:
            return 0
        return format_html('<span class="flag-count">{}</span>', obj.flagged_count)

    def save_model(self, request, obj, form, change):
        if not change:
            adopt(obj, services.article_create(user=request.user, **field_values(obj, form.fields)))
            return
        report = services.article_update(
            article=obj, user=request.user, **field_values(obj, form.changed_data)
        )
        request._reanchor_report = report

    def save_formset(self, request, form, formset, change):
        report = getattr(request, "_reanchor_report", None)
        if report is not None and isinstance(formset, SpanInlineFormSet):
            # The spans the editor left alone are where the service re-anchored them.
            formset.take_reanchored(report.updated)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        services.article_delete(article=obj, user=request.user)

    def after_save(self, request, obj, change):
        report = getattr(request, "_reanchor_report", None)
        if report is None or not report.counts:
            return
        self.message_user(request, f"The body changed. {report.summary()}", messages.INFO)
        # Rows the editor fixed in the same submit are no longer flagged.
        still_flagged = []
        for model in {type(span) for span in report.flagged}:
            pks = [span.pk for span in report.flagged if type(span) is model]
            still_flagged += model._default_manager.filter(
                pk__in=pks, anchor_status__in=FLAGGED_STATUSES
            ).order_by("pk")
        if still_flagged:
            listed = "; ".join(
                f"{span._meta.verbose_name} #{span.pk} {span.anchor_status}: “{span.text}”"
                for span in still_flagged
            )
            self.message_user(
                request,
                f"{len(still_flagged)} span(s) need attention after the body edit "
                f"(see “Spans that need attention”): {listed}",
                messages.WARNING,
            )


@admin.register(MetadataSpan)
class MetadataSpanAdmin(SpanAdminMixin, TrackerAdmin):
    form = SpanForm
    list_display = ["short_text", "kind", "article", "anchor", "outlet"]
    list_filter = ["kind", "anchor_status", ("outlet", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["article", "outlet"]
    list_defer = ("article__body", "article__notes")
    search_fields = ["text", "article__headline"]
    autocomplete_fields = ["article", "outlet"]
    fields = [
        "article",
        "kind",
        "text",
        ("start", "end"),
        "outlet",
        "in_context",
        "anchor_status",
        ("created_at", "updated_at"),
    ]
    readonly_fields = ["in_context", "anchor_status", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "outlet")


class CorrectionForm(AdminModelForm):
    new_body = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=(
            "When the correction changed the text, paste the corrected body here: the "
            "previous version stays in the article's history and every span is re-anchored "
            "(spans that cannot be found are flagged, never deleted). Only on a new correction."
        ),
    )

    class Meta:
        model = Correction
        fields = "__all__"


@admin.register(Correction)
class CorrectionAdmin(TrackerAdmin):
    form = CorrectionForm
    list_display = ["__str__", "article", "published_at", "changed_body"]
    list_select_related = ["article"]
    list_defer = ("article__body", "article__notes")
    list_filter = ["changed_body", "published_at"]
    search_fields = ["what_changed", "note", "article__headline"]
    autocomplete_fields = ["article"]
    readonly_fields = ["changed_body", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        fields = ["article", "published_at", "what_changed", "note", "changed_body"]
        return fields if obj is not None else [*fields[:-1], "new_body"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        return [*readonly, "article"] if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        if change:
            set_history_user(obj, request.user)
            obj.save()
            return
        body = form.cleaned_data.get("new_body") or None
        correction, _report = services.article_correct(
            article=obj.article,
            published_at=obj.published_at,
            what_changed=obj.what_changed,
            note=obj.note,
            body=body,
            user=request.user,
        )
        adopt(obj, correction)
