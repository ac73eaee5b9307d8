import django_filters
from django.db.models import Exists, OuterRef

from access.filters import StrictBooleanFilter
from articles.models import Article
from claims.models import Attribution, Claim
from crosscheck.models import Finding
from sources.models import Source


class FindingFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=Finding.Kind.choices)
    state = django_filters.MultipleChoiceFilter(field_name="state", choices=Finding.State.choices)
    resolved = StrictBooleanFilter(
        field_name="resolved_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="Findings a recomputation no longer finds (true) or that still hold (false).",
    )
    claim = django_filters.ModelChoiceFilter(field_name="claims", queryset=Claim.objects.all())
    source = django_filters.ModelChoiceFilter(field_name="sources", queryset=Source.objects.all())
    attribution = django_filters.ModelChoiceFilter(
        field_name="attributions", queryset=Attribution.objects.all()
    )
    article = django_filters.ModelChoiceFilter(
        field_name="attributions__article",
        queryset=Article.objects.all(),
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
