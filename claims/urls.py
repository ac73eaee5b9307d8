"""Pages about claims and findings (``claims`` namespace), and the article and source pages
that show them (``source_pages``, mounted in the ``sources`` namespace by tracker/urls.py)."""

from django.urls import path

from claims import views
from claims.feeds import ClaimReviewFeedView

app_name = "claims"
urlpatterns = [
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path(
        "claims/<int:pk>/relations/",
        views.ClaimRelationCreateView.as_view(),
        name="claim-relation-create",
    ),
    path("claims/<int:pk>/reviews/", views.ReviewCreateView.as_view(), name="claim-review-create"),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding-detail"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("quote-check/", views.QuoteCheckView.as_view(), name="quote-check"),
    path("feeds/claimreview.json", ClaimReviewFeedView.as_view(), name="claimreview-feed"),
]

source_pages = [
    path("articles/<int:pk>/", views.ArticleReaderView.as_view(), name="article-detail"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
]
