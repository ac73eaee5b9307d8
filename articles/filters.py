import django_filters
from django.db.models import Exists, OuterRef, Q

from access.filters import IdFilter, StrictBooleanFilter, TrackerFilterSet
from articles.models import Article, Correction, MetadataSpan, Outlet


class OutletFilter(TrackerFilterSet):
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=Outlet.Kind.choices)
    name = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", help_text="Part of the name, any case."
    )

    class Meta:
        model = Outlet
        fields = ["kind", "name"]


class ArticleFilter(TrackerFilterSet):
    outlet = IdFilter(field_name="outlet", help_text="Outlet id.")
    origin_outlet = IdFilter(
        field_name="origin_outlet",
        help_text="Id of the wire service the story came from.",
    )
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="ISO 8601 date-time, inclusive."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lte", help_text="ISO 8601 date-time, inclusive."
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="status", choices=Article.Status.choices
    )
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact")
    q = django_filters.CharFilter(
        method="filter_text", help_text="Words in the headline or body (case-insensitive)."
    )
    has_anonymous_sources = StrictBooleanFilter(
        method="filter_has_anonymous_sources",
        help_text="Articles that quote (true) or do not quote (false) anonymous sources.",
    )

    class Meta:
        model = Article
        fields = ["outlet", "origin_outlet", "status", "language"]

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(headline__icontains=word) | Q(body__icontains=word))
        return queryset

    def filter_has_anonymous_sources(self, queryset, name, value):
        # Anonymous sources belong to the article that quotes them: the relation
        # ``Source.article`` (declared by ``sources``, which this app does not import).
        local_source = Article._meta.get_field("local_sources").related_model
        anonymous = local_source.objects.filter(article=OuterRef("pk"), kind="anonymous")
        return queryset.filter(Exists(anonymous) if value else ~Exists(anonymous))


class MetadataSpanFilter(TrackerFilterSet):
    article = IdFilter(
        field_name="article",
    )
    kind = django_filters.MultipleChoiceFilter(field_name="kind", choices=MetadataSpan.Kind.choices)

    class Meta:
        model = MetadataSpan
        fields = ["article", "kind"]


class CorrectionFilter(TrackerFilterSet):
    article = IdFilter()

    class Meta:
        model = Correction
        fields = ["article"]
