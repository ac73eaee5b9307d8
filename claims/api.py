from functools import cached_property

from django.conf import settings
from django.db.models import F
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from claims.crosscheck import index, reports
from claims.filters import (
    AttributionFilter,
    ClaimFilter,
    ClaimRelationFilter,
    FindingFilter,
    ReviewFilter,
)
from claims.models import Attribution, Claim, ClaimRelation, Finding, Review
from claims.serializers import (
    AttributionCheckSerializer,
    AttributionSerializer,
    ClaimCheckSerializer,
    ClaimRelationSerializer,
    ClaimSerializer,
    CompareQuerySerializer,
    ComparisonSerializer,
    FindingSerializer,
    QuoteCheckRequestSerializer,
    QuoteCheckSerializer,
    ReviewSerializer,
    SourceGroupSerializer,
    SourcingSerializer,
)
from sources.models import Article, Source
from tracker.api import TrackerViewSet
from tracker.pagination import StrictPageSizeMixin


class ClaimViewSet(TrackerViewSet):
    """Claims: propositions in the editor's words, with a derived status."""

    queryset = Claim.objects.with_counts()
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "status"]
    ordering = ["-id"]

    @extend_schema(
        responses=ClaimCheckSerializer,
        filters=False,
        summary="The claim's status, the independence groups that decided it, its "
        "supporting and contradicting attributions, and its findings",
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def check(self, request, pk=None):
        report = reports.claim_report(self.get_object())
        data = {
            "claim": report.claim,
            "status": report.status.status,
            "groups": [group.as_dict() for group in report.status.groups],
            "supporting": report.supporting,
            "denying": report.denying,
            "not_counted": report.not_counted,
            "contradicting_claims": report.contradicting_claims,
            "findings": report.findings,
        }
        return Response(ClaimCheckSerializer(data, context=self.get_serializer_context()).data)

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


class AttributionViewSet(TrackerViewSet):
    """Attributions: who said what, in which article, where in its text."""

    queryset = Attribution.objects.with_selectors()
    serializer_class = AttributionSerializer
    filterset_class = AttributionFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]

    @extend_schema(
        responses=AttributionCheckSerializer,
        filters=False,
        summary="The findings that involve this attribution and its near-identical quotes",
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def check(self, request, pk=None):
        attribution = self.get_object()
        matches = index.similar_quotes(
            attribution.text,
            limit=settings.TRACKER_QUOTE_CANDIDATES,
            min_similarity=settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY,
            exclude_ids=(attribution.pk,),
        )
        rows = Attribution.objects.with_selectors().in_bulk([m.attribution_id for m in matches])
        data = {
            "attribution": attribution,
            "findings": Finding.objects.current().filter(attributions=attribution).with_related(),
            "near_identical": [
                {"attribution": rows[m.attribution_id], "similarity": m.similarity}
                for m in matches
                if m.attribution_id in rows
            ],
        }
        context = self.get_serializer_context()
        return Response(AttributionCheckSerializer(data, context=context).data)

    @extend_schema(
        parameters=[CompareQuerySerializer],
        responses=ComparisonSerializer,
        filters=False,
        summary="Compare two attributions: similarity, word diff and a verdict",
    )
    @action(detail=False, pagination_class=None, filter_backends=[])
    def compare(self, request):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        a, b = (
            Attribution.objects.with_selectors().get(pk=query.validated_data[side].pk)
            for side in ("a", "b")
        )
        comparison = reports.compare_attributions(a, b)
        context = self.get_serializer_context()
        return Response(ComparisonSerializer(comparison, context=context).data)


class ClaimRelationViewSet(TrackerViewSet):
    """Relations between claims: supports, contradicts, refines, same as."""

    queryset = ClaimRelation.objects.all()
    serializer_class = ClaimRelationSerializer
    filterset_class = ClaimRelationFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]


class ReviewViewSet(TrackerViewSet):
    """Fact-checkers' verdicts on claims."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["id", "created_at", "published_at"]
    ordering = ["-id"]


class ArticleAttributionsView(generics.ListAPIView):
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


class SourceStatementsView(generics.ListAPIView):
    """A source's statements across articles, oldest first (by when they were said, then
    by the article's publication)."""

    serializer_class = AttributionSerializer
    pagination_class = StatementPagination
    filter_backends = []
    queryset = Attribution.objects.none()

    @cached_property
    def source(self) -> Source:
        # Cached: the permission check asks for the queryset too.
        return get_object_or_404(Source.objects.only("id"), pk=self.kwargs["pk"])

    def get_queryset(self):
        return (
            Attribution.objects.with_selectors()
            .filter(source=self.source)
            .order_by(
                F("said_on").asc(nulls_last=True),
                F("article__published_at").asc(nulls_last=True),
                "article_id",
                "start",
                "id",
            )
        )


class FindingViewSet(TrackerViewSet):
    """What the cross-check found, with its evidence. Findings are made by the engine;
    fact-checkers triage them with PATCH (state: open, confirmed, dismissed; note)."""

    queryset = Finding.objects.with_related()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["id", "kind", "state"]
    ordering = ["-id"]
    http_method_names = ["get", "patch", "head", "options"]


class QuoteCheckView(generics.GenericAPIView):
    """Where the archive has this quote, near-verbatim, and whether the attribution holds:
    ``attributed`` (one source, the given one if any), ``conflicting`` (different sources,
    or not the given one) or ``not_found``."""

    serializer_class = QuoteCheckRequestSerializer
    queryset = Attribution.objects.none()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["claims.view_attribution"]}

    @extend_schema(request=QuoteCheckRequestSerializer, responses=QuoteCheckSerializer)
    def post(self, request):
        query = QuoteCheckRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        result = reports.quote_check(
            query.validated_data["text"], query.validated_data.get("source")
        )
        return Response(QuoteCheckSerializer(result, context=self.get_serializer_context()).data)


class ArticleSourcingView(generics.GenericAPIView):
    """The article's sourcing profile: sources by kind, the share of its claims resting
    (in it) on anonymous sources only, anonymous sources given no reason, and statements
    it gives no source for."""

    serializer_class = SourcingSerializer
    queryset = Attribution.objects.none()
    pagination_class = None
    filter_backends = []

    def get(self, request, pk):
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        return Response(SourcingSerializer(reports.article_sourcing(article)).data)
