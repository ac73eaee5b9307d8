"""Findings: the filterable triage list and one finding's page, each showing its evidence
(word diff, conflicting figures, groups, attributions involved)."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, TemplateView

from access.views import PageAccessMixin
from articles.models import Article
from claims.models import Attribution, Claim
from crosscheck import rules
from crosscheck.models import Finding
from crosscheck.selectors import recheck_status
from crosscheck.services import assignable_users, finding_triage, findings_triage
from pages.forms import (
    ANY_STATE,
    ME,
    UNASSIGN_CHOICE,
    BulkTriageForm,
    FindingFilterForm,
    FindingTriageForm,
    add_service_errors,
)
from pages.views.articles import findings_involving
from sources.models import Source


@dataclass
class FindingRow:
    """A finding with what shows its evidence: the attributions involved and, by kind,
    a word diff, the conflicting figures or the groups."""

    finding: Finding
    attributions: list[Attribution] = field(default_factory=list)
    diff: list[dict] = field(default_factory=list)
    figures: list[list[str]] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    compare_url: str = ""
    # The anchor to go back to when a triage takes this finding off the list.
    after: str = ""


def finding_rows(findings: list[Finding]) -> list[FindingRow]:
    """Evidence for each finding, with one query for all their attributions (the findings
    come with their attribution ids prefetched)."""
    ids = {a.pk for f in findings for a in f.attributions.all()}
    loaded = Attribution.objects.with_selectors().in_bulk(ids) if ids else {}
    rows = []
    for f in findings:
        involved = sorted(
            (loaded[a.pk] for a in f.attributions.all() if a.pk in loaded), key=lambda a: a.pk
        )
        row = FindingRow(finding=f, attributions=involved)
        details = f.details or {}
        if f.kind == Finding.Kind.QUOTE_DRIFT:
            row.diff = details.get("diff", [])
        elif f.kind == Finding.Kind.MISATTRIBUTION and len(involved) == 2:
            row.diff = [op.as_dict() for op in rules.word_diff(involved[0].text, involved[1].text)]
        elif f.kind == Finding.Kind.NUMERIC_CONFLICT:
            row.figures = [c.get("figures", []) for c in details.get("conflicts", [])]
        if f.kind in (Finding.Kind.SINGLE_SOURCE, Finding.Kind.ANONYMOUS_ONLY):
            row.groups = details.get("groups", [])
        if len(involved) == 2 and f.kind in PAIR_KINDS:
            row.compare_url = compare_url(*involved)
        rows.append(row)
    return rows


PAIR_KINDS = (
    Finding.Kind.QUOTE_DRIFT,
    Finding.Kind.MISATTRIBUTION,
    Finding.Kind.NUMERIC_CONFLICT,
    Finding.Kind.CONTRADICTION,
)


def compare_url(a: Attribution, b: Attribution) -> str:
    return f"{reverse('pages:compare')}?a={a.pk}&b={b.pk}"


FINDINGS_PER_PAGE = 20


def safe_next(request) -> str:
    """The page to go back to (``next``), when it is on this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


class FindingListView(PageAccessMixin, TemplateView):
    template_name = "pages/finding_list.html"
    read_permissions = ("crosscheck.view_finding", "claims.view_attribution")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recheck_status"] = recheck_status()
        # Who findings can go to, read once for the filter, the bulk form and every row.
        users = list(assignable_users())
        form = FindingFilterForm(self.request.GET, users=users)
        findings = Finding.objects.current().with_related().by_severity()
        scope = {}
        if form.is_valid():
            data = form.cleaned_data
            if data["kind"]:
                findings = findings.filter(kind=data["kind"])
            if data["severity"]:
                findings = findings.of_severity(data["severity"])
            if data["assignee"] == ME:
                findings = findings.filter(assignee=self.request.user)
            elif data["assignee"] == UNASSIGN_CHOICE:
                findings = findings.filter(assignee__isnull=True)
            elif data["assignee"]:
                findings = findings.filter(assignee=form.users[data["assignee"]])
            if data["state"] != ANY_STATE:
                findings = findings.filter(state=data["state"])
            if data["article"]:
                scope["article"] = get_object_or_404(
                    Article.objects.only("id", "headline"), pk=data["article"]
                )
                findings = findings.filter(findings_involving(article=scope["article"]))
            if data["source"]:
                scope["source"] = get_object_or_404(Source, pk=data["source"])
                findings = findings.filter(findings_involving(source=scope["source"]))
            if data["claim"]:
                scope["claim"] = get_object_or_404(
                    Claim.objects.only("id", "text"), pk=data["claim"]
                )
                findings = findings.filter(claims=scope["claim"])
        else:
            findings = findings.none()
        page = Paginator(findings, FINDINGS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = finding_rows(list(page.object_list))
        can_triage = self.request.user.has_perm("crosscheck.change_finding")
        # Where the page goes back to after a finding is triaged: the finding itself, or the
        # one after it (before it, for the last) when the triage may take it off this list.
        for index, row in enumerate(rows):
            neighbour = rows[index + 1] if index + 1 < len(rows) else rows[index - 1]
            row.after = f"finding-{neighbour.finding.pk}" if len(rows) > 1 else "findings"
        context.update(
            filter_form=form,
            scope=scope,
            page_obj=page,
            rows=rows,
            bulk_form=BulkTriageForm(users=users) if can_triage else None,
            assignable=users,
            page_query=query.urlencode(),
            here=self.request.get_full_path(),
            can_triage=can_triage,
            triage_states=Finding.State,
        )
        return context


class FindingDetailView(PageAccessMixin, DetailView):
    """One finding with its evidence; POST triages it (confirm, dismiss, reopen, note)."""

    template_name = "pages/finding_detail.html"
    context_object_name = "finding"
    read_permissions = ("crosscheck.view_finding", "claims.view_attribution")
    write_permissions = ("crosscheck.change_finding",)

    def get_queryset(self):
        return Finding.objects.with_related()

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        finding = self.object
        if form is None and self.request.user.has_perm("crosscheck.change_finding"):
            form = FindingTriageForm(
                initial={"state": finding.state, "note": finding.note, "assignee": finding.assignee}
            )
        context.update(
            row=finding_rows([finding])[0],
            form=form,
            next=self.safe_next(),
            triage_states=Finding.State,
            assignable=assignable_users(),
        )
        return context

    def safe_next(self) -> str:
        return safe_next(self.request)

    def post(self, request, *args, **kwargs):
        self.object = finding = self.get_object()
        before = finding.state
        form = FindingTriageForm(request.POST)
        if form.is_valid():
            changes = {"state": form.cleaned_data["state"], "note": form.cleaned_data["note"]}
            if "assignee" in request.POST:
                changes["assignee"] = form.cleaned_data["assignee"]
            try:
                finding_triage(finding=finding, user=request.user, **changes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                verb = {
                    Finding.State.CONFIRMED: "confirmed",
                    Finding.State.DISMISSED: "dismissed",
                    Finding.State.OPEN: "open",
                }[finding.state]
                messages.success(request, f"Finding #{finding.pk} is {verb}.")
                target = self.safe_next()
                if not target:
                    target = reverse("pages:finding-detail", args=[finding.pk])
                anchor = f"finding-{finding.pk}"
                if finding.state != before and _lists_only_another_state(target, finding.state):
                    # The list it came from no longer shows it: back to its neighbour.
                    anchor = _anchor(request.POST.get("after", "")) or "findings"
                return HttpResponseRedirect(f"{target.split('#')[0]}#{anchor}")
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _lists_only_another_state(url: str, state: str) -> bool:
    """Whether the findings list at ``url`` leaves out findings in ``state`` (it lists the
    open ones unless it names a state)."""
    parts = urlsplit(url)
    if parts.path != reverse("pages:finding-list"):
        return False
    query = QueryDict(parts.query)
    listed = query.get("state") or Finding.State.OPEN
    return listed not in (ANY_STATE, state)


def _anchor(value: str) -> str:
    """A page anchor the list made (``finding-12``, ``findings``), else ""."""
    return value if re.fullmatch(r"finding-\d+|findings", value) else ""


class FindingBulkTriageView(PageAccessMixin, View):
    """POST: one triage (state, assignee, note) for the findings ticked on the list; then
    back to the list, where it was."""

    read_permissions = ("crosscheck.view_finding",)
    write_permissions = ("crosscheck.change_finding",)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = BulkTriageForm(request.POST)
        target = safe_next(request) or reverse("pages:finding-list")
        if form.is_valid():
            try:
                count = findings_triage(
                    findings=form.cleaned_data["findings"], user=request.user, **form.changes()
                )
            except ValidationError as error:
                messages.error(request, " ".join(_messages(error)))
            else:
                messages.success(request, f"{count} finding{pluralize(count)} changed.")
        else:
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return HttpResponseRedirect(f"{target.split('#')[0]}#findings")


def _messages(error: ValidationError) -> list[str]:
    return (
        [m for ms in error.message_dict.values() for m in ms]
        if hasattr(error, "error_dict")
        else error.messages
    )
