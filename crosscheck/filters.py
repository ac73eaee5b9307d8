import django_filters
from django.db.models import Exists, OuterRef

from access.filters import IdFilter, StrictBooleanFilter
from crosscheck.models import Finding
from crosscheck.rules import Severity


class FindingFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=Finding.Kind.choices)
    state = django_filters.MultipleChoiceFilter(field_name="state", choices=Finding.State.choices)
    severity = django_filters.MultipleChoiceFilter(
        method="filter_severity",
        choices=[(v.value, v.value) for v in Severity],
        help_text="Set by the finding's rule: high, medium or low.",
    )
    assignee = IdFilter(field_name="assignee", help_text="Findings assigned to this user (id).")
    unassigned = StrictBooleanFilter(
        field_name="assignee", lookup_expr="isnull", help_text="Findings assigned to no one."
    )
    resolved = StrictBooleanFilter(
        field_name="resolved_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="Findings a recomputation no longer finds (true) or that still hold (false).",
    )
    claim = IdFilter(
        field_name="claims",
    )
    source = IdFilter(
        field_name="sources",
    )
    attribution = IdFilter(
        field_name="attributions",
    )
    article = IdFilter(
        field_name="attributions__article",
        method="filter_article",
        help_text="Findings that involve an attribution of this article (id).",
    )

    class Meta:
        model = Finding
        fields = ["kind", "state"]

    def filter_severity(self, queryset, name, value):
        return queryset.of_severity(*value) if value else queryset

    def filter_article(self, queryset, name, value):
        links = Finding.attributions.through.objects.filter(
            finding=OuterRef("pk"), attribution__article=value
        )
        return queryset.filter(Exists(links))
