"""Downloads: the ClaimReview JSON-LD feed of published reviews, and attributions as CSV.

Both are read under the usual rules: the feed like a page (readers, or anyone with
``TRACKER_PUBLIC_READING``), the CSV like the attribution list of the API, whose filters
it takes.
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.views import View
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer

from access.filters import StrictBooleanField
from access.views import PageAccessMixin
from claims.filters import AttributionFilter
from claims.models import Attribution
from interchange.exporting import claimreview_feed
from interchange.exporting.spreadsheet import stream_attributions_csv


class ClaimReviewFeedView(PageAccessMixin, View):
    """Every published review as schema.org ClaimReview (``@graph``), newest first."""

    read_permissions = (
        "claims.view_claim",
        "claims.view_review",
        "claims.view_attribution",
        "articles.view_article",
        "sources.view_source",
    )

    def get(self, request, *args, **kwargs):
        feed, _skipped = claimreview_feed(request.build_absolute_uri)
        text = json.dumps(feed, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        return HttpResponse(text, content_type="application/ld+json; charset=utf-8")


class _AnyAccept(BaseContentNegotiation):
    """The CSV is the answer whatever the client accepts; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttributionCSVView(GenericAPIView):
    """The attributions the list's filters select, as CSV (``?excel=1`` for Excel)."""

    queryset = Attribution.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = AttributionFilter
    pagination_class = None
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="attributions_export_csv",
        summary="The attributions as CSV, one row per attribution",
        filters=True,
        parameters=[
            OpenApiParameter(
                "excel",
                OpenApiTypes.BOOL,
                description="Start with a UTF-8 byte order mark, for Excel.",
            )
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request, *args, **kwargs):
        try:
            excel = bool(StrictBooleanField().clean(request.query_params.get("excel", "")))
        except DjangoValidationError as error:
            raise ValidationError({"excel": error.messages}) from error
        attributions = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            stream_attributions_csv(attributions, excel=excel),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="attributions.csv"'
        return response
