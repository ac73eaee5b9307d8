"""Admin for suggested attributions: the "Suggest attributions" action on articles and
the review screen where editors accept, edit or reject each suggestion."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from claims import suggestions as service
from claims.models import Suggestion
from sources.admin import TrackerAdmin, anchor_badge, span_in_context
from sources.forms import SpanForm
from sources.models import Article


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@admin.action(description="Suggest attributions (store for review)", permissions=["suggest"])
def suggest_attributions(modeladmin, request, queryset):
    """Run the extractor on each selected article; one article's failure stops only it."""
    done, failed = [], []
    for pk, headline in queryset.order_by("pk").values_list("pk", "headline"):
        article = Article(pk=pk, headline=headline)
        try:
            report = service.suggest_attributions(article=article, user=request.user)
        except ValidationError as error:
            failed.append(f"{article.headline}: {' '.join(error.messages)}")
            continue
        done.append((article, report))
    for article, report in done:
        url = (
            reverse("admin:claims_suggestion_changelist")
            + "?"
            + urlencode(
                {"article__id__exact": article.pk, "state__exact": Suggestion.State.PENDING}
            )
        )
        modeladmin.message_user(
            request,
            format_html('{}: {}. <a href="{}">Review them</a>.', article.headline, report, url),
            messages.SUCCESS,
        )
    for message in failed:
        modeladmin.message_user(request, message, messages.ERROR)


class SuggestionForm(SpanForm):
    class Meta:
        model = Suggestion
        fields = "__all__"


@admin.register(Suggestion)
class SuggestionAdmin(TrackerAdmin):
    """The review queue. Accept or reject suggestions from the list (actions) or one at a
    time from its page, after editing it if needed ("Save and accept")."""

    form = SuggestionForm
    change_form_template = "admin/claims/suggestion/change_form.html"
    list_display = [
        "short_text",
        "speaker",
        "kind",
        "cue",
        "confidence_shown",
        "state",
        "article",
        "anchor",
    ]
    list_filter = ["state", "kind", "channel", "anchor_status"]
    list_select_related = ["source", "article", "attribution"]
    list_defer = ("article__body", "article__notes", "note")
    search_fields = ["text", "speaker_mention", "cue", "article__headline", "source__name"]
    autocomplete_fields = ["source"]
    readonly_fields = [
        "article",
        "in_context",
        "anchor_status",
        "proposed_speaker",
        "confidence",
        "state",
        "attribution_link",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            "Where in the article",
            {"fields": ["article", "in_context", "text", ("start", "end"), "anchor_status"]},
        ),
        (
            "Who said it",
            {
                "fields": [("source", "speaker_mention"), "proposed_speaker", "kind"],
                "description": (
                    "Leave the source empty to create the proposed speaker when you accept; "
                    "choose a source to use one already in the archive instead."
                ),
            },
        ),
        ("How and when", {"fields": [("cue", "channel"), "recipient_name", "said_when_text"]}),
        (
            "Review",
            {
                "fields": [
                    ("state", "confidence"),
                    "attribution_link",
                    ("reviewed_by", "reviewed_at"),
                    "note",
                ]
            },
        ),
        ("Record", {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]
    actions = ["accept_selected", "reject_selected"]

    def has_add_permission(self, request):
        # Suggestions come from the extractor ("Suggest attributions" on articles).
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != Suggestion.State.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article", "source", "attribution", "reviewed_by")
        )

    @admin.display(description="text", ordering="text")
    def short_text(self, obj):
        return shorten(obj.text)

    @admin.display(description="speaker")
    def speaker(self, obj):
        return obj.speaker_label

    @admin.display(description="confidence", ordering="confidence")
    def confidence_shown(self, obj):
        return f"{obj.confidence:.2f}"

    @admin.display(description="anchor", ordering="anchor_status")
    def anchor(self, obj):
        return anchor_badge(obj)

    @admin.display(description="in context")
    def in_context(self, obj):
        if obj is None or obj.article_id is None:
            return "—"
        return span_in_context(obj, obj.article.body)

    @admin.display(description="proposed speaker")
    def proposed_speaker(self, obj):
        data = obj.proposed_source or {}
        if not data:
            return "—"
        rows = [
            ("kind", data.get("kind", "")),
            ("name", data.get("name", "")),
            ("description", data.get("description", "")),
            ("role", data.get("role", "")),
            ("anonymity reason", data.get("anonymity_reason", "")),
            ("aliases", ", ".join(a for a in data.get("aliases", []) if isinstance(a, str))),
        ]
        affiliation = data.get("affiliation")
        if isinstance(affiliation, dict):
            rows.append(("affiliation", affiliation.get("name") or affiliation.get("description")))
        return format_html(
            '<dl class="proposed-source">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((k, v) for k, v in rows if v)),
        )

    @admin.display(description="attribution")
    def attribution_link(self, obj):
        if obj is None or obj.attribution_id is None:
            return "—"
        url = reverse("admin:claims_attribution_change", args=[obj.attribution_id])
        return format_html('<a href="{}">{}</a>', url, obj.attribution)

    def save_model(self, request, obj, form, change):
        edits = {name: getattr(obj, name) for name in form.changed_data}
        if "_accept" in request.POST:
            request._accepted = service.suggestion_accept(
                suggestion=obj, user=request.user, **edits
            )
        elif "_reject" in request.POST:
            if edits:
                service.suggestion_update(suggestion=obj, user=request.user, **edits)
            service.suggestion_reject(suggestion=obj, user=request.user, note=obj.note)
        else:
            service.suggestion_update(suggestion=obj, user=request.user, **edits)

    def response_change(self, request, obj):
        accepted = getattr(request, "_accepted", None)
        if accepted is not None:
            self.message_user(
                request,
                format_html(
                    'Accepted: <a href="{}">{}</a>. Link it to a claim there.',
                    reverse("admin:claims_attribution_change", args=[accepted.pk]),
                    accepted,
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._queue_url(obj))
        if "_reject" in request.POST:
            self.message_user(request, f"Rejected: {obj}", messages.SUCCESS)
            return HttpResponseRedirect(self._queue_url(obj))
        return super().response_change(request, obj)

    @staticmethod
    def _queue_url(obj) -> str:
        return (
            reverse("admin:claims_suggestion_changelist")
            + "?"
            + urlencode(
                {"article__id__exact": obj.article_id, "state__exact": Suggestion.State.PENDING}
            )
        )

    def _review(self, request, queryset, *, accept: bool) -> None:
        done, failed = 0, []
        rows = queryset.filter(state=Suggestion.State.PENDING).select_related("article", "source")
        for suggestion in rows.defer(None):
            try:
                if accept:
                    service.suggestion_accept(suggestion=suggestion, user=request.user)
                else:
                    service.suggestion_reject(suggestion=suggestion, user=request.user)
            except ValidationError as error:
                failed.append(f"“{shorten(suggestion.text, 50)}”: {' '.join(error.messages)}")
                continue
            done += 1
        verb = "accepted" if accept else "rejected"
        self.message_user(request, f"{done} suggestion(s) {verb}.", messages.SUCCESS)
        for message in failed:
            self.message_user(request, f"Not {verb}: {message}", messages.ERROR)

    @admin.action(description="Accept selected suggestions", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._review(request, queryset, accept=True)

    @admin.action(description="Reject selected suggestions", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, accept=False)
