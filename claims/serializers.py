from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
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
from sources.models import Source


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
            "continues",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "anchor_status",
            "continues",
            "claim_is_suggested",
            "claim_link_score",
            "reviewed_by",
            "reviewed_at",
        ]
        extra_kwargs = SPAN_EXTRA_KWARGS

    def to_representation(self, instance):
        # The fields' own output, value by value, is what attribution_row reproduces; it
        # is kept (``field_by_field``) for the tests that compare the two.
        return attribution_row(attribution_row_of(instance))

    def field_by_field(self, instance) -> dict:
        return super().to_representation(instance)

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


# --- Attributions as rows --------------------------------------------------------------
#
# Lists of attributions are read with ``.values(*ATTRIBUTION_ROW_FIELDS)`` (one query,
# no model instances) and shaped by ``attribution_rows``: the JSON AttributionSerializer
# gives, without a serializer field call per value (a page of 100 spent most of its time
# there). The serializer shapes single attributions the same way (``to_representation``),
# so the two cannot drift apart; tests/api/test_attribution_rows.py compares them with
# DRF's own field-by-field output.

ATTRIBUTION_ROW_FIELDS = (
    *("id", "article", "article__headline", "article__url", "article__retracted_at"),
    *("source", "source__name", "source__kind", "source__description"),
    *("claim", "claim__text", "claim_is_suggested", "claim_link_score"),
    *("kind", "stance", "act", "text", "start", "end", "anchor_status"),
    *("quote_prefix", "quote_suffix", "speaker_mention", "cue", "channel"),
    *("recipient", "recipient__name", "said_on", "said_when_text", "is_suggested"),
    *("is_reviewed", "reviewed_by", "reviewed_at", "note", "continues"),
    *("created_at", "updated_at"),
)


def _datetime(value: datetime | None, zone: tzinfo) -> str | None:
    """As DRF's DateTimeField shows a stored (aware) time: ISO 8601 in the current time
    zone, "Z" for UTC."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def attribution_row_of(obj: Attribution) -> dict[str, Any]:
    """An attribution instance as the row ``.values(*ATTRIBUTION_ROW_FIELDS)`` gives (its
    related rows read as DRF would: through the instance)."""
    article, source, claim, recipient = obj.article, obj.source, obj.claim, obj.recipient
    if hasattr(obj, "quote_prefix") and hasattr(obj, "quote_suffix"):
        prefix, suffix = obj.quote_prefix, obj.quote_suffix
    elif obj.start is not None and obj.end is not None:
        body = article.body
        prefix = body[max(0, obj.start - SELECTOR_CONTEXT) : obj.start]
        suffix = body[obj.end : obj.end + SELECTOR_CONTEXT]
    else:
        prefix = suffix = None
    return {
        "id": obj.pk,
        "article": obj.article_id,
        "article__headline": article.headline,
        "article__url": article.url,
        "article__retracted_at": article.retracted_at,
        "source": obj.source_id,
        "source__name": source.name if source else None,
        "source__kind": source.kind if source else None,
        "source__description": source.description if source else None,
        "claim": obj.claim_id,
        "claim__text": claim.text if claim else None,
        "claim_is_suggested": obj.claim_is_suggested,
        "claim_link_score": obj.claim_link_score,
        "kind": obj.kind,
        "stance": obj.stance,
        "act": obj.act,
        "text": obj.text,
        "start": obj.start,
        "end": obj.end,
        "anchor_status": obj.anchor_status,
        "quote_prefix": prefix,
        "quote_suffix": suffix,
        "speaker_mention": obj.speaker_mention,
        "cue": obj.cue,
        "channel": obj.channel,
        "recipient": obj.recipient_id,
        "recipient__name": recipient.name if recipient else None,
        "said_on": obj.said_on,
        "said_when_text": obj.said_when_text,
        "is_suggested": obj.is_suggested,
        "is_reviewed": obj.is_reviewed,
        "reviewed_by": obj.reviewed_by_id,
        "reviewed_at": obj.reviewed_at,
        "note": obj.note,
        "continues": obj.continues_id,
        "created_at": obj.created_at,
        "updated_at": obj.updated_at,
    }


def attribution_row(row: Mapping[str, Any], zone: tzinfo | None = None) -> dict[str, Any]:
    """One row of ``.values(*ATTRIBUTION_ROW_FIELDS)`` as the API shows an attribution;
    times in ``zone`` (the current time zone unless given)."""
    zone = zone or timezone.get_current_timezone()
    article, start, end = row["article"], row["start"], row["end"]
    source = row["source"]
    target_source = row["article__url"] or f"/api/articles/{article}/"
    if start is None:
        target: dict[str, Any] = {"source": target_source, "selector": []}
    else:
        target = {
            "source": target_source,
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {
                    "type": "TextQuoteSelector",
                    "exact": row["text"],
                    "prefix": row["quote_prefix"] or "",
                    "suffix": row["quote_suffix"] or "",
                },
            ],
        }
    said_on = row["said_on"]
    return {
        "id": row["id"],
        "article": article,
        "article_headline": row["article__headline"],
        "article_url": row["article__url"],
        "article_retracted": row["article__retracted_at"] is not None,
        "source": source,
        "source_name": None
        if source is None
        else Source.display_name_of(
            name=row["source__name"],
            kind=row["source__kind"],
            description=row["source__description"],
        ),
        "source_kind": row["source__kind"],
        "claim": row["claim"],
        "claim_text": row["claim__text"],
        "claim_is_suggested": row["claim_is_suggested"],
        "claim_link_score": row["claim_link_score"],
        "kind": row["kind"],
        "stance": row["stance"],
        "act": row["act"],
        "text": row["text"],
        "start": start,
        "end": end,
        "anchor_status": row["anchor_status"],
        "target": target,
        "speaker_mention": row["speaker_mention"],
        "cue": row["cue"],
        "channel": row["channel"],
        "recipient": row["recipient"],
        "recipient_name": row["recipient__name"],
        "said_on": None if said_on is None else said_on.isoformat(),
        "said_when_text": row["said_when_text"],
        "is_suggested": row["is_suggested"],
        "is_reviewed": row["is_reviewed"],
        "reviewed_by": row["reviewed_by"],
        "reviewed_at": _datetime(row["reviewed_at"], zone),
        "note": row["note"],
        "continues": row["continues"],
        "created_at": _datetime(row["created_at"], zone),
        "updated_at": _datetime(row["updated_at"], zone),
    }


def attribution_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    zone = timezone.get_current_timezone()
    return [attribution_row(row, zone) for row in rows]


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
