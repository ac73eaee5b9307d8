"""Compare two attributions side by side with the word diff, and the quote check."""

from django.views.generic import TemplateView

from access.views import PageAccessMixin
from claims.models import Attribution
from crosscheck.reports import compare_attributions, quote_check
from pages.forms import CompareForm, QuoteCheckForm


def diff_sides(diff: list[dict]) -> tuple[list[dict], list[dict]]:
    """The word diff split into the first quote's words (removed ones marked) and the
    second's (added ones marked), for showing side by side."""
    left, right = [], []
    for op in diff:
        changed = op["op"] != "equal"
        left += [{"word": w, "changed": changed} for w in op["old"]]
        right += [{"word": w, "changed": changed} for w in op["new"]]
    return left, right


class CompareView(PageAccessMixin, TemplateView):
    template_name = "pages/attribution_compare.html"
    read_permissions = ("claims.view_attribution",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        if "a" in params and "b" in params:
            form = CompareForm(params)
        else:
            form = CompareForm(initial={k: params[k] for k in ("a", "b") if params.get(k)})
        context["form"] = form
        if not form.is_bound or not form.is_valid():
            return context
        ids = form.cleaned_data["a"], form.cleaned_data["b"]
        found = Attribution.objects.with_selectors().in_bulk(ids)
        for name, pk in zip(("a", "b"), ids, strict=True):
            if pk not in found:
                form.add_error(name, "No attribution has this number.")
        if form.errors:
            return context
        comparison = compare_attributions(found[ids[0]], found[ids[1]])
        left, right = diff_sides(comparison.diff)
        context.update(comparison=comparison, left_words=left, right_words=right)
        return context


class QuoteCheckView(PageAccessMixin, TemplateView):
    template_name = "pages/quote_check.html"
    read_permissions = ("claims.view_attribution", "sources.view_source")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = QuoteCheckForm(self.request.GET if "q" in self.request.GET else None)
        context["form"] = form
        if form.is_bound and form.is_valid():
            context["result"] = quote_check(form.cleaned_data["q"], form.cleaned_data["name"])
        return context
