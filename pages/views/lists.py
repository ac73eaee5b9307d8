"""The filtered article, source and claim lists."""

from django import forms
from django.views.generic import ListView

from access.selectors import subquery_count
from access.views import PageAccessMixin
from articles.filters import ArticleFilter
from articles.models import Article
from claims.filters import ClaimFilter
from claims.models import Claim
from sources.filters import SourceFilter
from sources.models import Source

PAGE_SIZE = 25


def article_filter_for_page(data, queryset) -> ArticleFilter:
    """The API's ArticleFilter with widgets for a page: dates as date pickers, statuses as
    checkboxes, the yes/no filter as a select. The parameters and their meaning are the
    API's, so a filtered page's URL and the API's agree."""
    filterset = ArticleFilter(data, queryset=queryset)
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    fields["q"].label = "Text"
    fields["q"].help_text = "Words in the headline or body."
    fields["outlet"].empty_label = "Any outlet"
    fields["outlet"].help_text = ""
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    fields["published_after"].label = "Published from"
    fields["published_before"].label = "Published before"
    for name in ("published_after", "published_before"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"})
        fields[name].help_text = ""
    fields["has_anonymous_sources"].label = "Anonymous sources"
    fields["has_anonymous_sources"].help_text = ""
    fields["has_anonymous_sources"].widget = forms.Select(
        choices=[("", "Any"), ("true", "Quotes anonymous sources"), ("false", "Quotes none")]
    )
    return filterset


class FilteredListMixin:
    """A page list filtered by the API's filterset (made for the page by
    ``filterset_for_page``): invalid filters show as form errors over an empty list."""

    shown_filters: tuple[str, ...] = ()

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset()
        self.filterset = self.filterset_for_page(self.request.GET or None, queryset)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            filter_fields=[form[name] for name in self.shown_filters],
            filters_invalid=self.filterset.is_bound and not self.filterset.is_valid(),
            is_filtered=any(
                value
                for key, values in query.lists()
                if key in self.filterset.filters
                for value in values
            ),
            page_query=query.urlencode(),
        )
        return context


class ArticleListView(FilteredListMixin, PageAccessMixin, ListView):
    template_name = "pages/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    read_permissions = ("articles.view_article",)
    # Shown in this order; the API's other parameters (language, origin_outlet) still work.
    shown_filters = (
        "q",
        "outlet",
        "status",
        "published_after",
        "published_before",
        "has_anonymous_sources",
    )

    filterset_for_page = staticmethod(article_filter_for_page)

    def base_queryset(self):
        return (
            Article.objects.with_related()
            .defer("body", "notes")
            .annotate(
                anonymous_sources=subquery_count(Source, "article", kind=Source.Kind.ANONYMOUS)
            )
        )


def source_filter_for_page(data, queryset) -> SourceFilter:
    """The API's SourceFilter with widgets for a page (see ``article_filter_for_page``)."""
    filterset = SourceFilter(data, queryset=queryset)
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    fields["name"].label = "Search"
    fields["name"].help_text = "Part of a name, description, alias or identifier (Q42, a handle)."
    fields["role_type"].label = "Type of role"
    fields["role_type"].help_text = ""
    fields["has_identifier"].label = "Has an identifier in"
    fields["has_identifier"].help_text = ""
    for name in ("kind", "role_type", "has_identifier"):
        fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)
    return filterset


class SourceListView(FilteredListMixin, PageAccessMixin, ListView):
    template_name = "pages/source_list.html"
    context_object_name = "sources"
    paginate_by = PAGE_SIZE
    read_permissions = ("sources.view_source",)
    # Shown in this order; the API's other parameters (affiliation, identifier, ...) work too.
    shown_filters = ("name", "kind", "role_type", "has_identifier")

    filterset_for_page = staticmethod(source_filter_for_page)

    def base_queryset(self):
        return (
            Source.objects.with_related()
            .defer("article__body", "article__notes", "notes")
            .order_by("name", "description", "id")
        )


def claim_filter_for_page(data, queryset) -> ClaimFilter:
    """The API's ClaimFilter with widgets for a page (see ``article_filter_for_page``):
    every status, contested included, as checkboxes."""
    filterset = ClaimFilter(data, queryset=queryset)
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    fields["q"].label = "Text"
    fields["q"].help_text = "Words in the claim."
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    fields["status"].help_text = "Derived by the cross-check: the claim page says why."
    fields["event_after"].label = "Event from"
    fields["event_before"].label = "Event until"
    for name in ("event_after", "event_before"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"})
        fields[name].help_text = ""
    return filterset


class ClaimListView(FilteredListMixin, PageAccessMixin, ListView):
    template_name = "pages/claim_list.html"
    context_object_name = "claims"
    paginate_by = PAGE_SIZE
    read_permissions = ("claims.view_claim",)
    # Shown in this order; the API's other parameters (source, source_role_type) work too.
    shown_filters = ("q", "status", "event_after", "event_before")

    filterset_for_page = staticmethod(claim_filter_for_page)

    def base_queryset(self):
        return Claim.objects.with_counts().order_by("-created_at", "-id")
