from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from access.api import TrackerViewSet
from access.roles import may_change_authored
from articles.models import Article
from claims.models import Attribution, Claim
from crosscheck import index, reports
from crosscheck.filters import FindingFilter
from crosscheck.models import Finding
from crosscheck.selectors import recheck_status
from crosscheck.serializers import (
    AttributionCheckSerializer,
    ClaimCheckSerializer,
    CompareQuerySerializer,
    ComparisonSerializer,
    FindingSerializer,
    QuoteCheckRequestSerializer,
    QuoteCheckSerializer,
    RecheckStatusSerializer,
    SourcingSerializer,
)
from crosscheck.services import thresholds


class FindingViewSet(TrackerViewSet):
    """What the cross-check found, with its evidence. Findings are made by the engine;
    fact-checkers triage them with PATCH (state: open, confirmed, dismissed; note)."""

    queryset = Finding.objects.with_related()
    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["id", "kind", "state"]
    ordering = ["-id"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        finding = serializer.instance
        note = serializer.validated_data.get("note")
        if (
            note is not None
            and note != finding.note
            and finding.note
            and not may_change_authored(self.request.user, finding.note_by)
        ):
            # A note is changed by whoever wrote it, or an editor; the state stays open to
            # every fact-checker.
            self.permission_denied(
                self.request, message="Only the note's author or an editor may change it."
            )
        super().perform_update(serializer)


class QuoteCheckView(generics.GenericAPIView):
    """Where the archive has this quote, near-verbatim, and whether the attribution holds:
    ``conflicting`` when two matches, or a match and the given source, are credited with
    these words as the cross-check would flag a misattribution; ``attributed`` when none
    are; ``not_found`` without a match."""

    throttle_scope = "expensive"  # access/throttling.py

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


class RecheckStatusView(generics.GenericAPIView):
    """Whether findings are being recomputed after recent changes (queued or running
    rechecks on the task queue) and when the last recheck finished. A reader of findings
    who sees ``recomputing`` true reads findings that may still change."""

    serializer_class = RecheckStatusSerializer
    queryset = Finding.objects.none()
    pagination_class = None
    filter_backends = []
    # Whoever reads findings; a write is refused as on the other read-only cross-check
    # routes (403 below the editors, 405 for them).
    required_permissions = {
        "GET": ["crosscheck.view_finding"],
        "HEAD": ["crosscheck.view_finding"],
        "OPTIONS": ["crosscheck.view_finding"],
        "*": ["claims.change_attribution"],
    }

    def get(self, request):
        return Response(RecheckStatusSerializer(recheck_status()).data)


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


class CheckViewSet(viewsets.GenericViewSet):
    """Cross-check actions on another app's resource: no list, create or detail routes of
    their own, the same role permissions as the resource's viewset."""

    filter_backends = []
    pagination_class = None


# /api/claims/{id}/check/. The docstring is the claims resource's, shown in the API docs.
class ClaimCheckViewSet(CheckViewSet):
    """Claims: propositions in the editor's words, with a derived status."""

    queryset = Claim.objects.with_counts()
    serializer_class = ClaimCheckSerializer

    @extend_schema(
        responses=ClaimCheckSerializer,
        filters=False,
        summary="The claim's status and why: the independence groups that count, what counts "
        "toward nothing and why, what contests it; its supporting and contradicting "
        "attributions, and its findings",
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def check(self, request, pk=None):
        report = reports.claim_report(self.get_object())
        data = {
            "claim": report.claim,
            "status": report.status.status,
            "explanation": report.explanation,
            "reasons": report.reasons,
            "groups": [group.as_dict() for group in report.status.groups],
            "supporting": report.supporting,
            "denying": report.denying,
            "contradicting": report.contradicting,
            "not_counted": report.not_counted,
            "contradicting_claims": report.contradicting_claims,
            "findings": report.findings,
        }
        return Response(ClaimCheckSerializer(data, context=self.get_serializer_context()).data)


# /api/attributions/{id}/check/ and /api/attributions/compare/. The docstring is the
# attributions resource's, shown in the API docs.
class AttributionCheckViewSet(CheckViewSet):
    """Attributions: who said what, in which article, where in its text."""

    queryset = Attribution.objects.with_selectors()
    serializer_class = AttributionCheckSerializer

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
            min_similarity=thresholds().misattribution_min_similarity,
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
            "candidates_cut": matches.cut,
        }
        context = self.get_serializer_context()
        return Response(AttributionCheckSerializer(data, context=context).data)

    @extend_schema(
        parameters=[CompareQuerySerializer],
        responses={
            200: ComparisonSerializer,
            404: OpenApiResponse(description="No attribution has one of the ids."),
        },
        filters=False,
        summary="Compare two attributions: similarity, word diff and a verdict",
    )
    @action(detail=False, pagination_class=None, filter_backends=[])
    def compare(self, request):
        query = CompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ids = (query.validated_data["a"], query.validated_data["b"])
        rows = Attribution.objects.with_selectors().in_bulk(ids)
        missing = [str(pk) for pk in ids if pk not in rows]
        if missing:
            raise NotFound(f"No attribution has the id {' or '.join(dict.fromkeys(missing))}.")
        a, b = (rows[pk] for pk in ids)
        comparison = reports.compare_attributions(a, b)
        context = self.get_serializer_context()
        return Response(ComparisonSerializer(comparison, context=context).data)
