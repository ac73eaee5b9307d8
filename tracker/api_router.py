"""Every API route, registered in one place."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import DefaultRouter

from articles.api import ArticleViewSet, CorrectionViewSet, MetadataSpanViewSet, OutletViewSet
from claims.api import (
    ArticleAttributionsView,
    AttributionViewSet,
    ClaimRelationViewSet,
    ClaimViewSet,
    ReviewViewSet,
    SourceStatementsView,
)
from crosscheck.api import (
    ArticleSourcingView,
    AttributionCheckViewSet,
    ClaimCheckViewSet,
    FindingViewSet,
    QuoteCheckView,
    RecheckStatusView,
)
from interchange.feeds import AttributionCSVView
from sources.api import (
    MergeSuggestionAcceptView,
    MergeSuggestionRejectView,
    MergeSuggestionViewSet,
    SourceViewSet,
)
from suggestions.api import (
    ArticleSuggestView,
    ExtractView,
    SuggestionAcceptView,
    SuggestionRejectView,
    SuggestionViewSet,
)
from suggestions.claim_link_api import (
    AttributionSuggestClaimView,
    ClaimLinkAcceptView,
    ClaimLinkRejectView,
    ClaimLinkViewSet,
)
from suggestions.job_api import AcceptAllView, AcceptJobViewSet

router = DefaultRouter()
# The cross-check actions on claims and attributions (check, compare) come first, so that
# /attributions/compare/ is not read as an attribution's id by the detail route.
router.register("claims", ClaimCheckViewSet, basename="claim-crosscheck")
router.register("attributions", AttributionCheckViewSet, basename="attribution-crosscheck")
router.register("outlets", OutletViewSet)
router.register("articles", ArticleViewSet)
router.register("sources", SourceViewSet)
router.register("metadata-spans", MetadataSpanViewSet)
router.register("corrections", CorrectionViewSet)
router.register("claims", ClaimViewSet)
router.register("attributions", AttributionViewSet)
router.register("claim-relations", ClaimRelationViewSet)
router.register("reviews", ReviewViewSet)
router.register("findings", FindingViewSet)
router.register("suggestions", SuggestionViewSet)
router.register("claim-links", ClaimLinkViewSet)
router.register("accept-jobs", AcceptJobViewSet)
router.register("merge-suggestions", MergeSuggestionViewSet)


@csrf_exempt
def not_found(request, path):
    """Any other path under /api/ (ending in a slash, so that APPEND_SLASH still redirects):
    a JSON 404 like every other API error, not Django's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


app_name = "api"
urlpatterns = [
    path(
        "articles/<int:pk>/attributions/",
        ArticleAttributionsView.as_view(),
        name="article-attributions",
    ),
    path("sources/<int:pk>/statements/", SourceStatementsView.as_view(), name="source-statements"),
    path("articles/<int:pk>/sourcing/", ArticleSourcingView.as_view(), name="article-sourcing"),
    path("quote-check/", QuoteCheckView.as_view(), name="quote-check"),
    path("crosscheck/status/", RecheckStatusView.as_view(), name="crosscheck-status"),
    path("attributions/export.csv", AttributionCSVView.as_view(), name="attribution-export-csv"),
    path("extract/", ExtractView.as_view(), name="extract"),
    path("articles/<int:pk>/suggest/", ArticleSuggestView.as_view(), name="article-suggest"),
    path("suggestions/accept-all/", AcceptAllView.as_view(), name="suggestion-accept-all"),
    path("suggestions/<int:pk>/accept/", SuggestionAcceptView.as_view(), name="suggestion-accept"),
    path("suggestions/<int:pk>/reject/", SuggestionRejectView.as_view(), name="suggestion-reject"),
    path(
        "merge-suggestions/<int:pk>/accept/",
        MergeSuggestionAcceptView.as_view(),
        name="mergesuggestion-accept",
    ),
    path(
        "merge-suggestions/<int:pk>/reject/",
        MergeSuggestionRejectView.as_view(),
        name="mergesuggestion-reject",
    ),
    path("claim-links/<int:pk>/accept/", ClaimLinkAcceptView.as_view(), name="claimlink-accept"),
    path("claim-links/<int:pk>/reject/", ClaimLinkRejectView.as_view(), name="claimlink-reject"),
    path(
        "attributions/<int:pk>/suggest-claim/",
        AttributionSuggestClaimView.as_view(),
        name="attribution-suggest-claim",
    ),
    *router.urls,
    re_path(r"^(?P<path>[\s\S]*/)$", not_found, name="not-found"),
]
