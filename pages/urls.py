"""Every fact-checker page, in the ``pages`` namespace."""

from django.urls import path

from interchange.feeds import ClaimReviewFeedView
from pages.views import (
    ArticleAnnotateView,
    ArticleListView,
    ArticleReaderView,
    ArticleSuggestView,
    ClaimDetailView,
    ClaimListView,
    ClaimRelationCreateView,
    CompareView,
    DashboardView,
    FindingBulkTriageView,
    FindingDetailView,
    FindingListView,
    QuoteCheckView,
    ReviewCreateView,
    SearchView,
    SourceDetailView,
    SourceListView,
)

app_name = "pages"
urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("search/", SearchView.as_view(), name="search"),
    path("articles/", ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/", ArticleReaderView.as_view(), name="article-detail"),
    path("articles/<int:pk>/suggest/", ArticleSuggestView.as_view(), name="article-suggest"),
    path("articles/<int:pk>/annotate/", ArticleAnnotateView.as_view(), name="article-annotate"),
    path("sources/", SourceListView.as_view(), name="source-list"),
    path("sources/<int:pk>/", SourceDetailView.as_view(), name="source-detail"),
    path("claims/", ClaimListView.as_view(), name="claim-list"),
    path("claims/<int:pk>/", ClaimDetailView.as_view(), name="claim-detail"),
    path(
        "claims/<int:pk>/relations/",
        ClaimRelationCreateView.as_view(),
        name="claim-relation-create",
    ),
    path("claims/<int:pk>/reviews/", ReviewCreateView.as_view(), name="claim-review-create"),
    path("findings/", FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", FindingDetailView.as_view(), name="finding-detail"),
    path("findings/triage/", FindingBulkTriageView.as_view(), name="finding-bulk-triage"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("quote-check/", QuoteCheckView.as_view(), name="quote-check"),
    path("feeds/claimreview.json", ClaimReviewFeedView.as_view(), name="claimreview-feed"),
]
