"""Every API route, registered in one place."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from claims.api import (
    ArticleAttributionsView,
    AttributionViewSet,
    ClaimRelationViewSet,
    ClaimViewSet,
    ReviewViewSet,
    SourceStatementsView,
)
from sources.api import ArticleViewSet, MetadataSpanViewSet, OutletViewSet, SourceViewSet

router = DefaultRouter()
router.register("outlets", OutletViewSet)
router.register("articles", ArticleViewSet)
router.register("sources", SourceViewSet)
router.register("metadata-spans", MetadataSpanViewSet)
router.register("claims", ClaimViewSet)
router.register("attributions", AttributionViewSet)
router.register("claim-relations", ClaimRelationViewSet)
router.register("reviews", ReviewViewSet)

app_name = "api"
urlpatterns = [
    path(
        "articles/<int:pk>/attributions/",
        ArticleAttributionsView.as_view(),
        name="article-attributions",
    ),
    path("sources/<int:pk>/statements/", SourceStatementsView.as_view(), name="source-statements"),
    *router.urls,
]
