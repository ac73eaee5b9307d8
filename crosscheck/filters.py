import django_filters
from django.db.models import Exists, OuterRef

from access.filters import IdFilter, StrictBooleanFilter
from crosscheck.models import Finding


class FindingFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=Finding.Kind.choices)
    state = django_filters.MultipleChoiceFilter(field_name="state", choices=Finding.State.choices)
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

    def filter_article(self, queryset, name, value):
        links = Finding.attributions.through.objects.filter(
            finding=OuterRef("pk"), attribution__article=value
        )
        return queryset.filter(Exists(links))
