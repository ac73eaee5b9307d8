"""Admin for outlets, articles, sources, their aliases and the metadata spans of articles.

``claims/admin.py`` extends the Article and Source admins with what needs claims data
(attributions, the highlighted preview); nothing here imports ``claims``.
"""

import functools
import operator
from collections import Counter
from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from sources import services
from sources.anchoring import AnchorStatus
from sources.forms import (
    AdminModelForm,
    ArticleForm,
    NormalizedTextField,
    ParentInlineFormSet,
    PreloadedAutocompleteSelect,
    SourceAliasForm,
    SourceAliasFormSet,
    SourceIdentifierFormSet,
    SourceMergeForm,
    SpanForm,
    SpanInlineFormSet,
)
from sources.identifiers import Scheme
from sources.models import (
    AnchoredSpan,
    Article,
    Correction,
    MetadataSpan,
    Outlet,
    Source,
    SourceAlias,
    SourceIdentifier,
)
from tracker.services import set_history_user

FLAGGED_STATUSES = (AnchorStatus.FUZZY, AnchorStatus.ORPHANED)


# --- Helpers shared with claims/admin.py -------------------------------------------------


def count_of(model: type[models.Model], fk: str, **filters) -> Coalesce:
    """The number of ``model`` rows pointing at each row, as a subquery annotation.

    Subqueries rather than ``Count`` joins, so that two counts over different relations do
    not multiply each other's rows.
    """
    rows = (
        model._default_manager.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


def field_values(instance: models.Model, names: Iterable[str]) -> dict:
    """The values of the model fields ``names`` (form fields that are not model fields, and
    the primary key, are skipped), as the validated form left them on ``instance``."""
    opts = instance._meta
    values = {}
    for name in names:
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.many_to_many and not field.primary_key:
            values[name] = getattr(instance, name)
    return values


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``target`` the row a service created: the admin goes on to use
    its instance (inlines, log entry, redirect), not the one the service returned."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


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


class DeferringChangeList(ChangeList):
    """Leaves out the large columns a list page never shows (``ModelAdmin.list_defer``)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.model_admin.list_defer:
            queryset = queryset.defer(*self.model_admin.list_defer)
        return queryset


class AutocompleteMixin:
    """Autocompletes that render their selected option without a query (see the widget)."""

    formfield_overrides = {
        models.TextField: {"form_class": NormalizedTextField},
        # Editors paste addresses without a scheme; today that means https.
        models.URLField: {"assume_scheme": "https"},
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TrackerAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    """Base of every ModelAdmin here: history, services on save, errors never a 500.

    ``save_model`` and the inlines' hooks call the services. A ``ValidationError`` a service
    raises after the form validated (a race, or a rule only the service knows) rolls the
    whole submit back and shows the form again with the error.
    """

    form = AdminModelForm
    list_defer: tuple[str, ...] = ()
    list_per_page = 50

    class Media:
        css = {"all": ["tracker/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return DeferringChangeList

    def get_inlines(self, request, obj):
        # Read-only lists of related rows (``only_on_change``) have nothing to show yet
        # on an add page.
        inlines = super().get_inlines(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not getattr(i, "only_on_change", False)]
        return inlines

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # changeform_view's atomic block has rolled the submit back by now.
            if request.method != "POST" or hasattr(request, "_service_error"):
                raise
            request._service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_service_error", None)
        if error is None:
            return form_class

        class ServiceErrorForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                self._update_errors(error)

        return ServiceErrorForm

    def get_search_results(self, request, queryset, search_term):
        # Used by the list and by autocompletes, neither of which shows the large columns.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if self.list_defer:
            queryset = queryset.defer(*self.list_defer)
        return queryset, may_have_duplicates

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.after_save(request, form.instance, change)

    def after_save(self, request, obj, change) -> None:
        """Hook run once the object and its inlines are saved: report, don't write."""

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "admin_inline", None)
        if not isinstance(inline, ServiceInlineMixin):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            inline.delete_object(request, obj)
        new = {id(obj) for obj in formset.new_objects}
        changed = {id(obj): names for obj, names in formset.changed_objects}
        for row in formset.forms:
            obj = row.instance
            if id(obj) in new:
                inline.create_object(request, obj, field_values(obj, row.fields))
            elif id(obj) in changed:
                inline.update_object(request, obj, field_values(obj, changed[id(obj)]))
        formset.save_m2m()
        return None


class ServiceInlineMixin(AutocompleteMixin):
    """An inline whose rows are written through hooks (services where they exist).

    Rows are kept compact: related objects can be added or viewed from a row, not changed
    or deleted (that is for their own page), and with ``row_help = False`` the fields' help
    is left to the inline's introduction instead of repeating on every row.
    """

    form = AdminModelForm
    formset = ParentInlineFormSet
    view_on_site = False
    row_help = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        if not self.row_help:
            formfield.help_text = ""
        if isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_change_related = False
            formfield.widget.can_delete_related = False
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.admin_inline = self
        return formset

    def create_object(self, request, obj, data: dict) -> None:
        set_history_user(obj, request.user)
        obj.save()

    def update_object(self, request, obj, data: dict) -> None:
        set_history_user(obj, request.user)
        obj.save()

    def delete_object(self, request, obj) -> None:
        set_history_user(obj, request.user)
        obj.delete()


class SpanInlineMixin(ServiceInlineMixin):
    """Spans of the article on its page: shown in context, checked as ``SpanForm`` says."""

    form = SpanForm
    formset = SpanInlineFormSet

    @admin.display(description="in context")
    def in_context(self, obj):
        # The formset gives every row its article, with the body as submitted.
        return span_in_context(obj, obj.article.body)

    @admin.display(description="anchor")
    def anchor(self, obj):
        return anchor_badge(obj) if obj is not None and obj.pk else "—"


# --- Outlets ------------------------------------------------------------------------------


@admin.register(Outlet)
class OutletAdmin(TrackerAdmin):
    list_display = ["name", "kind", "domain", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "domain"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "kind", "domain", "created_at", "updated_at"]

    def get_queryset(self, request):
        # Outlets have no foreign keys to select; the one count is a subquery.
        return super().get_queryset(request).annotate(article_count=count_of(Article, "outlet"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


# --- Articles -----------------------------------------------------------------------------


class MetadataSpanInline(SpanInlineMixin, admin.TabularInline):
    model = MetadataSpan
    fields = ["kind", "text", "start", "end", "outlet", "in_context", "anchor"]
    readonly_fields = ["in_context", "anchor"]
    autocomplete_fields = ["outlet"]
    extra = 0
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


@admin.register(Article)
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
    inlines = [MetadataSpanInline]

    def get_queryset(self, request):
        flagged = [
            count_of(model, "article", anchor_status__in=FLAGGED_STATUSES)
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


# --- Sources ------------------------------------------------------------------------------


class SourceAliasInline(ServiceInlineMixin, admin.TabularInline):
    model = SourceAlias
    form = SourceAliasForm
    formset = SourceAliasFormSet
    fields = ["name"]
    extra = 1

    def create_object(self, request, obj, data):
        alias = services.source_add_alias(source=obj.source, name=obj.name, user=request.user)
        if alias is not None:
            adopt(obj, alias)


def identifier_link(identifier: SourceIdentifier | None) -> str:
    """The page the identifier names, as a link (http and https only), or a dash."""
    url = identifier.url if identifier is not None and identifier.pk else ""
    if not url:
        return "—"
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, url)


class SourceIdentifierInline(ServiceInlineMixin, admin.TabularInline):
    model = SourceIdentifier
    formset = SourceIdentifierFormSet
    fields = ["scheme", "value", "link"]
    readonly_fields = ["link"]
    extra = 1
    verbose_name_plural = "identifiers (Wikidata item, website, accounts)"

    @admin.display(description="opens")
    def link(self, obj):
        return identifier_link(obj)

    def create_object(self, request, obj, data):
        identifier = services.source_add_identifier(
            source=obj.source, scheme=obj.scheme, value=obj.value, user=request.user
        )
        if identifier is not None:
            adopt(obj, identifier)

    def update_object(self, request, obj, data):
        services.source_update_identifier(identifier=obj, user=request.user)

    def delete_object(self, request, obj):
        services.source_remove_identifier(identifier=obj, user=request.user)


class HasIdentifierListFilter(admin.SimpleListFilter):
    title = "identifier"
    parameter_name = "has_identifier"

    def lookups(self, request, model_admin):
        return [("any", "any"), ("none", "none"), *Scheme.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        rows = SourceIdentifier.objects.filter(source=OuterRef("pk"))
        if value == "none":
            return queryset.filter(~Exists(rows))
        if value != "any":
            rows = rows.filter(scheme=value)
        return queryset.filter(Exists(rows))


def merge_relations() -> list:
    """The relations a merge moves to the kept source (as ``services.source_merge`` does)."""
    return [
        rel
        for rel in Source._meta.related_objects
        if (rel.one_to_many or rel.one_to_one) and rel.related_model is not SourceAlias
    ]


def merge_relation_label(rel) -> str:
    if rel.related_model is Source:
        return f"sources with this {rel.field.verbose_name}"
    return str(rel.related_model._meta.verbose_name_plural)


SOURCE_FIELDSETS = [
    (
        None,
        {"fields": ["kind", "name", "description", ("role", "role_type"), "affiliation"]},
    ),
    (
        "Official account",
        {
            "fields": [("platform", "handle"), "owner"],
            "description": "Only for official accounts: where it posts and who is behind it.",
        },
    ),
    (
        "Anonymous source or unnamed group",
        {
            "fields": ["anonymity_reason", "article"],
            "description": "An anonymous source belongs to the one article that quotes it.",
        },
    ),
    ("Notes", {"fields": ["notes"], "classes": ["collapse"]}),
    ("Record", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
]


@admin.register(Source)
class SourceAdmin(TrackerAdmin):
    list_display = ["display_name", "kind", "role", "role_type", "affiliation", "article"]
    list_filter = [
        "kind",
        "role_type",
        ("affiliation", admin.RelatedOnlyFieldListFilter),
        "platform",
        HasIdentifierListFilter,
    ]
    list_select_related = ["affiliation", "article"]
    list_defer = ("article__body", "article__notes", "notes")
    search_fields = [
        "name",
        "description",
        "role",
        "handle",
        "aliases__name",
        "identifiers__value",
        "identifiers__normalized",
    ]
    autocomplete_fields = ["affiliation", "owner", "article"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = SOURCE_FIELDSETS
    inlines = [SourceAliasInline, SourceIdentifierInline]
    actions = ["merge_sources"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("affiliation", "owner", "article")

    @admin.display(description="source", ordering="name")
    def display_name(self, obj):
        return obj.display_name

    def save_model(self, request, obj, form, change):
        if change:
            services.source_update(
                source=obj, user=request.user, **field_values(obj, form.changed_data)
            )
        else:
            adopt(obj, services.source_create(user=request.user, **field_values(obj, form.fields)))

    # The merge action --------------------------------------------------------------------

    def merge_rank(self, source: Source, counts: Counter) -> tuple:
        """Sort key of the source proposed to keep (highest first): one that can take the
        others (a source not bound to one article), then the most rows pointing at it."""
        return (source.article_id is None, counts.total(), -source.pk)

    def has_merge_permission(self, request) -> bool:
        # A merge changes the kept source and deletes the others: it needs both rights
        # (an action's ``permissions`` list asks for any one of them).
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="Merge selected sources…", permissions=["merge"])
    def merge_sources(self, request, queryset):
        sources = list(
            queryset.select_related("affiliation", "article")
            .defer("article__body", "article__notes")
            .prefetch_related("aliases")
            .order_by("pk")
        )
        if len(sources) < 2:
            self.message_user(request, "Select at least two sources to merge.", messages.WARNING)
            return None
        choices = Source.objects.filter(pk__in=[s.pk for s in sources])
        if "post" in request.POST:
            form = SourceMergeForm(request.POST, sources=choices)
            if form.is_valid():
                keep = form.cleaned_data["keep"]
                others = [s for s in sources if s.pk != keep.pk]
                try:
                    report = services.source_merge(keep=keep, others=others, user=request.user)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                return None
        else:
            form = None
        counts = self.merge_counts(sources)
        rows = sorted(
            sources, key=lambda source: self.merge_rank(source, counts[source.pk]), reverse=True
        )
        chosen = form["keep"].value() if form is not None else None
        chosen = str(chosen or rows[0].pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge sources",
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "rows": [
                {
                    "source": source,
                    "checked": str(source.pk) == chosen,
                    "counts": [(label, n) for label, n in sorted(counts[source.pk].items()) if n],
                    "names": [
                        name
                        for name in [source.name, *(a.name for a in source.aliases.all())]
                        if name
                    ],
                }
                for source in rows
            ],
            "action_name": "merge_sources",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "selected": [source.pk for source in sources],
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/sources/source/merge_confirmation.html", context)

    def merge_counts(self, sources: list[Source]) -> dict[int, Counter]:
        """For each source, how many rows of each kind point at it and would move."""
        ids = [source.pk for source in sources]
        counts: dict[int, Counter] = {pk: Counter() for pk in ids}
        for rel in merge_relations():
            field_name = rel.field.name
            rows = (
                rel.related_model._default_manager.filter(**{f"{field_name}__in": ids})
                .order_by()
                .values_list(field_name)
                .annotate(n=Count("pk"))
            )
            for pk, n in rows:
                counts[pk][merge_relation_label(rel)] += n
        return counts


@admin.register(SourceAlias)
class SourceAliasAdmin(TrackerAdmin):
    form = SourceAliasForm
    list_display = ["name", "source", "source_kind"]
    list_filter = ["source__kind"]
    list_select_related = ["source"]
    search_fields = ["name", "source__name", "source__description"]
    autocomplete_fields = ["source"]
    fields = ["name", "source", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    @admin.display(description="kind of source", ordering="source__kind")
    def source_kind(self, obj):
        return obj.source.get_kind_display()

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        alias = services.source_add_alias(source=obj.source, name=obj.name, user=request.user)
        if alias is None:
            raise ValidationError({"name": f"{obj.source} already has this alias."})
        adopt(obj, alias)


# --- Metadata spans -----------------------------------------------------------------------


@admin.register(MetadataSpan)
class MetadataSpanAdmin(TrackerAdmin):
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

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    @admin.display(description="anchor", ordering="anchor_status")
    def anchor(self, obj):
        return anchor_badge(obj)

    @admin.display(description="in context")
    def in_context(self, obj):
        if obj is None or obj.article_id is None:
            return "—"
        return span_in_context(obj, obj.article.body)


@admin.register(SourceIdentifier)
class SourceIdentifierAdmin(TrackerAdmin):
    list_display = ["value", "scheme", "source", "link"]
    list_filter = ["scheme", "source__kind"]
    list_select_related = ["source"]
    search_fields = ["value", "normalized", "source__name", "source__description"]
    autocomplete_fields = ["source"]
    fields = ["source", "scheme", "value", "link", "created_at", "updated_at"]
    readonly_fields = ["link", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    @admin.display(description="opens")
    def link(self, obj):
        return identifier_link(obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.source_update_identifier(identifier=obj, user=request.user)
            return
        identifier = services.source_add_identifier(
            source=obj.source, scheme=obj.scheme, value=obj.value, user=request.user
        )
        if identifier is None:
            raise ValidationError({"value": f"{obj.source} already has this identifier."})
        adopt(obj, identifier)


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
