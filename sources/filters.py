import functools
import operator

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q

from access.filters import IdFilter, TrackerFilterSet
from sources.identifiers import Scheme, parse_identifier_query
from sources.models import Source, SourceAlias, SourceIdentifier

# ``role_type`` filters take "unknown" for sources whose type of role is not recorded.
ROLE_TYPE_CHOICES = [*Source.RoleType.choices, (Source.UNKNOWN_ROLE_TYPE, "not known")]


def role_type_condition(values, prefix: str = "") -> Q:
    """Sources (through ``prefix``, e.g. ``source__``) with one of these types of role."""
    stored = ["" if value == Source.UNKNOWN_ROLE_TYPE else value for value in values]
    return Q(**{f"{prefix}role_type__in": stored})


class IdentifierField(forms.CharField):
    """``scheme:value`` or a bare value, parsed into the (scheme, normalized) pairs it can
    mean; a value not valid in the scheme given is an error naming the problem."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_identifier_query(value)
        except ValidationError as error:
            raise ValidationError(error.messages, code="invalid") from error


class IdentifierFilter(django_filters.CharFilter):
    field_class = IdentifierField


class SourceFilter(TrackerFilterSet):
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=Source.Kind.choices)
    affiliation = IdFilter(
        field_name="affiliation",
        help_text="Id of the organisation the source belongs to.",
    )
    platform = django_filters.ChoiceFilter(field_name="platform", choices=Source.Platform.choices)
    article = IdFilter(
        field_name="article",
        help_text="Anonymous sources and groups of this article (id).",
    )
    name = django_filters.CharFilter(
        method="filter_name",
        help_text="Part of the name, description, an alias or an identifier, any case.",
    )
    role_type = django_filters.MultipleChoiceFilter(
        method="filter_role_type",
        choices=ROLE_TYPE_CHOICES,
        help_text="Type of role; 'unknown' for sources without one.",
    )
    identifier = IdentifierFilter(
        method="filter_identifier",
        help_text=(
            "An external identifier, as scheme:value (wikidata:Q42, twitter:@name) or a bare "
            "value matched in every scheme it is valid in; URLs are accepted."
        ),
    )
    has_identifier = django_filters.MultipleChoiceFilter(
        method="filter_has_identifier",
        choices=Scheme.choices,
        help_text="Sources with an identifier in this scheme (any of those given).",
    )

    class Meta:
        model = Source
        fields = ["kind", "affiliation", "platform", "article"]

    def filter_name(self, queryset, name, value):
        by_alias = SourceAlias.objects.filter(source=OuterRef("pk"), name__icontains=value)
        # Handles are stored without their '@'.
        by_identifier = SourceIdentifier.objects.filter(
            source=OuterRef("pk"), value__icontains=value.strip().removeprefix("@")
        )
        return queryset.filter(
            Q(name__icontains=value)
            | Q(description__icontains=value)
            | Exists(by_alias)
            | Exists(by_identifier)
        )

    def filter_role_type(self, queryset, name, value):
        return queryset.filter(role_type_condition(value))

    def filter_identifier(self, queryset, name, value):
        matches = functools.reduce(
            operator.or_, (Q(scheme=scheme, normalized=normal) for scheme, normal in value)
        )
        return queryset.filter(
            Exists(SourceIdentifier.objects.filter(matches, source=OuterRef("pk")))
        )

    def filter_has_identifier(self, queryset, name, value):
        found = SourceIdentifier.objects.filter(source=OuterRef("pk"), scheme__in=value)
        return queryset.filter(Exists(found))
