from django.db import transaction
from rest_framework import serializers

from sources.models import Article, MetadataSpan, Outlet, Source
from sources.services import (
    article_create,
    article_update,
    source_create,
    source_set_aliases,
    source_update,
)
from tracker.api import ServiceModelSerializer


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
            "body_length",
            "created_at",
            "updated_at",
        ]


class ArticleSerializer(ArticleSummarySerializer):
    """An article with its body. Changing the body re-anchors every span that points
    into it; spans that cannot be found are marked orphaned, never deleted."""

    create_service = staticmethod(article_create)
    update_service = staticmethod(
        lambda instance, user, **data: article_update(article=instance, user=user, **data)
    )
    body_length = None

    class Meta(ArticleSummarySerializer.Meta):
        fields = [f for f in ArticleSummarySerializer.Meta.fields if f != "body_length"] + [
            "body",
            "content_hash",
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


class SourceSerializer(ServiceModelSerializer):
    display_name = serializers.CharField(read_only=True)
    affiliation_name = serializers.CharField(
        source="affiliation.display_name", read_only=True, allow_null=True, default=None
    )
    aliases = AliasListField(
        required=False,
        help_text="Name forms used for the source. On update, replaces the list.",
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
            "affiliation",
            "affiliation_name",
            "platform",
            "handle",
            "owner",
            "article",
            "anonymity_reason",
            "aliases",
            "notes",
            "created_at",
            "updated_at",
        ]

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
