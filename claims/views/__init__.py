"""Pages about what was said: the article reader, the source page, the claim page (with its
relation and review forms), findings triage, comparing two attributions, the quote check.

Views only load rows through the models' tuned querysets and ``claims.crosscheck.reports``,
call one service on POST, and present the result. A service's ValidationError becomes a
form error, shown with the user's input kept.
"""

from claims.views.articles import ArticleReaderView, SourceDetailView
from claims.views.claim import ClaimDetailView, ClaimRelationCreateView, ReviewCreateView
from claims.views.findings import FindingDetailView, FindingListView
from claims.views.tools import CompareView, QuoteCheckView

__all__ = [
    "ArticleReaderView",
    "ClaimDetailView",
    "ClaimRelationCreateView",
    "CompareView",
    "FindingDetailView",
    "FindingListView",
    "QuoteCheckView",
    "ReviewCreateView",
    "SourceDetailView",
]
