"""Admin for suggested attributions: the "Suggest attributions" action on articles and
the review screen where editors accept, edit or reject each suggestion."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from access.admin_base import TrackerAdmin
from access.selectors import subquery_count
from access.text import shorten
from articles.admin import (
    ARTICLE_FIELDSETS,
    ARTICLE_RECORD_FIELDSETS,
    FLAGGED_STATUSES,
    ArticleAdmin,
    SpanAdminMixin,
    anchor_badge,
    span_in_context,
)
from articles.forms import SpanForm
from articles.highlight import highlight, legend
from articles.models import Article
from claims.admin import AttributionInline
from claims.highlights import HIGHLIGHT_KINDS, body_highlights
from claims.models import Attribution, Claim
from claims.services import claim_create
from suggestions import services as service
from suggestions.bulk import accept_job_start
from suggestions.models import Suggestion


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
            reverse("admin:suggestions_suggestion_changelist")
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
    """The suggestion's fields, and the claim its attribution supports when accepted: one
    from the archive (searched by its text) or a new one written here."""

    claim = forms.ModelChoiceField(
        queryset=Claim.objects.all(),
        required=False,
        widget=AutocompleteSelect(Attribution._meta.get_field("claim"), admin.site),
        help_text="The claim it supports: type words of its text to find it.",
    )
    new_claim = forms.CharField(
        label="or a new claim",
        required=False,
        max_length=Claim._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Creates this claim on accepting, when none above is chosen.",
    )

    class Meta:
        model = Suggestion
        fields = "__all__"

    def clean(self):
        data = super().clean()
        if data.get("claim") and (data.get("new_claim") or "").strip():
            self.add_error("new_claim", "Choose a claim or write a new one, not both.")
        return data


@admin.register(Suggestion)
class SuggestionAdmin(SpanAdminMixin, TrackerAdmin):
    """The review queue. Accept or reject suggestions from the list (actions) or one at a
    time from its page, after editing it if needed ("Save and accept")."""

    form = SuggestionForm
    change_form_template = "admin/suggestions/suggestion/change_form.html"
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
    list_filter = ["state", "kind", "act", "channel", "anchor_status"]
    list_select_related = ["source", "article", "attribution"]
    list_defer = ("article__body", "article__notes", "note")
    search_fields = ["text", "speaker_mention", "cue", "article__headline", "source__name"]
    autocomplete_fields = ["source"]
    readonly_fields = [
        "article",
        "in_context",
        "anchor_status",
        "proposed_speaker",
        "continues",
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
                    "“Continues” names the first part of a quote split by its cue, when this "
                    "is a later part: accepting both links their attributions."
                ),
            },
        ),
        (
            "Who said it",
            {
                "fields": [("source", "speaker_mention"), "proposed_speaker", ("kind", "act")],
                "description": (
                    "Leave the source empty to create the proposed speaker when you accept; "
                    "choose a source to use one already in the archive instead."
                ),
            },
        ),
        ("How and when", {"fields": [("cue", "channel"), "recipient_name", "said_when_text"]}),
        (
            "The claim it supports",
            {
                "fields": ["claim", "new_claim"],
                "description": "Used when you accept: pick a claim or write a new one.",
            },
        ),
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
        extra = ("claim", "new_claim")
        edits = {name: getattr(obj, name) for name in form.changed_data if name not in extra}
        if "_accept" in request.POST:
            claim = form.cleaned_data.get("claim")
            new_text = (form.cleaned_data.get("new_claim") or "").strip()
            if claim is None and new_text:
                claim = claim_create(user=request.user, text=new_text)
            request._accepted = service.suggestion_accept(
                suggestion=obj, user=request.user, claim=claim, **edits
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
                    'Accepted: <a href="{}">{}</a>.{}',
                    reverse("admin:claims_attribution_change", args=[accepted.pk]),
                    accepted,
                    f" Supports claim #{accepted.claim_id}."
                    if accepted.claim_id
                    else " Link it to a claim there.",
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
            reverse("admin:suggestions_suggestion_changelist")
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

    @admin.action(
        description="Accept selected suggestions (in the background, with claim suggestions)",
        permissions=["change"],
    )
    def accept_selected(self, request, queryset):
        ids = list(queryset.filter(state=Suggestion.State.PENDING).values_list("pk", flat=True))
        if not ids:
            self.message_user(
                request, "None of the selected suggestions is pending.", messages.INFO
            )
            return
        # The admin runs actions in a transaction: the job starts when it commits.
        job = accept_job_start(user=request.user, suggestion_ids=ids)
        url = reverse("admin:suggestions_acceptjob_change", args=[job.pk])
        self.message_user(
            request,
            format_html(
                'Accepting {} suggestion(s) in the background: <a href="{}">job #{}</a>.',
                len(ids),
                url,
                job.pk,
            ),
            messages.SUCCESS,
        )

    @admin.action(description="Reject selected suggestions", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, accept=False)


# What the preview's labels lead to; the key adds the note every highlighted body shares.
PREVIEW_HINT = (
    "Each highlight begins with a label: the source's kind and name, linked to the "
    "attribution's page here; hover over a highlight for its source and claim."
)


def admin_links(attribution: Attribution) -> dict:
    """A label in the preview leads to the attribution's change page."""
    return {"href": reverse("admin:claims_attribution_change", args=[attribution.pk])}


def article_preview(body: str, attributions, metadata_spans) -> str:
    """The body with every attribution (by kind of source) and metadata span highlighted,
    drawn as the reader draws it, each label linking to its attribution here."""
    spans = body_highlights(body, attributions, metadata_spans, attribution_links=admin_links)
    return format_html(
        '<div class="tracker-preview-wrap">{}<div class="tracker-preview">{}</div></div>',
        legend(HIGHLIGHT_KINDS, spans, hint=PREVIEW_HINT),
        highlight(body, spans),
    )


@admin.register(Article)
class ArticleWithClaimsAdmin(ArticleAdmin):
    list_display = [
        "headline",
        "outlet",
        "origin_outlet",
        "published_at",
        "status",
        "attribution_count",
        "flagged",
    ]
    readonly_fields = [*ArticleAdmin.readonly_fields, "preview", "spans_needing_attention"]
    fieldsets = [
        ARTICLE_FIELDSETS[0],
        ("Spans that need attention", {"fields": ["spans_needing_attention"]}),
        *ARTICLE_FIELDSETS[1:],
        (
            "Highlighted preview",
            {
                "fields": ["preview"],
                "description": "The body as stored, with every attribution highlighted.",
            },
        ),
        *ARTICLE_RECORD_FIELDSETS,
    ]
    inlines = [AttributionInline, *ArticleAdmin.inlines]
    actions = [*ArticleAdmin.actions, suggest_attributions]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attribution_count=subquery_count(Attribution, "article"))
        )

    def has_suggest_permission(self, request):
        return request.user.has_perm("suggestions.add_suggestion")

    @admin.display(description="attributions", ordering="attribution_count")
    def attribution_count(self, obj):
        return obj.attribution_count

    def _spans(self, obj: Article):
        """The article's attributions and metadata spans, loaded once for the page."""
        # Cached on the instance, an attribute the model does not declare.
        spans = getattr(obj, "_admin_spans", None)
        if spans is None:
            attributions = obj.attributions.select_related("source", "claim").in_text_order()
            metadata = obj.metadata_spans.order_by(F("start").asc(nulls_last=True), "id")
            spans = (list(attributions), list(metadata))
            setattr(obj, "_admin_spans", spans)  # noqa: B010
        return spans

    @admin.display(description="preview")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "Save the article to see its attributions highlighted here."
        return article_preview(obj.body, *self._spans(obj))

    @admin.display(description="flagged spans")
    def spans_needing_attention(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        attributions, metadata = self._spans(obj)
        flagged = [s for s in (*attributions, *metadata) if s.anchor_status in FLAGGED_STATUSES]
        if not flagged:
            return "None: every span matches the body."
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td><a href="{}">{} #{}</a></td><td>{}</td><td>{}</td></tr>',
            (
                (
                    anchor_badge(span),
                    reverse(
                        f"admin:{span._meta.app_label}_{span._meta.model_name}_change",
                        args=[span.pk],
                    ),
                    span._meta.verbose_name,
                    span.pk,
                    self._span_owner(span),
                    span_in_context(span, obj.body),
                )
                for span in flagged
            ),
        )
        return format_html(
            '<table class="flagged-spans"><thead><tr><th>status</th><th>span</th>'
            "<th>who / what</th><th>text in context</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @staticmethod
    def _span_owner(span) -> str:
        if isinstance(span, Attribution):
            return span.source.display_name if span.source is not None else "unattributed"
        return span.get_kind_display()


# The claim-suggestion queue registers itself on import (its own module, to keep this one
# about attribution suggestions).
from suggestions import claim_link_admin  # noqa: E402, F401
