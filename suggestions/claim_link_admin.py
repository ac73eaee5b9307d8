"""Admin for claim suggestions: the queue where editors accept or reject a match between an
attribution and a claim, with the two statements and the evidence side by side."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from access.admin_base import TrackerAdmin
from access.text import shorten
from suggestions.claim_links import claim_link_accept, claim_link_reject
from suggestions.models import AcceptJob, ClaimLink


@admin.register(ClaimLink)
class ClaimLinkAdmin(TrackerAdmin):
    """Matches between the two thresholds wait here (state "pending review"); automatic links
    above the high one are listed as "linked automatically" and can be rejected, which
    unlinks the attribution."""

    list_display = ["attribution_words", "claim_words", "score_shown", "shared", "state"]
    list_filter = ["state"]
    list_select_related = ["attribution__source", "claim"]
    search_fields = ["attribution__text", "claim__text"]
    ordering = ["-score", "id"]
    readonly_fields = [
        "attribution_link",
        "attribution_words",
        "claim_link",
        "claim_words",
        "score",
        "evidence",
        "state",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = readonly_fields
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only pages; the actions do the review (and check the change permission).
        return super().has_change_permission(request, None) if obj is None else False

    @admin.display(description="attribution", ordering="attribution__text")
    def attribution_words(self, obj):
        source = obj.attribution.source
        who = source.display_name if source is not None else "unattributed"
        return format_html("{}: “{}”", who, shorten(obj.attribution.text, 120))

    @admin.display(description="claim", ordering="claim__text")
    def claim_words(self, obj):
        return shorten(obj.claim.text, 120)

    @admin.display(description="score", ordering="score")
    def score_shown(self, obj):
        return f"{obj.score:.2f}"

    @admin.display(description="shared terms")
    def shared(self, obj):
        evidence = obj.evidence or {}
        notes = []
        if evidence.get("negated"):
            notes.append("denies")
        if evidence.get("figures_agree") is False:
            notes.append("figures differ")
        terms = ", ".join(evidence.get("shared", [])[:8])
        return f"{terms} ({'; '.join(notes)})" if notes else terms

    @admin.display(description="attribution page")
    def attribution_link(self, obj):
        url = reverse("admin:claims_attribution_change", args=[obj.attribution_id])
        return format_html('<a href="{}">#{}</a>', url, obj.attribution_id)

    @admin.display(description="claim page")
    def claim_link(self, obj):
        url = reverse("admin:claims_claim_change", args=[obj.claim_id])
        return format_html('<a href="{}">#{}</a>', url, obj.claim_id)

    def _review(self, request, queryset, *, accept: bool) -> None:
        states = [ClaimLink.State.PENDING] + ([] if accept else [ClaimLink.State.LINKED])
        done, failed = 0, []
        for link in queryset.filter(state__in=states).select_related("attribution", "claim"):
            try:
                if accept:
                    claim_link_accept(link=link, user=request.user)
                else:
                    claim_link_reject(link=link, user=request.user)
            except ValidationError as error:
                failed.append(f"#{link.pk}: {' '.join(error.messages)}")
                continue
            done += 1
        verb = "accepted" if accept else "rejected"
        self.message_user(request, f"{done} claim suggestion(s) {verb}.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, f"Not {verb}: {message}", messages.ERROR)

    @admin.action(description="Accept selected claim suggestions", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._review(request, queryset, accept=True)

    @admin.action(description="Reject selected claim suggestions", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, accept=False)


@admin.register(AcceptJob)
class AcceptJobAdmin(TrackerAdmin):
    """Bulk accepts started from the suggestion list or the API: how far each is, and its
    report."""

    list_display = ["__str__", "state", "done", "total", "created_by", "created_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = [
        "state",
        "total",
        "done",
        "report",
        "error",
        "article_ids",
        "suggestion_ids",
        "since",
        "min_confidence",
        "link_claims",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
