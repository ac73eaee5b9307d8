"""The pages' access rules, the dashboard and the search page.

Every page is read by users holding its ``view`` permissions (readers, fact-checkers,
editors), or by anyone when ``TRACKER_PUBLIC_READING`` is on. A write (any POST) needs the
page's write permissions as well, whatever that setting says: an anonymous POST is sent to
the login page, a reader's is refused with 403.
"""

from django.db.models import Count
from django.views.generic import TemplateView

from access.selectors import subquery_count
from access.views import PageAccessMixin
from articles.models import Article
from claims.filters import AttributionFilter
from claims.models import Attribution, Claim
from crosscheck.models import SEVERITY_ORDER, Finding
from crosscheck.rules import SEVERITY
from crosscheck.selectors import recheck_status
from sources.filters import SourceFilter
from sources.models import Source

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


# The claim statuses a fact-checker should look at first, in the dashboard's order: each
# has a card (contested first: a source denies it, a figure or a finding disputes it).
WATCHED_STATUSES = (
    Claim.Status.CONTESTED,
    Claim.Status.SINGLE_SOURCE,
    Claim.Status.ANONYMOUS_ONLY,
)
DASHBOARD_ROWS = 8


class DashboardView(PageAccessMixin, TemplateView):
    template_name = "pages/dashboard.html"
    read_permissions = ("articles.view_article", "claims.view_claim", "crosscheck.view_finding")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = (
            Article.objects.with_related()
            .defer("body", "notes")
            .annotate(attribution_count=subquery_count(Attribution, "article"))
        )
        open_findings = (
            Finding.objects.current()
            .filter(state=Finding.State.OPEN)
            .order_by()
            .values("kind")
            .annotate(n=Count("id"))
        )
        by_kind = {row["kind"]: row["n"] for row in open_findings}
        status_counts = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("id")))
        context.update(
            recheck_status=recheck_status(),
            recent_articles=list(articles[:DASHBOARD_ROWS]),
            open_findings=[
                {"kind": kind, "label": label, "count": by_kind[kind]}
                for kind, label in Finding.Kind.choices
                if by_kind.get(kind)
            ],
            open_findings_total=sum(by_kind.values()),
            open_by_severity=[
                {
                    "severity": str(severity),
                    "count": sum(n for kind, n in by_kind.items() if SEVERITY[kind] == severity),
                }
                for severity in SEVERITY_ORDER
            ],
            # Every status, with the claim list filtered by it.
            claim_statuses=[
                {"status": status, "label": label, "count": status_counts.get(status, 0)}
                for status, label in Claim.Status.choices
            ],
            claims_total=sum(status_counts.values()),
            watched_claims=[
                {
                    "status": status,
                    "label": status.label,
                    "count": status_counts.get(status, 0),
                    "claims": list(
                        Claim.objects.with_counts()
                        .filter(status=status)
                        .order_by("-created_at", "-id")[:DASHBOARD_ROWS]
                    ),
                }
                for status in WATCHED_STATUSES
            ],
        )
        return context


SEARCH_ROWS = 20


class SearchView(PageAccessMixin, TemplateView):
    """Headlines, sources (by name, description or alias) and quotes matching the words."""

    template_name = "pages/search.html"
    read_permissions = ("articles.view_article", "sources.view_source", "claims.view_attribution")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:200]
        context["query"] = query
        if not query:
            return context
        articles = Article.objects.with_related().defer("body", "notes")
        for word in query.split():
            articles = articles.filter(headline__icontains=word)
        sources = SourceFilter(
            {"name": query}, queryset=Source.objects.select_related("affiliation")
        ).qs
        quotes = AttributionFilter(
            {"q": query}, queryset=Attribution.objects.with_selectors().order_by("-id")
        ).qs
        # One row more than shown tells whether there are more, without a COUNT.
        for name, queryset in (("articles", articles), ("sources", sources), ("quotes", quotes)):
            rows = list(queryset[: SEARCH_ROWS + 1])
            context[name] = rows[:SEARCH_ROWS]
            context[f"more_{name}"] = len(rows) > SEARCH_ROWS
        context["limit"] = SEARCH_ROWS
        return context
