import django_filters
from django.db.models import Exists, OuterRef, Q

from access.filters import IdFilter, StrictBooleanFilter, TrackerFilterSet
from claims.models import Attribution, Claim, ClaimRelation, Review
from sources.filters import ROLE_TYPE_CHOICES, role_type_condition
from sources.models import Source

# Dates only as ISO 8601: "03/01/2031" is March in one country and January in another.
ISO_DATE = ["%Y-%m-%d"]


class ClaimFilter(TrackerFilterSet):
    status = django_filters.MultipleChoiceFilter(field_name="status", choices=Claim.Status.choices)
    q = django_filters.CharFilter(
        field_name="text", lookup_expr="icontains", help_text="Part of the claim's text."
    )
    event_after = django_filters.DateFilter(
        field_name="event_date",
        lookup_expr="gte",
        input_formats=ISO_DATE,
        help_text="Event on or after (YYYY-MM-DD).",
    )
    event_before = django_filters.DateFilter(
        field_name="event_date",
        lookup_expr="lte",
        input_formats=ISO_DATE,
        help_text="Event on or before (YYYY-MM-DD).",
    )
    source = IdFilter(
        field_name="attributions__source",
        method="filter_source",
        help_text="Claims that this source (id) is attributed with.",
    )
    source_role_type = django_filters.MultipleChoiceFilter(
        method="filter_source_role_type",
        choices=ROLE_TYPE_CHOICES,
        help_text="Claims attributed to a source with this type of role ('unknown': none).",
    )

    class Meta:
        model = Claim
        fields = ["status"]

    def filter_source(self, queryset, name, value):
        said = Attribution.objects.filter(claim=OuterRef("pk"), source=value)
        return queryset.filter(Exists(said))

    def filter_source_role_type(self, queryset, name, value):
        said = Attribution.objects.filter(
            role_type_condition(value, prefix="source__"), claim=OuterRef("pk")
        )
        return queryset.filter(Exists(said))


class AttributionFilter(TrackerFilterSet):
    article = IdFilter(
        field_name="article",
    )
    source = IdFilter(
        field_name="source",
    )
    source_kind = django_filters.MultipleChoiceFilter(
        field_name="source__kind", choices=Source.Kind.choices
    )
    source_role_type = django_filters.MultipleChoiceFilter(
        method="filter_source_role_type",
        choices=ROLE_TYPE_CHOICES,
        help_text="Their source's type of role ('unknown': none recorded).",
    )
    claim = IdFilter(
        field_name="claim",
    )
    has_claim = StrictBooleanFilter(
        field_name="claim", lookup_expr="isnull", exclude=True, help_text="Linked to a claim."
    )
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=Attribution.Kind.choices)
    channel = django_filters.MultipleChoiceFilter(
        field_name="channel", choices=Attribution.Channel.choices
    )
    cue = django_filters.CharFilter(
        field_name="cue", lookup_expr="iexact", help_text="The cue as written, e.g. said."
    )
    recipient = IdFilter(field_name="recipient", help_text="Outlet id.")
    said_after = django_filters.DateFilter(
        field_name="said_on", lookup_expr="gte", input_formats=ISO_DATE, help_text="YYYY-MM-DD."
    )
    said_before = django_filters.DateFilter(
        field_name="said_on", lookup_expr="lte", input_formats=ISO_DATE, help_text="YYYY-MM-DD."
    )
    is_reviewed = StrictBooleanFilter(field_name="is_reviewed")
    is_suggested = StrictBooleanFilter(field_name="is_suggested")
    anchor_status = django_filters.MultipleChoiceFilter(
        field_name="anchor_status",
        choices=Attribution._meta.get_field("anchor_status").choices,
    )
    q = django_filters.CharFilter(
        field_name="text", lookup_expr="icontains", help_text="Part of the quoted text."
    )

    class Meta:
        model = Attribution
        fields = ["article", "source", "claim", "kind", "channel"]

    def filter_source_role_type(self, queryset, name, value):
        return queryset.filter(role_type_condition(value, prefix="source__"))


class ClaimRelationFilter(TrackerFilterSet):
    from_claim = IdFilter(
        field_name="from_claim",
    )
    to_claim = IdFilter(
        field_name="to_claim",
    )
    claim = IdFilter(
        field_name="from_claim",
        method="filter_claim",
        help_text="Relations from or to this claim.",
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="kind", choices=ClaimRelation.Kind.choices
    )

    class Meta:
        model = ClaimRelation
        fields = ["from_claim", "to_claim", "kind"]

    def filter_claim(self, queryset, name, value):
        return queryset.filter(Q(from_claim=value) | Q(to_claim=value))


class ReviewFilter(TrackerFilterSet):
    claim = IdFilter(
        field_name="claim",
    )
    rating = django_filters.MultipleChoiceFilter(field_name="rating", choices=Review.Rating.choices)
    published = StrictBooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, help_text="Published."
    )

    class Meta:
        model = Review
        fields = ["claim", "rating"]
