"""Who said it and where: outlets, articles, sources and their aliases."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from access.models import TimeStampedModel, no_nul
from articles.models import Article
from sources.identifiers import (
    MAX_VALUE_LENGTH,
    QID_DB_REGEX,
    Scheme,
    identifier_url,
    normalize_identifier,
)


def normalize_name(value: str) -> str:
    """Case- and space-insensitive form of a name, for alias look-ups."""
    return " ".join(value.casefold().split())


class SourceQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("affiliation", "owner", "article").prefetch_related(
            "aliases", "identifiers"
        )


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
        return reverse("pages:source-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.display_name_of(name=self.name, kind=self.kind, description=self.description)

    @classmethod
    def display_name_of(cls, *, name: str, kind: str, description: str) -> str:
        """The display name of a source with these values, for rows read without a model
        instance (``.values()``)."""
        if name:
            return name
        if kind == cls.Kind.ANONYMOUS:
            return f"Anonymous: {description}"
        return description

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
            elif self.affiliation is not None and self.affiliation.kind != self.Kind.ORGANIZATION:
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


class MergeSuggestion(models.Model):
    """Two sources that may be one person or body, waiting for an editor.

    Made when a proposed speaker resembles a stored source without matching it for certain
    (a surname alone, an acronym), and by ``manage.py find_duplicate_sources``. Accepting
    merges ``duplicate`` into ``keep`` with the merge service (history kept); rejecting keeps
    the pair so it is not proposed again. The names are kept as they were, since the merged
    source is deleted.
    """

    class State(models.TextChoices):
        PENDING = "pending", "pending review"
        ACCEPTED = "accepted", "merged"
        REJECTED = "rejected", "rejected"
        SUPERSEDED = "superseded", "superseded by another merge"

    keep = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, related_name="merge_suggestions_kept"
    )
    duplicate = models.ForeignKey(
        Source, on_delete=models.SET_NULL, null=True, related_name="merge_suggestions_duplicate"
    )
    keep_name = models.CharField(max_length=300, editable=False)
    duplicate_name = models.CharField(max_length=300, editable=False)
    confidence = models.FloatField(help_text="How sure the match is (0-1).")
    reason = models.CharField(max_length=100, help_text="Why: same name, surname only, acronym …")
    evidence = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_merge_suggestions",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-confidence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["keep", "duplicate"],
                name="merge_suggestion_one_per_pair",
                violation_error_message="These two sources were already proposed for a merge.",
            ),
        ]
        indexes = [models.Index(fields=["state", "-confidence"], name="merge_suggestion_queue_idx")]

    def __str__(self) -> str:
        return f"{self.duplicate_name} → {self.keep_name} ({self.reason}, {self.confidence:.2f})"
