"""Admin for outlets, articles, sources, their aliases and the metadata spans of articles.

``claims/admin.py`` extends the Article and Source admins with what needs claims data
(attributions, the highlighted preview); nothing here imports ``claims``.
"""

from collections import Counter

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from access.admin_base import ServiceInlineMixin, TrackerAdmin, adopt, field_values
from sources import services
from sources.forms import (
    SourceAliasForm,
    SourceAliasFormSet,
    SourceIdentifierFormSet,
    SourceMergeForm,
)
from sources.identifiers import Scheme
from sources.models import Source, SourceAlias, SourceIdentifier
from sources.resolution import find_duplicates

# --- Helpers shared with claims/admin.py -------------------------------------------------


# --- Outlets ------------------------------------------------------------------------------


# --- Articles -----------------------------------------------------------------------------


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
    actions = ["merge_sources", "find_duplicates"]

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

    def delete_model(self, request, obj):
        services.source_delete(source=obj, user=request.user)

    @admin.action(description="Find duplicates of selected sources", permissions=["change"])
    def find_duplicates(self, request, queryset):
        report = find_duplicates(
            involving=set(queryset.values_list("pk", flat=True)), user=request.user
        )
        url = reverse("admin:sources_mergesuggestion_changelist") + "?state__exact=pending"
        self.message_user(
            request,
            format_html(
                "{} merge suggestion(s) proposed ({} already proposed, {} ambiguous surnames). "
                '<a href="{}">Review them</a>.',
                report.proposed,
                report.already_proposed,
                report.ambiguous_surnames,
                url,
            ),
            messages.SUCCESS,
        )

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


# The merge-suggestion queue registers itself on import (its own module).
from sources import merge_admin  # noqa: E402, F401
