"""The findings in the admin: a triage list (severity, rule, state, assignee) with bulk
actions, and a change form for the state, the assignee and the note. Everything else on a
finding is the engine's, shown read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import pluralize

from access.admin_base import TrackerAdmin, adopt
from crosscheck.models import Finding
from crosscheck.rules import Severity
from crosscheck.services import KEEP, finding_triage, findings_triage


class SeverityFilter(admin.SimpleListFilter):
    title = "severity"
    parameter_name = "severity"

    def lookups(self, request, model_admin):
        return [(s.value, s.value) for s in Severity]

    def queryset(self, request, queryset):
        return queryset.of_severity(self.value()) if self.value() else queryset


class ResolvedFilter(admin.SimpleListFilter):
    title = "still found"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "still found"), ("no", "no longer found")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


def _triage_action(name: str, description: str, **changes):
    def action(modeladmin, request, queryset):
        values = {key: (request.user if value == "me" else value) for key, value in changes.items()}
        try:
            count = findings_triage(findings=queryset, user=request.user, **values)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        modeladmin.message_user(request, f"{count} finding{pluralize(count)} changed.")

    action.__name__ = name
    action.short_description = description  # type: ignore[attr-defined]
    action.allowed_permissions = ("change",)  # type: ignore[attr-defined]
    return action


@admin.register(Finding)
class FindingAdmin(TrackerAdmin):
    list_display = ["id", "severity_label", "kind", "summary", "state", "assignee", "first_seen_at"]
    list_display_links = ["id", "summary"]
    list_filter = [
        SeverityFilter,
        "kind",
        "state",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ResolvedFilter,
    ]
    list_select_related = ["assignee"]
    search_fields = ["summary", "key", "note"]
    fields = [
        "kind",
        "summary",
        "state",
        "assignee",
        "note",
        "details",
        "key",
        ("triaged_by", "triaged_at"),
        ("first_seen_at", "last_seen_at", "resolved_at"),
    ]
    readonly_fields = [
        "kind",
        "summary",
        "details",
        "key",
        "triaged_by",
        "triaged_at",
        "first_seen_at",
        "last_seen_at",
        "resolved_at",
    ]
    actions = [
        _triage_action("confirm", "Confirm the selected findings", state=Finding.State.CONFIRMED),
        _triage_action("dismiss", "Dismiss the selected findings", state=Finding.State.DISMISSED),
        _triage_action("reopen", "Reopen the selected findings", state=Finding.State.OPEN),
        _triage_action("assign_to_me", "Assign the selected findings to me", assignee="me"),
        _triage_action("unassign", "Unassign the selected findings", assignee=None),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).by_severity()

    @admin.display(description="severity", ordering="severity_rank")
    def severity_label(self, obj):
        return obj.severity

    def has_add_permission(self, request):
        return False  # findings are the engine's

    def save_model(self, request, obj, form, change):
        # The form has already copied its values onto ``obj``: the service compares them
        # with the row as stored (who wrote the note, when it was triaged).
        data = form.cleaned_data
        stored = Finding.objects.get(pk=obj.pk)
        saved = finding_triage(
            finding=stored,
            state=data.get("state"),
            note=data.get("note"),
            assignee=data.get("assignee", KEEP),
            user=request.user,
        )
        adopt(obj, saved)
