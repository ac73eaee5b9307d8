"""The fact-checkers' pages: dashboard and search, the article, source and claim lists, the
article reader, the source page, the claim page (with its relation and review forms), findings
triage, comparing two attributions, the quote check.

Views only load rows through the models' tuned querysets and ``crosscheck.reports``, call
one service on POST, and present the result. A service's ValidationError becomes a form
error, shown with the user's input kept.
"""

from pages.views.articles import (
    ArticleAnnotateView,
    ArticleReaderView,
    ArticleSuggestView,
    SourceDetailView,
)
from pages.views.claim import ClaimDetailView, ClaimRelationCreateView, ReviewCreateView
from pages.views.dashboard import DashboardView, SearchView
from pages.views.findings import FindingBulkTriageView, FindingDetailView, FindingListView
from pages.views.lists import ArticleListView, ClaimListView, SourceListView
from pages.views.tools import CompareView, QuoteCheckView

__all__ = [
    "ArticleAnnotateView",
    "ArticleListView",
    "ArticleReaderView",
    "ArticleSuggestView",
    "ClaimDetailView",
    "ClaimListView",
    "ClaimRelationCreateView",
    "CompareView",
    "DashboardView",
    "FindingBulkTriageView",
    "FindingDetailView",
    "FindingListView",
    "QuoteCheckView",
    "ReviewCreateView",
    "SearchView",
    "SourceDetailView",
    "SourceListView",
]
