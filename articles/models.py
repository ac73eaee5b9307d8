"""Who said it and where: outlets, articles, sources and their aliases."""

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from access.models import TimeStampedModel, no_nul
from access.text import from_whole_word, shorten, to_whole_word
from articles.anchoring import AnchorStatus, find_occurrences


def validate_body_length(value: str) -> None:
    limit = settings.TRACKER_MAX_BODY_CHARS
    if len(value) > limit:
        raise ValidationError(
            "The body has %(length)s characters; the limit is %(limit)s.",
            code="max_length",
            params={"length": f"{len(value):,}", "limit": f"{limit:,}"},
        )


class OutletManager(models.Manager):
    def get_by_natural_key(self, name: str) -> "Outlet":
        # The selector imports this module.
        from articles.selectors import outlets_named

        return outlets_named(name, using=self.db).get()


class Outlet(TimeStampedModel):
    class Kind(models.TextChoices):
        WIRE_AGENCY = "wire_agency", "wire agency"
        NEWSPAPER = "newspaper", "newspaper"
        BROADCASTER = "broadcaster", "broadcaster"
        ONLINE = "online", "online publication"
        PLATFORM = "platform", "platform"

    name = models.CharField(max_length=200, validators=[no_nul])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWSPAPER)
    domain = models.CharField(
        max_length=253, blank=True, help_text="Web domain without scheme, e.g. apnews.com."
    )

    objects = OutletManager()
    history = HistoricalRecords(table_name="sources_historicaloutlet")

    class Meta:
        # The table kept its name when the model moved here from ``sources``.
        db_table = "sources_outlet"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="outlet_name_unique_ci",
                violation_error_code="name",
                violation_error_message="An outlet with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)


class ArticleQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("outlet", "origin_outlet")


class Article(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        ANNOTATED = "annotated", "annotated"
        REVIEWED = "reviewed", "reviewed"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    origin_outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="syndicated_articles",
        help_text="The wire service a republished story came from, if any.",
    )
    headline = models.CharField(max_length=500, validators=[no_nul])
    url = models.URLField(
        max_length=2000, blank=True, help_text="Canonical URL. Two articles cannot share one."
    )
    byline = models.CharField(max_length=300, blank=True, validators=[no_nul])
    published_at = models.DateTimeField(null=True, blank=True)
    last_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="The outlet's own 'last update' time, if printed."
    )
    dateline = models.CharField(
        max_length=200, blank=True, help_text="Place line as printed, e.g. 'BEIRUT (AP)'."
    )
    language = models.CharField(max_length=16, default="en", help_text="BCP 47 code, e.g. en.")
    body = models.TextField(
        validators=[validate_body_length, no_nul],
        help_text=(
            "The canonical plain text. Every span points into it by character offsets; "
            "editing it re-anchors the spans, and any that cannot be found are flagged."
        ),
    )
    content_hash = models.CharField(
        max_length=64,
        editable=False,
        default="",
        db_index=True,
        help_text="SHA-256 of the body, kept in step on every save; finds re-imported copies.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(blank=True, help_text="Editors' notes; not part of the article.")
    retracted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the outlet retracted the article. Its attributions stay visible, marked, "
            "but no longer count toward corroborating a claim."
        ),
    )
    retraction_note = models.TextField(
        blank=True, validators=[no_nul], help_text="The retraction notice as published."
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(table_name="sources_historicalarticle")

    class Meta:
        # The table kept its name when the model moved here from ``sources``.
        db_table = "sources_article"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="article_url_unique_when_given",
                violation_error_code="url",
                violation_error_message="Another article already has this URL.",
            ),
        ]
        indexes = [
            # Article lists newest first, and their cursor pagination.
            models.Index(fields=["-published_at", "-id"], name="article_published_idx"),
            # "Articles of this outlet" in filters and on outlet pages.
            models.Index(fields=["outlet", "-published_at"], name="article_outlet_idx"),
            # Editors' work queue by status.
            models.Index(fields=["status"], name="article_status_idx"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("pages:article-detail", args=[self.pk])

    def clean(self) -> None:
        # Browsers send CRLF line breaks; offsets count "\n" as one character.
        self.body = normalize_newlines(self.body)
        if self.retraction_note.strip() and self.retracted_at is None:
            raise ValidationError(
                {"retracted_at": "Give the date of the retraction, or clear its note."}
            )

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    def save(self, *args, **kwargs) -> None:
        self.content_hash = body_hash(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "content_hash"}
        super().save(*args, **kwargs)


def body_hash(body: str) -> str:
    """The hex SHA-256 of a body as stored (line breaks normalised)."""
    return hashlib.sha256(normalize_newlines(body).encode("utf-8")).hexdigest()


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Correction(TimeStampedModel):
    """A correction the outlet published: when, what changed, and the note it printed.

    A correction that changes the text goes with a body edit (``sources.services.
    article_correct``): the body's history keeps the version before it, and the spans are
    re-anchored to the new one.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    published_at = models.DateTimeField(help_text="When the outlet published the correction.")
    what_changed = models.TextField(
        validators=[no_nul], help_text="What was changed, in the editor's words."
    )
    note = models.TextField(
        blank=True, validators=[no_nul], help_text="The correction notice as published."
    )
    changed_body = models.BooleanField(
        default=False, editable=False, help_text="The body was edited with this correction."
    )

    history = HistoricalRecords(table_name="sources_historicalcorrection")

    class Meta:
        # The table kept its name when the model moved here from ``sources``.
        db_table = "sources_correction"
        ordering = ["article", "published_at", "id"]
        indexes = [models.Index(fields=["article", "published_at"], name="correction_article_idx")]

    def __str__(self) -> str:
        return shorten(self.what_changed, 60)


class AnchoredSpan(TimeStampedModel):
    """A stretch of an article's body: ``article.body[start:end] == text``, always.

    A span that a body edit could not re-anchor is *orphaned*: it keeps its text, loses its
    offsets, and waits for an editor. Concrete subclasses define ``article``.
    """

    if TYPE_CHECKING:
        # Declared by every concrete subclass.
        article: "Article"

    start = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Offset of the first character in the body. Leave empty to locate the text.",
    )
    end = models.PositiveIntegerField(
        null=True, blank=True, help_text="Offset just past the last character."
    )
    text = models.TextField(
        blank=True,
        validators=[no_nul],
        help_text="Exactly as in the body. Leave empty to take it from the offsets.",
    )
    anchor_status = models.CharField(
        max_length=10,
        choices=[
            (AnchorStatus.ANCHORED, "anchored"),
            (AnchorStatus.MOVED, "moved by a body edit"),
            (AnchorStatus.FUZZY, "re-anchored to a close match: check it"),
            (AnchorStatus.ORPHANED, "orphaned: not found in the body"),
        ],
        default=AnchorStatus.ANCHORED,
        editable=False,
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True, end__isnull=True)
                | Q(start__isnull=False, end__gt=F("start")),
                name="%(app_label)s_%(class)s_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end=F("start") + Length("text")),
                name="%(app_label)s_%(class)s_text_fills_span",
            ),
            models.CheckConstraint(
                condition=Q(anchor_status=AnchorStatus.ORPHANED, start__isnull=True)
                | (~Q(anchor_status=AnchorStatus.ORPHANED) & Q(start__isnull=False)),
                name="%(app_label)s_%(class)s_orphaned_has_no_offsets",
            ),
        ]

    @property
    def is_orphaned(self) -> bool:
        return self.anchor_status == AnchorStatus.ORPHANED

    def validate_constraints(self, exclude=None) -> None:
        if self.start is None and not self.is_orphaned:
            # The span could not be resolved and clean() has said why; the offset
            # constraints would only repeat it less clearly.
            exclude = {*(exclude or ()), "start"}
        super().validate_constraints(exclude=exclude)

    def resolve_span(self, body: str) -> None:
        """Fill in what the editor left out, then check the span against ``body``.

        Offsets left empty are found from the text (it must occur exactly once); an empty
        text is taken from the offsets. Raises ``ValidationError`` keyed by field.
        """
        if self.start is None and self.end is None:
            if self.anchor_status == AnchorStatus.ORPHANED and self.pk:
                return
            if not self.text:
                raise ValidationError({"text": "Give the text, or its start and end offsets."})
            found = find_occurrences(body, self.text)
            if not found:
                raise ValidationError({"text": "This text does not occur in the article body."})
            if len(found) > 1:
                shown = ", ".join(str(i) for i in found[:10])
                raise ValidationError(
                    {
                        "start": f"This text occurs {len(found)} times in the body "
                        f"(at offsets {shown}); give the start offset of the one you mean."
                    }
                )
            self.start = found[0]
        if self.start is not None and self.end is None and self.text:
            self.end = self.start + len(self.text)
        if self.start is None or self.end is None:
            raise ValidationError({"end": "Give both offsets, or neither."})
        if self.end <= self.start:
            raise ValidationError({"end": "The end offset must be greater than the start."})
        if self.end > len(body):
            raise ValidationError(
                {"end": f"The body is {len(body)} characters long; the span ends at {self.end}."}
            )
        if not self.text:
            self.text = body[self.start : self.end]
        actual = body[self.start : self.end]
        if actual != self.text:
            raise ValidationError(
                {
                    "text": f"The body has “{shorten(actual)}” at {self.start}–{self.end}, "
                    f"not “{shorten(self.text)}”."
                }
            )
        if self.anchor_status == AnchorStatus.ORPHANED:
            self.anchor_status = AnchorStatus.ANCHORED

    def check_span_on_save(self) -> None:
        """Every write path saves through here: check the span against the body, unless
        it is an orphan still waiting for offsets."""
        if not (self.is_orphaned and self.start is None):
            self.resolve_span(self.article.body)

    def context(self, body: str, width: int = 60) -> tuple[str, str, str]:
        """The span with up to ``width`` characters of body on each side, cut at word
        boundaries: a word the window cuts in two is left out."""
        if self.start is None or self.end is None:
            return "", self.text, ""
        first, last = max(0, self.start - width), min(len(body), self.end + width)
        before, after = body[first : self.start], body[self.end : last]
        if first > 0:
            before = from_whole_word(before, body[first - 1])
        if last < len(body):
            after = to_whole_word(after, body[last])
        return before, body[self.start : self.end], after


class MetadataSpan(AnchoredSpan):
    """Text in the body that is not a claim: a heading, a photo caption or credit, an
    update line, or the reporter's note on sourcing."""

    class Kind(models.TextChoices):
        HEADING = "heading", "heading"
        PHOTO_CAPTION = "photo_caption", "photo caption"
        PHOTO_CREDIT = "photo_credit", "photo credit"
        UPDATE_LINE = "update_line", "update line"
        DATELINE = "dateline", "dateline"
        BYLINE = "byline", "byline"
        SOURCING_NOTE = "sourcing_note", "note on sourcing"
        OTHER = "other", "other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="metadata_spans")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credits",
        help_text="For a credit: the outlet credited, e.g. AFP.",
    )

    history = HistoricalRecords(table_name="sources_historicalmetadataspan")

    class Meta(AnchoredSpan.Meta):
        # The table kept its name when the model moved here from ``sources``.
        db_table = "sources_metadataspan"
        ordering = ["article", "start"]
        indexes = [
            # An article's spans in text order.
            models.Index(fields=["article", "start"], name="metadataspan_article_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {shorten(self.text, 60)}"

    def clean(self) -> None:
        super().clean()
        if self.article_id is not None:
            self.resolve_span(self.article.body)

    def save(self, *args, **kwargs) -> None:
        self.check_span_on_save()
        super().save(*args, **kwargs)
