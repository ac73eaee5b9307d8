from functools import cached_property

from django.db.models import F
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from access.api import TrackerViewSet
from access.pagination import StrictPageSizeMixin
from access.roles import may_change_authored
from articles.models import Article
from claims.filters import AttributionFilter, ClaimFilter, ClaimRelationFilter, ReviewFilter
from claims.models import Attribution, Claim, ClaimRelation, Review
from claims.selectors import source_statements
from claims.serializers import (
    ATTRIBUTION_ROW_FIELDS,
    AttributionSerializer,
    ClaimRelationSerializer,
    ClaimSerializer,
    ReviewSerializer,
    SourceGroupSerializer,
    attribution_rows,
)
from claims.services import attribution_delete, claim_delete, claim_relation_delete
from sources.models import Source


class ClaimViewSet(TrackerViewSet):
    """Claims: propositions in the editor's words, with a derived status."""

    queryset = Claim.objects.with_counts()
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "status"]
    ordering = ["-id"]

    def perform_destroy(self, instance):
        claim_delete(claim=instance, user=self.request.user)

    @extend_schema(
        responses=SourceGroupSerializer(many=True),
        filters=False,
        summary="The claim's attributions, grouped by source",
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def attributions(self, request, pk=None):
        claim = self.get_object()
        rows = (
            Attribution.objects.with_selectors()
            .filter(claim=claim)
            .order_by(F("source_id").asc(nulls_last=True), F("said_on").asc(nulls_last=True), "id")
        )
        groups: dict[int | None, dict] = {}
        for attribution in rows:
            source = attribution.source
            group = groups.setdefault(
                attribution.source_id,
                {
                    "source": attribution.source_id,
                    "source_name": source.display_name if source else None,
                    "source_kind": source.kind if source else None,
                    "attributions": [],
                },
            )
            group["attributions"].append(attribution)
        return Response(
            SourceGroupSerializer(
                list(groups.values()), many=True, context=self.get_serializer_context()
            ).data
        )


class AttributionRowsMixin:
    """A list of attributions read as rows (``.values()``, one query, no model instances)
    and shaped by ``attribution_rows``: the JSON of ``AttributionSerializer``, at a
    fraction of its cost per row. Filters, ordering and pagination work on the rows as
    on the instances."""

    def list(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset()).values(*ATTRIBUTION_ROW_FIELDS)
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(attribution_rows(page))
        return Response(attribution_rows(rows))


class AttributionViewSet(AttributionRowsMixin, TrackerViewSet):
    """Attributions: who said what, in which article, where in its text."""

    queryset = Attribution.objects.with_selectors()
    serializer_class = AttributionSerializer
    filterset_class = AttributionFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]

    def perform_destroy(self, instance):
        attribution_delete(attribution=instance, user=self.request.user)


class ClaimRelationViewSet(TrackerViewSet):
    """Relations between claims: supports, contradicts, refines, same as."""

    queryset = ClaimRelation.objects.all()
    serializer_class = ClaimRelationSerializer
    filterset_class = ClaimRelationFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def perform_destroy(self, instance):
        claim_relation_delete(relation=instance, user=self.request.user)


class ReviewViewSet(TrackerViewSet):
    """Fact-checkers' verdicts on claims. A review is changed or deleted by its reviewer or
    an editor only (403 for anyone else)."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["id", "created_at", "published_at"]
    ordering = ["-id"]

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS and not may_change_authored(
            request.user, obj.reviewer
        ):
            self.permission_denied(
                request, message="Only the review's author or an editor may change it."
            )


class ArticleAttributionsView(AttributionRowsMixin, generics.ListAPIView):
    """An article's attributions in text order (orphaned spans last). Not paginated: an
    article's attributions are few."""

    serializer_class = AttributionSerializer
    pagination_class = None
    filter_backends = []
    queryset = Attribution.objects.none()

    @cached_property
    def article(self) -> Article:
        # Cached: the permission check asks for the queryset too.
        return get_object_or_404(Article.objects.only("id"), pk=self.kwargs["pk"])

    def get_queryset(self):
        return Attribution.objects.with_selectors().filter(article=self.article).in_text_order()


class StatementPagination(StrictPageSizeMixin, PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SourceStatementsView(AttributionRowsMixin, generics.ListAPIView):
    """A source's statements across articles, oldest first (by when they were said, else
    when the article was published; undated ones last)."""

    serializer_class = AttributionSerializer
    pagination_class = StatementPagination
    filter_backends = []
    queryset = Attribution.objects.none()

    @cached_property
    def source(self) -> Source:
        # Cached: the permission check asks for the queryset too.
        return get_object_or_404(Source.objects.only("id"), pk=self.kwargs["pk"])

    def get_queryset(self):
        return source_statements(self.source)
