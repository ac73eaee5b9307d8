from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers

from sources.models import Article, Correction, MetadataSpan, Outlet, Source, SourceIdentifier
from sources.services import (
    article_correct,
    article_create,
    article_update,
    source_create,
    source_set_aliases,
    source_update,
)
from tracker.api import ServiceModelSerializer, StrictCharField


class OutletSerializer(ServiceModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "kind", "domain", "created_at", "updated_at"]


class ArticleSummarySerializer(ServiceModelSerializer):
    """An article without its body, for lists."""

    outlet_name = serializers.CharField(source="outlet.name", read_only=True)
    origin_outlet_name = serializers.CharField(
        source="origin_outlet.name", read_only=True, allow_null=True, default=None
    )
    body_length = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "outlet",
            "outlet_name",
            "origin_outlet",
            "origin_outlet_name",
            "headline",
            "url",
            "byline",
            "published_at",
            "last_updated_at",
            "dateline",
            "language",
            "status",
            "retracted_at",
            "body_length",
            "created_at",
            "updated_at",
        ]


class CorrectionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["id", "published_at", "what_changed", "note", "changed_body"]


class ArticleSerializer(ArticleSummarySerializer):
    """An article with its body. Changing the body re-anchors every span that points
    into it; spans that cannot be found are marked orphaned, never deleted."""

    create_service = staticmethod(article_create)
    update_service = staticmethod(
        lambda instance, user, **data: article_update(article=instance, user=user, **data)
    )
    body_length = None
    corrections = CorrectionSummarySerializer(
        many=True,
        read_only=True,
        help_text="Corrections the outlet published, oldest first (see /api/corrections/).",
    )

    class Meta(ArticleSummarySerializer.Meta):
        fields = [f for f in ArticleSummarySerializer.Meta.fields if f != "body_length"] + [
            "body",
            "content_hash",
            "retraction_note",
            "corrections",
            "notes",
        ]
        read_only_fields = ["content_hash"]
        # The body is kept exactly as sent: span offsets count its every character.
        extra_kwargs = {"body": {"trim_whitespace": False}}


class AliasListField(serializers.ListField):
    """Aliases as a list of names; reads from the prefetched ``aliases`` relation."""

    child = serializers.CharField(max_length=300)

    def to_representation(self, data):
        return [alias.name for alias in data.all()]


class SourceIdentifierSerializer(serializers.ModelSerializer):
    """One external identifier. The value is checked and normalised for its scheme (a
    Wikidata URL becomes its QID, a handle loses its '@'); ``url`` is the page it names."""

    url = serializers.CharField(
        read_only=True, help_text="The http(s) page the identifier names; empty if none."
    )

    class Meta:
        model = SourceIdentifier
        fields = ["scheme", "value", "url"]
        extra_kwargs = {"value": {"max_length": 500}}


class SourceSerializer(ServiceModelSerializer):
    display_name = serializers.CharField(read_only=True)
    affiliation_name = serializers.CharField(
        source="affiliation.display_name", read_only=True, allow_null=True, default=None
    )
    aliases = AliasListField(
        required=False,
        help_text="Name forms used for the source. On update, replaces the list.",
    )
    identifiers = SourceIdentifierSerializer(
        many=True,
        required=False,
        help_text=(
            "External identifiers: Wikidata item, website, social media accounts. Unique "
            "across sources. On update, replaces the list."
        ),
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "kind",
            "name",
            "display_name",
            "description",
            "role",
            "role_type",
            "affiliation",
            "affiliation_name",
            "platform",
            "handle",
            "owner",
            "article",
            "anonymity_reason",
            "aliases",
            "identifiers",
            "notes",
            "created_at",
            "updated_at",
        ]

    def validate_identifiers(self, items):
        """Check each item as the model does, with errors at the item (by its index, from
        0): its value valid in its scheme, given once, and not another source's."""
        source = self.instance if isinstance(self.instance, Source) else None
        errors: dict[int, dict] = {}
        seen: dict[tuple, int] = {}
        cleaned = []
        for index, item in enumerate(items):
            identifier = SourceIdentifier(source=source, **item)
            try:
                identifier.full_clean(exclude=["source"], validate_constraints=False)
            except DjangoValidationError as error:
                # One the source already has is kept; any other refusal is the item's.
                if source is None or identifier.holder() != source:
                    errors[index] = error.message_dict
                    continue
            key = (identifier.scheme, identifier.normalized)
            if key in seen:
                errors[index] = {"value": [f"Listed twice (as item {seen[key]} too)."]}
                continue
            seen[key] = index
            cleaned.append({"scheme": identifier.scheme, "value": identifier.value})
        if errors:
            # Keyed by the item's index, as DRF reports the items' own field errors.
            raise serializers.ValidationError(errors)
        return cleaned

    def create(self, validated_data):
        user = validated_data.pop("user", None)
        return source_create(user=user, **validated_data)

    @transaction.atomic
    def update(self, instance, validated_data):
        user = validated_data.pop("user", None)
        aliases = validated_data.pop("aliases", None)
        source_update(source=instance, user=user, **validated_data)
        if aliases is not None:
            source_set_aliases(source=instance, names=aliases, user=user)
        return instance


# Offsets as PostgreSQL stores them, whatever the database: left to DRF, the bound (and so
# the schema) would come from the backend in use.
MAX_OFFSET = 2**31 - 1
SPAN_EXTRA_KWARGS = {
    "text": {"trim_whitespace": False},
    "start": {"max_value": MAX_OFFSET},
    "end": {"max_value": MAX_OFFSET},
}


class AnchoredSpanSerializerMixin:
    """Spans are exact: their text is kept as sent, spaces included. On an update, as on a
    create, a new text without offsets is located in the body, and new offsets without a
    text take their text from the body."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        given = {"start", "end", "text"} & attrs.keys()
        if self.instance is not None and given == {"text"}:
            attrs["start"] = attrs["end"] = None
        elif self.instance is not None and given and "text" not in given:
            attrs["text"] = ""
        return attrs


class MetadataSpanSerializer(AnchoredSpanSerializerMixin, ServiceModelSerializer):
    class Meta:
        model = MetadataSpan
        fields = [
            "id",
            "article",
            "kind",
            "text",
            "start",
            "end",
            "anchor_status",
            "outlet",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = SPAN_EXTRA_KWARGS


class CorrectionSerializer(ServiceModelSerializer):
    """A correction the outlet published. Send ``body`` (write-only) with a new correction to
    change the article's text with it: the previous version stays in the article's history
    and every span is re-anchored to the new text."""

    body = StrictCharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        help_text="The corrected article body, when the correction changed the text.",
    )

    class Meta:
        model = Correction
        fields = [
            "id",
            "article",
            "published_at",
            "what_changed",
            "note",
            "changed_body",
            "body",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["changed_body"]

    def create(self, validated_data):
        user = validated_data.pop("user", None)
        correction, _report = article_correct(user=user, **validated_data)
        return correction

    def update(self, instance, validated_data):
        if "article" in validated_data and validated_data["article"] != instance.article:
            raise serializers.ValidationError({"article": "A correction cannot move articles."})
        if "body" in validated_data:
            raise serializers.ValidationError(
                {"body": "Record a new correction to change the text again."}
            )
        return super().update(instance, validated_data)
