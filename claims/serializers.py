from collections.abc import Callable

from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from access.api import ServiceModelSerializer
from articles.serializers import SPAN_EXTRA_KWARGS, AnchoredSpanSerializerMixin
from claims.models import SELECTOR_CONTEXT, Attribution, Claim, ClaimRelation, Review
from claims.services import (
    attribution_create,
    attribution_update,
    claim_create,
    claim_relation_create,
    claim_relation_update,
    claim_update,
    review_create,
)


def _updater(service: Callable, name: str):
    return staticmethod(
        lambda instance, user, **data: service(**{name: instance}, user=user, **data)
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A claim",
            value={"text": "The river bridge reopens in June.", "event_date": "2031-06-01"},
            request_only=True,
        ),
    ]
)
class ClaimSerializer(ServiceModelSerializer):
    create_service = staticmethod(claim_create)
    update_service = _updater(claim_update, "claim")
    attribution_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "event_date",
            "status",
            "notes",
            "attribution_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]


class TextPositionSelectorSerializer(serializers.Serializer):
    type = serializers.CharField(default="TextPositionSelector")
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class TextQuoteSelectorSerializer(serializers.Serializer):
    type = serializers.CharField(default="TextQuoteSelector")
    exact = serializers.CharField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()


class AnnotationTargetSerializer(serializers.Serializer):
    """A W3C Web Annotation target: the article and a selector pair that anchors the span."""

    # A field named `source` shadows Field.source in the stubs; DRF's metaclass takes the
    # declared fields off the class, so nothing clashes at run time.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The article's URL, or its API path if it has none."
    )
    selector = serializers.ListField(
        child=serializers.DictField(),
        help_text="A TextPositionSelector (start, end) and a TextQuoteSelector "
        "(exact, prefix, suffix). Empty when the span is orphaned.",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A direct quote located by its text",
            value={
                "article": 1,
                "source": 1,
                "kind": "direct",
                "text": "We will not rush it",
                "cue": "said",
            },
            request_only=True,
        ),
    ]
)
class AttributionSerializer(AnchoredSpanSerializerMixin, ServiceModelSerializer):
    """One act of saying. Leave ``start``/``end`` out to have the text located in the body
    (it must occur once), or leave ``text`` empty to take it from the offsets."""

    create_service = staticmethod(attribution_create)
    update_service = _updater(attribution_update, "attribution")

    article_headline = serializers.CharField(source="article.headline", read_only=True)
    article_url = serializers.CharField(source="article.url", read_only=True)
    article_retracted = serializers.BooleanField(
        source="article.is_retracted",
        read_only=True,
        help_text="The article was retracted: this attribution supports no claim.",
    )
    source_name = serializers.CharField(
        source="source.display_name", read_only=True, allow_null=True, default=None
    )
    source_kind = serializers.CharField(
        source="source.kind", read_only=True, allow_null=True, default=None
    )
    claim_text = serializers.CharField(
        source="claim.text", read_only=True, allow_null=True, default=None
    )
    recipient_name = serializers.CharField(
        source="recipient.name", read_only=True, allow_null=True, default=None
    )
    target = serializers.SerializerMethodField()

    class Meta:
        model = Attribution
        fields = [
            "id",
            "article",
            "article_headline",
            "article_url",
            "article_retracted",
            "source",
            "source_name",
            "source_kind",
            "claim",
            "claim_text",
            "claim_is_suggested",
            "claim_link_score",
            "kind",
            "stance",
            "act",
            "text",
            "start",
            "end",
            "anchor_status",
            "target",
            "speaker_mention",
            "cue",
            "channel",
            "recipient",
            "recipient_name",
            "said_on",
            "said_when_text",
            "is_suggested",
            "is_reviewed",
            "reviewed_by",
            "reviewed_at",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "anchor_status",
            "claim_is_suggested",
            "claim_link_score",
            "reviewed_by",
            "reviewed_at",
        ]
        extra_kwargs = SPAN_EXTRA_KWARGS

    @extend_schema_field(AnnotationTargetSerializer)
    def get_target(self, obj: Attribution) -> dict:
        source = obj.article.url or f"/api/articles/{obj.article_id}/"
        if obj.start is None:
            return {"source": source, "selector": []}
        # Offsets are both set or both empty (the model's check constraint).
        assert obj.end is not None
        if hasattr(obj, "quote_prefix") and hasattr(obj, "quote_suffix"):
            prefix, suffix = obj.quote_prefix or "", obj.quote_suffix or ""
        else:
            body = obj.article.body
            prefix = body[max(0, obj.start - SELECTOR_CONTEXT) : obj.start]
            suffix = body[obj.end : obj.end + SELECTOR_CONTEXT]
        return {
            "source": source,
            "selector": [
                {"type": "TextPositionSelector", "start": obj.start, "end": obj.end},
                {
                    "type": "TextQuoteSelector",
                    "exact": obj.text,
                    "prefix": prefix,
                    "suffix": suffix,
                },
            ],
        }


class ClaimRelationSerializer(ServiceModelSerializer):
    create_service = staticmethod(claim_relation_create)
    update_service = _updater(claim_relation_update, "relation")

    class Meta:
        model = ClaimRelation
        fields = ["id", "from_claim", "to_claim", "kind", "note", "created_by", "created_at"]
        read_only_fields = ["created_by"]


class ReviewSerializer(ServiceModelSerializer):
    create_service = staticmethod(review_create)
    rating_value = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="5 (true) to 1 (false); null if unproven."
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "claim",
            "rating",
            "rating_value",
            "summary",
            "reviewer",
            "published_at",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reviewer"]


class SourceGroupSerializer(serializers.Serializer):
    # Shadows Field.source in the stubs only (see AnnotationTargetSerializer).
    source = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    source_name = serializers.CharField(allow_null=True)
    source_kind = serializers.CharField(allow_null=True)
    attributions = AttributionSerializer(many=True)
