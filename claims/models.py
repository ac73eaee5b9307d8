"""What was said: claims, the attributions that say them, relations and reviews."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest, Substr
from django.urls import reverse
from simple_history.models import HistoricalRecords

from access.models import TimeStampedModel, no_nul
from access.selectors import subquery_count
from access.text import shorten
from articles.models import AnchoredSpan, Article, Outlet
from sources.models import Source


class ClaimQuerySet(models.QuerySet):
    def with_counts(self):
        # A subquery, not a join: a later filter on attributions must not multiply it.
        return self.annotate(attribution_count=subquery_count(Attribution, "claim"))


class Claim(TimeStampedModel):
    class Status(models.TextChoices):
        CONTESTED = "contested", "contested"
        CORROBORATED = "corroborated", "corroborated"
        SINGLE_SOURCE = "single_source", "single source"
        ANONYMOUS_ONLY = "anonymous_only", "anonymous sources only"
        UNSUPPORTED = "unsupported", "unsupported"

    text = models.TextField(
        validators=[no_nul], help_text="The proposition, in the editor's own words."
    )
    event_date = models.DateField(
        null=True, blank=True, help_text="The date of the event the claim is about."
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.UNSUPPORTED,
        editable=False,
        help_text="Derived by the cross-check from the claim's attributions, relations and "
        "conflict findings: contested (a denial, a figure that cannot hold with the claim's, "
        "a contradicting claim, or a misattribution, quote drift or numeric conflict not "
        "dismissed), else anonymous sources only, corroborated (two or more independent "
        "groups), single source or unsupported. Copies of one quote, orphaned spans and "
        "unconfirmed suggestions count toward nothing. The claim page says why.",
    )
    notes = models.TextField(blank=True)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Dashboards and filters by status ("contested claims").
            models.Index(fields=["status", "-created_at"], name="claim_status_idx"),
            # Filters by event date range.
            models.Index(fields=["event_date"], name="claim_event_date_idx"),
        ]

    def __str__(self) -> str:
        return shorten(self.text, 120)

    def get_absolute_url(self) -> str:
        return reverse("pages:claim-detail", args=[self.pk])


# Characters of context kept on each side of a quote in a TextQuoteSelector.
SELECTOR_CONTEXT = 32


class AttributionQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("article__outlet", "source__affiliation", "claim", "recipient")

    def with_selectors(self):
        """Related rows without the article body, plus the few characters of body before
        and after each span (for W3C TextQuoteSelectors), computed in the database."""
        prefix_from = Greatest(F("start") - SELECTOR_CONTEXT, Value(0))
        return (
            self.select_related("article", "source", "claim", "recipient")
            .defer("article__body", "article__notes")
            .annotate(
                quote_prefix=Substr("article__body", prefix_from + 1, F("start") - prefix_from),
                quote_suffix=Substr("article__body", F("end") + 1, SELECTOR_CONTEXT),
            )
        )

    def in_text_order(self):
        return self.order_by(F("start").asc(nulls_last=True), "end", "id")


class Attribution(AnchoredSpan):
    """One act of saying, in one article: who said what, where in the text, and how."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "direct quote"
        INDIRECT = "indirect", "indirect (reported speech)"
        MIXED = "mixed", "mixed (partial quote)"
        UNATTRIBUTED = "unattributed", "unattributed statement"
        DECLINED = "declined", "declined to comment"

    class Channel(models.TextChoices):
        INTERVIEW = "interview", "interview"
        STATEMENT = "statement", "statement"
        SOCIAL_MEDIA_POST = "social_media_post", "social media post"
        PRESS_CONFERENCE = "press_conference", "press conference"
        DOCUMENT = "document", "document"
        BROADCAST = "broadcast", "broadcast"
        UNKNOWN = "unknown", "unknown"

    class Stance(models.TextChoices):
        ASSERTS = "asserts", "asserts the claim"
        DENIES = "denies", "denies the claim"

    class Act(models.TextChoices):
        SPEECH = "speech", "said it"
        BELIEF = "belief", "believes it"
        EVIDENCE = "evidence", "shown by evidence (a poll, a study)"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributions",
        help_text="Who said it. Empty only for an unattributed statement.",
    )
    claim = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attributions",
        help_text="The claim this says. May stay empty until an editor links it.",
    )
    claim_is_suggested = models.BooleanField(
        default=False,
        help_text=(
            "The claim link was made by the claim matcher and no editor has confirmed it yet. "
            "Setting the claim by hand confirms it."
        ),
    )
    claim_link_score = models.FloatField(
        null=True,
        blank=True,
        editable=False,
        help_text="How alike the attribution and its suggested claim are (0-1), when suggested.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    stance = models.CharField(max_length=8, choices=Stance.choices, default=Stance.ASSERTS)
    act = models.CharField(
        max_length=8,
        choices=Act.choices,
        default=Act.SPEECH,
        help_text="Said (speech), believed (belief: 'she believes'), or shown (evidence: "
        "'a poll shows').",
    )
    speaker_mention = models.CharField(
        max_length=300,
        blank=True,
        help_text="How the article names the speaker here: 'Afrin', 'he', 'Another commander'.",
    )
    cue = models.CharField(
        max_length=60, blank=True, help_text="The verb or phrase as written: said, told, tweeted."
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.UNKNOWN)
    recipient = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_attributions",
        help_text="The outlet it was said to: 'told The Associated Press'.",
    )
    said_on = models.DateField(null=True, blank=True, help_text="When it was said.")
    said_when_text = models.CharField(
        max_length=200, blank=True, help_text="The time as the article words it: 'late on Tuesday'."
    )
    is_suggested = models.BooleanField(
        default=False, help_text="Proposed by automatic extraction rather than entered."
    )
    is_reviewed = models.BooleanField(default=False, help_text="An editor has checked it.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_attributions",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    note = models.TextField(blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continuations",
        editable=False,
        help_text=(
            "The attribution this one continues: the first part of one utterance split by "
            "its cue (“The river is rising,” Ortiz said. “We need sandbags.”). Set when an "
            "accepted suggestion continues another accepted one."
        ),
    )

    objects = AttributionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(AnchoredSpan.Meta):
        ordering = ["article", "start", "id"]
        constraints = [
            *AnchoredSpan.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind="unattributed", source__isnull=True)
                | (~Q(kind="unattributed") & Q(source__isnull=False)),
                name="attribution_unattributed_iff_no_source",
            ),
        ]
        indexes = [
            # An article's attributions in text order (reader, admin inline, API).
            models.Index(fields=["article", "start"], name="attribution_article_idx"),
            # A source's statements across articles in time order.
            models.Index(fields=["source", "said_on"], name="attribution_source_idx"),
            # Filters by kind, and the editors' review queue.
            models.Index(fields=["kind"], name="attribution_kind_idx"),
            models.Index(fields=["is_reviewed", "is_suggested"], name="attribution_review_idx"),
            # Spans flagged by a body edit, listed for editors.
            models.Index(fields=["anchor_status"], name="attribution_anchor_idx"),
        ]

    def __str__(self) -> str:
        who = self.source.display_name if self.source is not None else "unattributed"
        return f"{who}: “{shorten(self.text, 60)}”"

    def get_absolute_url(self) -> str:
        return reverse("pages:article-detail", args=[self.article_id]) + f"#attribution-{self.pk}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.kind == self.Kind.UNATTRIBUTED and self.source_id is not None:
            errors["source"] = "An unattributed statement has no source."
        if self.kind and self.kind != self.Kind.UNATTRIBUTED and self.source_id is None:
            errors["source"] = "Choose the source, or mark the statement unattributed."
        if self.source_id is not None and self.article_id is not None:
            source = self.source
            assert source is not None  # source_id is set
            if source.article_id is not None and source.article_id != self.article_id:
                errors["source"] = (
                    f"{source.display_name} belongs to another article; an anonymous source "
                    "or unnamed group can only be quoted in its own article."
                )
        first = self.continues
        if first is not None and (first.pk == self.pk or first.article_id != self.article_id):
            errors["continues"] = "An attribution continues another attribution of its article."
        if errors:
            raise ValidationError(errors)
        if self.article_id is not None:
            self.resolve_span(self.article.body)

    def save(self, *args, **kwargs) -> None:
        self.check_span_on_save()
        super().save(*args, **kwargs)


class ClaimRelation(TimeStampedModel):
    class Kind(models.TextChoices):
        SUPPORTS = "supports", "supports"
        CONTRADICTS = "contradicts", "contradicts"
        REFINES = "refines", "refines"
        SAME_AS = "same_as", "is the same claim as"

    from_claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="outgoing_relations"
    )
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="incoming_relations")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = models.TextField(blank=True, help_text="Why the claims are related.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claim_relations",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["from_claim", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")),
                name="claimrelation_not_to_itself",
                violation_error_code="to_claim",
                violation_error_message="A claim cannot be related to itself.",
            ),
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"],
                name="claimrelation_unique",
                violation_error_message="These claims already have this relation.",
            ),
        ]
        indexes = [
            # Relations pointing at a claim (the claim page and status).
            models.Index(fields=["to_claim", "kind"], name="claimrelation_to_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} {self.get_kind_display()} #{self.to_claim_id}"

    def clean(self) -> None:
        if self.from_claim_id is not None and self.from_claim_id == self.to_claim_id:
            raise ValidationError({"to_claim": "A claim cannot be related to itself."})
        symmetric = (self.Kind.SAME_AS, self.Kind.CONTRADICTS)
        if self.kind in symmetric and self.from_claim_id and self.to_claim_id:
            reverse_exists = (
                ClaimRelation.objects.filter(
                    from_claim_id=self.to_claim_id, to_claim_id=self.from_claim_id, kind=self.kind
                )
                .exclude(pk=self.pk)
                .exists()
            )
            if reverse_exists:
                raise ValidationError(
                    {"kind": f"The reverse relation '{self.get_kind_display()}' already exists."}
                )


class Review(TimeStampedModel):
    """A fact-checker's verdict on a claim, exportable as schema.org ClaimReview."""

    class Rating(models.TextChoices):
        TRUE = "true", "true"
        MOSTLY_TRUE = "mostly_true", "mostly true"
        MIXED = "mixed", "half true"
        MOSTLY_FALSE = "mostly_false", "mostly false"
        FALSE = "false", "false"
        UNPROVEN = "unproven", "unproven"

    # The published scale: 5 is best, 1 worst; "unproven" has no place on it.
    RATING_VALUES = {"true": 5, "mostly_true": 4, "mixed": 3, "mostly_false": 2, "false": 1}
    BEST_RATING = 5
    WORST_RATING = 1

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    rating = models.CharField(max_length=16, choices=Rating.choices)
    summary = models.TextField(validators=[no_nul], help_text="The verdict in a sentence or two.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty while the review is a draft."
    )
    url = models.URLField(max_length=2000, blank=True, help_text="Where the review is published.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # A claim's reviews, newest first.
            models.Index(fields=["claim", "-published_at"], name="review_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.claim}"

    @property
    def rating_value(self) -> int | None:
        return self.RATING_VALUES.get(self.rating)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
