from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from access.api import ServiceModelSerializer
from sources.models import Source, SourceIdentifier
from sources.services import source_create, source_set_aliases, source_update


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


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A named person",
            value={
                "kind": "person",
                "name": "Ilse Varnok",
                "role": "mayor",
                "role_type": "official",
            },
            request_only=True,
        ),
    ]
)
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
