"""What was said: claims, the attributions that say them, relations and reviews."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from access.text import shorten
from articles.models import AnchoredSpan, Article
from claims.models import Attribution
from sources.models import Source


class SuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=Suggestion.State.PENDING)

    def with_related(self):
        return self.select_related("article", "source", "attribution", "reviewed_by")


class Suggestion(AnchoredSpan):
    """An attribution the extractor proposed, waiting for an editor to accept, edit or
    reject it.

    Suggestions are not attributions: nothing the cross-check computes (corroboration,
    misattribution, claim status) sees them until an editor accepts one, which creates an
    :class:`Attribution` marked suggested and reviewed. The speaker is a source already in
    the archive (``source``) or, when the article introduces one, a source the extractor
    proposes (``proposed_source``), created when the suggestion is accepted. A rejected
    suggestion is kept, so that running the extractor again does not propose it anew.
    """

    class State(models.TextChoices):
        PENDING = "pending", "pending review"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    KINDS = [
        (Attribution.Kind.DIRECT, Attribution.Kind.DIRECT.label),
        (Attribution.Kind.INDIRECT, Attribution.Kind.INDIRECT.label),
        (Attribution.Kind.MIXED, Attribution.Kind.MIXED.label),
    ]

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=12, choices=KINDS)
    act = models.CharField(
        max_length=8, choices=Attribution.Act.choices, default=Attribution.Act.SPEECH
    )
    cue = models.CharField(max_length=60, blank=True, help_text="The cue as written: said, told.")
    cue_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    speaker_mention = models.CharField(
        max_length=300, blank=True, help_text="How the article names the speaker here."
    )
    speaker_start = models.PositiveIntegerField(null=True, blank=True, editable=False)
    source = models.ForeignKey(
        Source,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The speaker, when the archive already holds them.",
    )
    proposed_source = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "The speaker the extractor proposes when the archive does not hold them: kind, "
            "name, description, role, affiliation, anonymity reason, aliases. Accepting the "
            "suggestion creates this source."
        ),
    )
    proposed_key = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="Names the proposed source; suggestions of one speaker share it.",
    )
    channel = models.CharField(
        max_length=20, choices=Attribution.Channel.choices, default=Attribution.Channel.UNKNOWN
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="The outlet it was said to, as written."
    )
    said_when_text = models.CharField(max_length=200, blank=True)
    confidence = models.FloatField(default=0.0, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attribution = models.OneToOneField(
        Attribution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestion",
        editable=False,
        help_text="The attribution accepting it created.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_suggestions",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(blank=True, help_text="Why it was rejected or changed.")
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        editable=False,
        help_text=(
            "The suggestion this one continues: the first part of one utterance split by its "
            "cue. Accepting both links their attributions the same way."
        ),
    )

    objects = SuggestionQuerySet.as_manager()
    history = HistoricalRecords(table_name="claims_historicalsuggestion")

    class Meta(AnchoredSpan.Meta):
        # The table kept its name when the model moved here from ``claims``.
        db_table = "claims_suggestion"
        ordering = ["article", "start", "id"]
        constraints = [
            *AnchoredSpan.Meta.constraints,
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                condition=Q(start__isnull=False),
                name="suggestion_one_per_span",
                violation_error_code="start",
                violation_error_message="The article already has a suggestion for this span.",
            ),
            models.CheckConstraint(
                condition=Q(state="accepted") | Q(attribution__isnull=True),
                name="suggestion_attribution_only_when_accepted",
            ),
        ]
        indexes = [
            # The review queue: an article's suggestions by state, in text order.
            models.Index(fields=["article", "state", "start"], name="suggestion_queue_idx"),
            models.Index(fields=["state", "-id"], name="suggestion_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_label}: “{shorten(self.text, 60)}”"

    def get_absolute_url(self) -> str:
        return reverse("admin:suggestions_suggestion_change", args=[self.pk])

    @property
    def speaker_label(self) -> str:
        """Who the suggestion says is speaking, as an editor reads it."""
        if self.source is not None:
            return self.source.display_name
        proposed = self.proposed_source or {}
        if not proposed:
            mention = f" (“{self.speaker_mention}”)" if self.speaker_mention else ""
            return f"speaker to choose{mention}"
        name = proposed.get("name") or proposed.get("description") or self.speaker_mention
        return f"{name} (new)" if name else "unknown speaker"

    def clean(self) -> None:
        super().clean()
        # A pending suggestion may have no speaker (the extractor found none it could
        # trust); accepting one then asks for it (``suggestion_accept``).
        if (
            self.source is not None
            and self.article_id is not None
            and self.source.article_id not in (None, self.article_id)
        ):
            raise ValidationError(
                {"source": f"{self.source.display_name} belongs to another article."}
            )
        if self.article_id is not None:
            self.resolve_span(self.article.body)

    def save(self, *args, **kwargs) -> None:
        self.check_span_on_save()
        super().save(*args, **kwargs)


class ClaimLink(models.Model):
    """A claim the claim matcher found for an attribution, waiting for an editor.

    Matches between the two thresholds (``TRACKER_CLAIM_LINK_SUGGEST`` and
    ``TRACKER_CLAIM_LINK_AUTO``) wait here with their evidence; accepting one links the
    attribution to the claim (a confirmed link), rejecting it keeps the row so the matcher
    does not propose the same pair again. Matches above the high threshold are linked at
    once (marked suggested on the attribution) and recorded here as ``linked``.
    """

    class State(models.TextChoices):
        PENDING = "pending", "pending review"
        LINKED = "linked", "linked automatically"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"

    attribution = models.ForeignKey(
        Attribution, on_delete=models.CASCADE, related_name="claim_links"
    )
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.CASCADE, related_name="suggested_links"
    )
    score = models.FloatField(help_text="How alike the two statements are (0-1).")
    evidence = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Why: the text compared with (the claim's or one of its attributions'), the "
            "shared terms, whether figures agree, whether one denies the other."
        ),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_claim_links",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attribution", "claim"],
                name="claim_link_one_per_pair",
                violation_error_message="This claim was already suggested for this attribution.",
            ),
        ]
        indexes = [models.Index(fields=["state", "-score"], name="claim_link_queue_idx")]

    def __str__(self) -> str:
        return f"#{self.attribution_id} → claim #{self.claim_id} ({self.score:.2f}, {self.state})"


class AcceptJob(models.Model):
    """A bulk accept asked for from the API or the admin, run as a background task: what it
    takes (its filters), how far it is, and its report when done."""

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    article_ids = models.JSONField(
        default=list, blank=True, help_text="Only these articles' suggestions (empty: all)."
    )
    suggestion_ids = models.JSONField(
        default=list, blank=True, help_text="Only these suggestions (empty: all pending)."
    )
    since = models.DateTimeField(null=True, blank=True)
    min_confidence = models.FloatField(null=True, blank=True)
    link_claims = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accept_jobs",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Bulk accept #{self.pk} ({self.state}, {self.done}/{self.total})"
