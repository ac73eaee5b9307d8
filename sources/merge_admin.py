"""Admin for merge suggestions: pairs of sources that may be one person or body, with the
reason, for an editor to merge or reject."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from access.admin_base import TrackerAdmin
from sources.models import MergeSuggestion, Source
from sources.resolution import merge_suggestion_accept, merge_suggestion_reject


def _source_link(source: Source | None, name: str):
    if source is None:
        return f"{name} (merged away)"
    url = reverse("admin:sources_source_change", args=[source.pk])
    return format_html('<a href="{}">{}</a> (#{})', url, name, source.pk)


@admin.register(MergeSuggestion)
class MergeSuggestionAdmin(TrackerAdmin):
    """The queue of proposed merges, surest first. *Merge selected* merges each duplicate
    into the source kept (attributions move, names become aliases, history kept)."""

    list_display = ["duplicate_shown", "keep_shown", "reason", "confidence_shown", "state"]
    list_filter = ["state", "reason"]
    list_select_related = ["keep", "duplicate"]
    search_fields = ["keep_name", "duplicate_name"]
    ordering = ["-confidence", "id"]
    readonly_fields = [
        "duplicate_shown",
        "keep_shown",
        "reason",
        "confidence",
        "evidence",
        "state",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = readonly_fields
    actions = ["merge_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, None) if obj is None else False

    @admin.display(description="duplicate", ordering="duplicate_name")
    def duplicate_shown(self, obj):
        return _source_link(obj.duplicate, obj.duplicate_name)

    @admin.display(description="merge into", ordering="keep_name")
    def keep_shown(self, obj):
        return _source_link(obj.keep, obj.keep_name)

    @admin.display(description="confidence", ordering="confidence")
    def confidence_shown(self, obj):
        return f"{obj.confidence:.2f}"

    def _review(self, request, queryset, *, accept: bool) -> None:
        done, failed = 0, []
        for row in queryset.filter(state=MergeSuggestion.State.PENDING).order_by("-confidence"):
            try:
                if accept:
                    merge_suggestion_accept(suggestion=row, user=request.user)
                else:
                    merge_suggestion_reject(suggestion=row, user=request.user)
            except ValidationError as error:
                failed.append(f"{row}: {' '.join(error.messages)}")
                continue
            done += 1
        verb = "merged" if accept else "rejected"
        self.message_user(request, f"{done} merge suggestion(s) {verb}.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, f"Not {verb}: {message}", messages.ERROR)

    @admin.action(description="Merge selected pairs", permissions=["change"])
    def merge_selected(self, request, queryset):
        self._review(request, queryset, accept=True)

    @admin.action(description="Reject selected pairs", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, accept=False)
