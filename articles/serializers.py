from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from access.api import ServiceModelSerializer, StrictCharField
from articles.models import Article, Correction, MetadataSpan, Outlet
from articles.services import article_correct, article_create, article_update


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A newspaper",
            value={
                "name": "Invented Valley Gazette",
                "kind": "newspaper",
                "domain": "valley-gazette.example",
            },
            request_only=True,
        ),
    ]
)
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
    # None in a subclass drops the field (ArticleSerializer).
    body_length: serializers.IntegerField | None = serializers.IntegerField(read_only=True)

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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A published article",
            value={
                "outlet": 1,
                "headline": "Council votes to reopen the river bridge",
                "url": "https://valley-gazette.example/2031/03/bridge",
                "published_at": "2031-03-01T09:30:00Z",
                "byline": "Ana Ruiz",
                "language": "en",
                "body": (
                    "The council voted on Tuesday to reopen the river bridge. "
                    '"We will not rush it," the mayor said.'
                ),
            },
            request_only=True,
        ),
    ]
)
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
