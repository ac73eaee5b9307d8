"""Admin for claims, attributions, relations and reviews.

It also extends the sources admin (``claims`` may import ``sources``, never the reverse):
the Article admin gains the attributions inline, the highlighted preview and the list of
spans that need attention; the Source admin gains its statements across articles.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from access.admin_base import (
    ReadOnlyInlineMixin,
    ServiceInlineMixin,
    TrackerAdmin,
    adopt,
    field_values,
)
from access.forms import NormalizedTextField, ParentInlineFormSet
from access.roles import may_change_authored
from access.selectors import subquery_count
from access.text import shorten
from articles.admin import SpanAdminMixin, SpanInlineMixin, anchor_badge, span_in_context
from articles.forms import SpanForm
from claims import services
from claims.models import Attribution, Claim, ClaimRelation, Review
from claims.selectors import source_statements
from sources.admin import SOURCE_FIELDSETS, SourceAdmin
from sources.models import Source

# Small text areas in inline rows.
INLINE_TEXT = {
    **ServiceInlineMixin.formfield_overrides,
    models.TextField: {
        "form_class": NormalizedTextField,
        "widget": forms.Textarea(attrs={"rows": 3, "cols": 60}),
    },
}


# --- The article page: attributions, highlighted preview, flagged spans ----------------


class AttributionInline(SpanInlineMixin, admin.StackedInline):
    """The article's attributions in text order, a page at a time, each row with the span
    in context and the fields an editor sets while reading; the rest (cue, channel,
    recipient, dates, review) on the attribution's own page, one click away."""

    model = Attribution
    template = "admin/claims/attribution/article_inline.html"
    row_help = False
    extra = 1
    show_change_link = True
    autocomplete_fields = ["source", "claim"]
    readonly_fields = ["in_context", "anchor"]
    fields = [
        "in_context",
        "source",
        "kind",
        "stance",
        "claim",
        "text",
        "start",
        "end",
        "anchor",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related("source", "claim").in_text_order()

    def create_object(self, request, obj, data):
        adopt(obj, services.attribution_create(user=request.user, **data))

    def update_object(self, request, obj, data):
        services.attribution_update(attribution=obj, user=request.user, **data)

    def delete_object(self, request, obj):
        services.attribution_delete(attribution=obj, user=request.user)


# --- The source page: statements across articles ---------------------------------------

SOURCE_STATEMENTS_SHOWN = 50


_SOURCE_STATEMENT_FIELDS = ("article", "said", "kind", "said_on", "claim")


class SourceAttributionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Read-only: the source's latest statements, each linking to its attribution."""

    model = Attribution
    fk_name = "source"
    formset = ParentInlineFormSet
    only_on_change = True
    verbose_name_plural = f"statements across articles (the latest {SOURCE_STATEMENTS_SHOWN})"
    fields = _SOURCE_STATEMENT_FIELDS
    readonly_fields = _SOURCE_STATEMENT_FIELDS
    show_change_link = True

    @admin.display(description="text")
    def said(self, obj):
        return shorten(obj.text, 160)


@admin.register(Source)
class SourceWithClaimsAdmin(SourceAdmin):
    list_display = [*SourceAdmin.list_display, "attribution_count"]
    readonly_fields = [*SourceAdmin.readonly_fields, "statements"]
    fieldsets = [
        *SOURCE_FIELDSETS[:-2],
        ("Statements", {"fields": ["statements"]}),
        *SOURCE_FIELDSETS[-2:],
    ]
    inlines = [*SourceAdmin.inlines, SourceAttributionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                attribution_count=subquery_count(Attribution, "source"),
                article_count=subquery_count(Attribution, "source", distinct="article"),
            )
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, SourceAttributionInline) and obj.pk is not None:
            # The formset filters its queryset by source again, so the latest are picked
            # in a subquery: a sliced queryset cannot be filtered.
            statements = source_statements(obj, newest_first=True)
            latest = statements.values("pk")[:SOURCE_STATEMENTS_SHOWN]
            kwargs["queryset"] = statements.filter(pk__in=latest)
        return kwargs

    @admin.display(description="attributions", ordering="attribution_count")
    def attribution_count(self, obj):
        return obj.attribution_count

    @admin.display(description="statements")
    def statements(self, obj):
        if obj is None or obj.pk is None or not getattr(obj, "attribution_count", 0):
            return "None yet."
        url = reverse("admin:claims_attribution_changelist")
        return format_html(
            '{} attribution(s) in {} article(s). <a href="{}?{}">See them all in the '
            "attribution list</a>.",
            obj.attribution_count,
            obj.article_count,
            url,
            urlencode({"source__id__exact": obj.pk}),
        )

    def merge_rank(self, source, counts):
        """Propose to keep the source with the most attributions (see SourceAdmin)."""
        return (source.article_id is None, counts["attributions"], counts.total(), -source.pk)


# --- Claims -------------------------------------------------------------------------------


class ClaimAttributionInline(ServiceInlineMixin, admin.TabularInline):
    """The claim's attributions. Their spans are edited on the article's page; here the
    source, kind and stance can be corrected."""

    model = Attribution
    fk_name = "claim"
    verbose_name_plural = "attributions (add them on the article's page, where the text is)"
    fields = ["article", "in_context", "source", "kind", "stance", "anchor"]
    readonly_fields = ["article", "in_context", "anchor"]
    autocomplete_fields = ["source"]
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "source")
            .order_by(F("article__published_at").desc(nulls_last=True), "article_id", "start")
        )

    @admin.display(description="in context")
    def in_context(self, obj):
        return span_in_context(obj, obj.article.body)

    @admin.display(description="anchor")
    def anchor(self, obj):
        return anchor_badge(obj)

    def update_object(self, request, obj, data):
        services.attribution_update(attribution=obj, user=request.user, **data)


class ClaimRelationInline(ServiceInlineMixin, admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    formfield_overrides = INLINE_TEXT
    verbose_name_plural = "relations to other claims"
    fields = ["kind", "to_claim", "note", "created_by"]
    readonly_fields = ["created_by"]
    autocomplete_fields = ["to_claim"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_claim", "created_by")

    def create_object(self, request, obj, data):
        adopt(obj, services.claim_relation_create(user=request.user, **data))

    def update_object(self, request, obj, data):
        services.claim_relation_update(relation=obj, user=request.user, **data)

    def delete_object(self, request, obj):
        services.claim_relation_delete(relation=obj, user=request.user)


_INCOMING_RELATION_FIELDS = ("from_claim", "kind", "note", "created_by")


class IncomingRelationInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Read-only: relations other claims have to this one (edit them from there)."""

    model = ClaimRelation
    fk_name = "to_claim"
    formset = ParentInlineFormSet
    only_on_change = True
    verbose_name_plural = "relations from other claims"
    fields = _INCOMING_RELATION_FIELDS
    readonly_fields = _INCOMING_RELATION_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_claim", "created_by")


class ReviewInline(ServiceInlineMixin, admin.TabularInline):
    model = Review
    formfield_overrides = INLINE_TEXT
    fields = ["rating", "summary", "published_at", "url", "reviewer"]
    readonly_fields = ["reviewer"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")

    def create_object(self, request, obj, data):
        adopt(obj, services.review_create(user=request.user, **data))


@admin.register(Claim)
class ClaimAdmin(TrackerAdmin):
    list_display = ["short_text", "status", "event_date", "attribution_count", "created_at"]
    list_filter = ["status", "event_date"]
    search_fields = ["text", "notes", "attributions__text"]
    readonly_fields = ["status", "attribution_count", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["text", ("event_date", "status"), "attribution_count"]}),
        ("Notes", {"fields": ["notes"], "classes": ["collapse"]}),
        ("Record", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]
    inlines = [ClaimAttributionInline, ClaimRelationInline, IncomingRelationInline, ReviewInline]

    def get_queryset(self, request):
        # Claims have no foreign keys to select. The count is a subquery, so a search on
        # attributions__text, which joins them, does not multiply it.
        return super().get_queryset(request).with_counts()

    @admin.display(description="claim", ordering="text")
    def short_text(self, obj):
        return shorten(obj.text, 120)

    @admin.display(description="attributions", ordering="attribution_count")
    def attribution_count(self, obj):
        return getattr(obj, "attribution_count", 0)

    def save_model(self, request, obj, form, change):
        if change:
            services.claim_update(
                claim=obj, user=request.user, **field_values(obj, form.changed_data)
            )
        else:
            adopt(obj, services.claim_create(user=request.user, **field_values(obj, form.fields)))

    def delete_model(self, request, obj):
        services.claim_delete(claim=obj, user=request.user)


# --- Attributions -------------------------------------------------------------------------


class SourceKindListFilter(admin.ChoicesFieldListFilter):
    """The kind of the attribution's source, titled apart from the attribution's own kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "kind of source"


@admin.register(Attribution)
class AttributionAdmin(SpanAdminMixin, TrackerAdmin):
    form = SpanForm
    # Short columns that wrap, so that all of them show at 1,280 pixels beside the menu and
    # the filters; the whole text is on each attribution's page.
    list_display = [
        "short_text",
        "speaker",
        "in_article",
        "kind",
        "claim_shown",
        "anchor",
        "review",
    ]
    list_filter = [
        "kind",
        "act",
        "channel",
        "anchor_status",
        "is_suggested",
        "is_reviewed",
        "claim_is_suggested",
        ("source__kind", SourceKindListFilter),
    ]
    list_select_related = ["source", "article", "claim"]
    list_defer = ("article__body", "article__notes", "note")
    search_fields = ["text", "cue", "source__name", "source__description", "article__headline"]
    autocomplete_fields = ["article", "source", "claim", "recipient"]
    readonly_fields = [
        "in_context",
        "anchor_status",
        "continues",
        "claim_link_score",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            "Where in the article",
            {
                "fields": [
                    "article",
                    "in_context",
                    "text",
                    ("start", "end"),
                    "anchor_status",
                    "continues",
                ],
                "description": (
                    "Give the text exactly as in the body and leave the offsets empty to have "
                    "it located (it must occur once), or give the offsets and leave the text "
                    "empty to take it from the body. “Continues” names the first part of a "
                    "quote split by its cue, when this is a later part."
                ),
            },
        ),
        (
            "Who said it",
            {
                "fields": [
                    ("source", "speaker_mention"),
                    ("kind", "stance", "act"),
                    ("claim", "claim_is_suggested", "claim_link_score"),
                ],
                "description": (
                    "A claim marked suggested was linked by the claim matcher; untick it, or "
                    "choose another claim, to confirm the link."
                ),
            },
        ),
        (
            "How and when",
            {"fields": [("cue", "channel"), "recipient", ("said_on", "said_when_text")]},
        ),
        (
            "Review",
            {"fields": [("is_suggested", "is_reviewed"), ("reviewed_by", "reviewed_at"), "note"]},
        ),
        ("Record", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]
    actions = ["mark_reviewed"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "source", "claim", "recipient", "reviewed_by")
        )

    @admin.display(description="source", ordering="source__name")
    def speaker(self, obj):
        return shorten(obj.source.display_name, 40) if obj.source is not None else "—"

    @admin.display(description="article", ordering="article")
    def in_article(self, obj):
        return shorten(obj.article.headline, 40)

    @admin.display(description="claim", ordering="claim")
    def claim_shown(self, obj):
        return f"#{obj.claim_id}: {shorten(obj.claim.text, 60)}" if obj.claim_id else "—"

    @admin.display(description="review", ordering="is_reviewed")
    def review(self, obj):
        """Reviewed or not, and whether the extractor suggested it (both are filters)."""
        state = "reviewed" if obj.is_reviewed else "to review"
        return f"{state}, suggested" if obj.is_suggested else state

    def save_model(self, request, obj, form, change):
        if change:
            services.attribution_update(
                attribution=obj, user=request.user, **field_values(obj, form.changed_data)
            )
        else:
            data = field_values(obj, form.fields)
            adopt(obj, services.attribution_create(user=request.user, **data))

    def delete_model(self, request, obj):
        services.attribution_delete(attribution=obj, user=request.user)

    @admin.action(description="Mark selected attributions reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        rows = list(
            queryset.filter(is_reviewed=False).defer(None).select_related("article", "source")
        )
        try:
            with transaction.atomic():
                for attribution in rows:
                    services.attribution_update(
                        attribution=attribution, user=request.user, is_reviewed=True
                    )
        except ValidationError as error:
            self.message_user(
                request, "Nothing was marked: " + " ".join(error.messages), messages.ERROR
            )
            return
        self.message_user(request, f"{len(rows)} attribution(s) marked reviewed.", messages.SUCCESS)


# --- Relations and reviews ----------------------------------------------------------------


@admin.register(ClaimRelation)
class ClaimRelationAdmin(TrackerAdmin):
    list_display = ["from_claim", "kind", "to_claim", "created_by", "created_at"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["from_claim", "to_claim", "created_by"]
    search_fields = ["from_claim__text", "to_claim__text", "note"]
    autocomplete_fields = ["from_claim", "to_claim"]
    fields = ["from_claim", "kind", "to_claim", "note", "created_by", ("created_at", "updated_at")]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_claim", "to_claim", "created_by")

    def save_model(self, request, obj, form, change):
        if change:
            services.claim_relation_update(
                relation=obj, user=request.user, **field_values(obj, form.changed_data)
            )
        else:
            data = field_values(obj, form.fields)
            adopt(obj, services.claim_relation_create(user=request.user, **data))

    def delete_model(self, request, obj):
        services.claim_relation_delete(relation=obj, user=request.user)


@admin.register(Review)
class ReviewAdmin(TrackerAdmin):
    list_display = ["claim", "rating", "reviewer", "published_at"]
    list_filter = ["rating", "published_at", ("reviewer", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["claim", "reviewer"]
    search_fields = ["summary", "claim__text", "url"]
    autocomplete_fields = ["claim"]
    fields = [
        "claim",
        "rating",
        "summary",
        "published_at",
        "url",
        "reviewer",
        ("created_at", "updated_at"),
    ]
    readonly_fields = ["reviewer", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim", "reviewer")

    # A review is changed or deleted by its reviewer or an editor only.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_change_authored(request.user, obj.reviewer))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change_authored(request.user, obj.reviewer))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            adopt(obj, services.review_create(user=request.user, **field_values(obj, form.fields)))
