"""Who said it and where: outlets, articles, sources and their aliases."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sources.anchoring import AnchorStatus, find_occurrences
from sources.identifiers import (
    MAX_VALUE_LENGTH,
    QID_DB_REGEX,
    Scheme,
    identifier_url,
    normalize_identifier,
)
from tracker.models import TimeStampedModel

no_nul = ProhibitNullCharactersValidator()


def validate_body_length(value: str) -> None:
    limit = settings.TRACKER_MAX_BODY_CHARS
    if len(value) > limit:
        raise ValidationError(
            "The body has %(length)s characters; the limit is %(limit)s.",
            code="max_length",
            params={"length": f"{len(value):,}", "limit": f"{limit:,}"},
        )


def normalize_name(value: str) -> str:
    """Case- and space-insensitive form of a name, for alias look-ups."""
    return " ".join(value.casefold().split())


class OutletManager(models.Manager):
    def get_by_natural_key(self, name: str) -> "Outlet":
        return self.get(name__iexact=name)


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
    history = HistoricalRecords()

    class Meta:
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
    history = HistoricalRecords()

    class Meta:
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
        return reverse("sources:article-detail", args=[self.pk])

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

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "published_at", "id"]
        indexes = [models.Index(fields=["article", "published_at"], name="correction_article_idx")]

    def __str__(self) -> str:
        text = self.what_changed
        return text if len(text) <= 60 else text[:59] + "…"


class AnchoredSpan(TimeStampedModel):
    """A stretch of an article's body: ``article.body[start:end] == text``, always.

    A span that a body edit could not re-anchor is *orphaned*: it keeps its text, loses its
    offsets, and waits for an editor. Concrete subclasses define ``article``.
    """

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
                    "text": f"The body has “{_shorten(actual)}” at {self.start}–{self.end}, "
                    f"not “{_shorten(self.text)}”."
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
        """The span with up to ``width`` characters of body on each side."""
        if self.start is None or self.end is None:
            return "", self.text, ""
        before = body[max(0, self.start - width) : self.start]
        after = body[self.end : self.end + width]
        return before, body[self.start : self.end], after


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


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

    history = HistoricalRecords()

    class Meta(AnchoredSpan.Meta):
        ordering = ["article", "start"]
        indexes = [
            # An article's spans in text order.
            models.Index(fields=["article", "start"], name="metadataspan_article_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {_shorten(self.text, 60)}"

    def clean(self) -> None:
        super().clean()
        if self.article_id is not None:
            self.resolve_span(self.article.body)

    def save(self, *args, **kwargs) -> None:
        self.check_span_on_save()
        super().save(*args, **kwargs)


class SourceQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("affiliation", "owner", "article").prefetch_related(
            "aliases", "identifiers"
        )

    def matching_name(self, name: str):
        """Sources with this full name or alias (any case, any spacing); failing that,
        those whose name contains it ("Varnok" for Ilse Varnok)."""
        name = name.strip()
        exact = (
            self.filter(Q(name__iexact=name) | Q(aliases__normalized=normalize_name(name)))
            .distinct()
            .order_by("name", "id")
        )
        if exact.exists():
            return exact
        return self.filter(name__icontains=name).order_by("name", "id")


class Source(TimeStampedModel):
    class Kind(models.TextChoices):
        PERSON = "person", "named person"
        ORGANIZATION = "organization", "organisation"
        OFFICIAL_ACCOUNT = "official_account", "official account"
        ANONYMOUS = "anonymous", "anonymous source"
        GROUP = "group", "unnamed group"
        DOCUMENT = "document", "document"

    class Platform(models.TextChoices):
        TWITTER = "twitter", "X (Twitter)"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        TELEGRAM = "telegram", "Telegram"
        YOUTUBE = "youtube", "YouTube"
        TIKTOK = "tiktok", "TikTok"
        BLUESKY = "bluesky", "Bluesky"
        MASTODON = "mastodon", "Mastodon"
        WEBSITE = "website", "website"
        OTHER = "other", "other"

    class RoleType(models.TextChoices):
        SPOKESPERSON = "spokesperson", "spokesperson"
        OFFICIAL = "official", "official"
        EXPERT = "expert", "expert"
        WITNESS = "witness", "witness"
        FIGHTER = "fighter", "fighter"
        ANALYST = "analyst", "analyst"
        JOURNALIST = "journalist", "journalist"
        OTHER = "other", "other"

    # How lists, filters and sourcing profiles name an empty type of role.
    UNKNOWN_ROLE_TYPE = "unknown"

    NAMED_KINDS = (Kind.PERSON, Kind.ORGANIZATION, Kind.OFFICIAL_ACCOUNT, Kind.DOCUMENT)
    ARTICLE_BOUND_KINDS = (Kind.ANONYMOUS, Kind.GROUP)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(
        max_length=300,
        blank=True,
        validators=[no_nul],
        help_text="Full name. Empty for anonymous sources and unnamed groups.",
    )
    description = models.CharField(
        max_length=500,
        blank=True,
        validators=[no_nul],
        help_text="As the article gives it: 'a commander with the US-backed SDF'.",
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="The role in the article's words: 'spokesman', 'a 22-year-old fighter'.",
    )
    role_type = models.CharField(
        "type of role",
        max_length=20,
        choices=RoleType.choices,
        blank=True,
        help_text=(
            "The role sorted into a type, for filters and sourcing profiles: spokesperson "
            "(speaks for an organisation), official (holds office, or an institution's "
            "official voice), expert, witness, fighter (a combatant, commanders included), "
            "analyst, journalist, other. Empty if not known."
        ),
    )
    affiliation = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": Kind.ORGANIZATION},
        help_text="The organisation this source speaks for or belongs to.",
    )
    platform = models.CharField(
        max_length=20,
        choices=Platform.choices,
        blank=True,
        help_text="Official accounts: where the account posts.",
    )
    handle = models.CharField(
        max_length=200, blank=True, help_text="Official accounts: the handle, without '@'."
    )
    owner = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text="Official accounts: the person or organisation behind the account.",
    )
    anonymity_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Anonymous sources: the reason the article gives for not naming them.",
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_sources",
        help_text=(
            "Anonymous sources and unnamed groups belong to the one article that describes "
            "them; merge them with another only when you know they are the same."
        ),
    )
    notes = models.TextField(blank=True)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "description", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["anonymous", "group"]) | ~Q(name=""),
                name="source_named_kinds_have_name",
            ),
            models.CheckConstraint(
                condition=~Q(kind="anonymous") | Q(name=""),
                name="source_anonymous_has_no_name",
            ),
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(description=""),
                name="source_has_name_or_description",
            ),
            models.CheckConstraint(
                condition=~Q(kind="anonymous") | Q(article__isnull=False),
                name="source_anonymous_has_article",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["anonymous", "group"]) | Q(article__isnull=True),
                name="source_only_unnamed_kinds_have_article",
            ),
            models.CheckConstraint(
                condition=~Q(kind="official_account") | ~Q(platform=""),
                name="source_official_account_has_platform",
            ),
            models.CheckConstraint(
                condition=~Q(affiliation=F("id")), name="source_not_own_affiliation"
            ),
        ]
        indexes = [
            # Filters by kind in the admin and API.
            models.Index(fields=["kind", "name"], name="source_kind_idx"),
            # Filters by type of role in the admin, API and pages.
            models.Index(fields=["role_type", "name"], name="source_role_type_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("sources:source-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.kind == self.Kind.ANONYMOUS:
            return f"Anonymous: {self.description}"
        return self.description

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind in self.NAMED_KINDS and not self.name:
            errors["name"] = f"A {self.get_kind_display()} needs a name."
        if self.kind == self.Kind.ANONYMOUS and self.name:
            errors["name"] = "An anonymous source has no name; describe it instead."
        if not self.name and not self.description:
            errors["description"] = "Describe the source as the article does."
        if self.kind == self.Kind.ANONYMOUS and self.article_id is None:
            errors["article"] = "An anonymous source belongs to the one article that quotes it."
        if self.kind not in self.ARTICLE_BOUND_KINDS and self.article_id is not None:
            errors["article"] = "Only anonymous sources and unnamed groups belong to an article."
        if self.kind == self.Kind.OFFICIAL_ACCOUNT and not self.platform:
            errors["platform"] = "An official account needs its platform."
        if self.kind != self.Kind.OFFICIAL_ACCOUNT and (self.platform or self.handle):
            errors["platform"] = "Only official accounts have a platform and handle."
        if self.handle.startswith("@"):
            self.handle = self.handle.lstrip("@")
        if self.affiliation_id is not None:
            if self.pk is not None and self.affiliation_id == self.pk:
                errors["affiliation"] = "A source cannot be its own affiliation."
            elif self.affiliation.kind != self.Kind.ORGANIZATION:
                errors["affiliation"] = "The affiliation must be an organisation."
            elif self.pk is not None and self._affiliation_cycle():
                errors["affiliation"] = "This affiliation would make a cycle."
        if self.owner_id is not None and self.kind != self.Kind.OFFICIAL_ACCOUNT:
            errors["owner"] = "Only official accounts have an owner."
        if errors:
            raise ValidationError(errors)

    def _affiliation_cycle(self) -> bool:
        seen = {self.pk}
        current = self.affiliation
        while current is not None:
            if current.pk in seen:
                return True
            seen.add(current.pk)
            current = current.affiliation
        return False

    def top_affiliation(self) -> "Source | None":
        """The outermost organisation this source belongs to (None if unaffiliated)."""
        top = None
        current = self.affiliation
        seen = {self.pk}
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            top = current
            current = current.affiliation
        return top


class SourceAlias(TimeStampedModel):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        max_length=300, validators=[no_nul], help_text="A name form used: 'Afrin', 'SDF'."
    )
    normalized = models.CharField(max_length=300, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "source aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "normalized"],
                name="sourcealias_unique_per_source",
                violation_error_code="name",
                violation_error_message="The source already has this alias.",
            ),
        ]
        indexes = [
            # Resolving a name as written to the sources that use it.
            models.Index(fields=["normalized"], name="sourcealias_normalized_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.normalized = normalize_name(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.normalized = normalize_name(self.name)
        if not self.normalized:
            raise ValidationError({"name": "An alias cannot be blank."})


class SourceIdentifier(TimeStampedModel):
    """An identifier of the source outside the tracker: its Wikidata item, website or a
    social media account. One identifier names one entity: two sources cannot share it
    (if they are the same, merge them)."""

    Scheme = Scheme

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    value = models.CharField(
        max_length=MAX_VALUE_LENGTH,
        validators=[no_nul],
        help_text=(
            "Wikidata: the item (Q42) or its URL. Website: its address. Accounts: the handle, "
            "with or without '@', or the profile's URL (Mastodon: user@server)."
        ),
    )
    normalized = models.CharField(
        max_length=MAX_VALUE_LENGTH,
        editable=False,
        help_text="The form compared: a QID, a lower-case handle, a site without its scheme.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "normalized"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "normalized"],
                name="sourceidentifier_unique",
                violation_error_code="value",
                violation_error_message="Another source already has this identifier.",
            ),
            models.CheckConstraint(
                condition=~Q(normalized=""),
                name="sourceidentifier_not_blank",
                violation_error_code="value",
                violation_error_message="Give the identifier.",
            ),
            models.CheckConstraint(
                condition=~Q(scheme=Scheme.WIKIDATA) | Q(normalized__regex=QID_DB_REGEX),
                name="sourceidentifier_wikidata_is_qid",
                violation_error_code="value",
                violation_error_message="A Wikidata item is Q followed by its number (Q42).",
            ),
        ]
        indexes = [
            # Looking an identifier up by value in any scheme (the API's ?identifier=Q42).
            models.Index(fields=["normalized"], name="sourceident_normalized_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.normalize()
        super().save(*args, **kwargs)

    @property
    def url(self) -> str:
        """The http(s) address of the page the identifier names, or ""."""
        return identifier_url(self.scheme, self.value)

    def normalize(self) -> None:
        """Put the value in its scheme's canonical form; leave an invalid one as it is."""
        try:
            identifier = normalize_identifier(self.scheme, self.value)
        except ValidationError:
            self.normalized = " ".join(str(self.value).casefold().split())
        else:
            self.value, self.normalized = identifier.value, identifier.normalized

    def clean(self) -> None:
        if self.scheme not in Scheme.values:
            return  # clean_fields has reported the scheme
        try:
            identifier = normalize_identifier(self.scheme, self.value)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
        self.value, self.normalized = identifier.value, identifier.normalized
        holder = self.holder()
        if holder is not None:
            if holder.pk == self.source_id:
                message = "The source already has this identifier."
            else:
                message = (
                    f"{self.get_scheme_display()} {self.value} already identifies "
                    f"{holder.display_name} (source #{holder.pk}). One identifier names one "
                    "entity: if they are the same, merge the two sources."
                )
            raise ValidationError({"value": message}, code="unique")

    def holder(self) -> Source | None:
        """The source that already has this identifier (another row than this one)."""
        taken = SourceIdentifier.objects.filter(
            scheme=self.scheme, normalized=self.normalized
        ).select_related("source")
        if self.pk is not None:
            taken = taken.exclude(pk=self.pk)
        found = taken.first()
        return found.source if found is not None else None

    def validate_constraints(self, exclude=None) -> None:
        if exclude and "value" in exclude:
            # The normalised value derives from the value, which clean() found wrong and
            # said why; the constraints on it would only repeat that less clearly.
            exclude = {*exclude, "normalized"}
        super().validate_constraints(exclude=exclude)
