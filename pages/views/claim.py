"""The claim page: its status and what decided it, supporting and contradicting
attributions, relations and reviews, the forms that add them, and its ClaimReview JSON-LD."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import DetailView

from access.views import PageAccessMixin
from claims.models import Attribution, Claim, ClaimRelation
from claims.services import claim_relation_create, review_create
from crosscheck.reports import claim_report
from crosscheck.selectors import recheck_status
from interchange.exporting.claimreview import claim_review_document
from pages.forms import ClaimRelationForm, ReviewForm, add_service_errors

RELATION_SUGGESTIONS = 30

# What ``json.dumps`` leaves that could end a <script> element or start a comment in it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json_script(data: dict) -> SafeString:
    """``data`` as a JSON-LD script element, safe inside HTML (as ``json_script`` does)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_SCRIPT_ESCAPES)),
    )


class ClaimDetailView(PageAccessMixin, DetailView):
    template_name = "pages/claim_detail.html"
    context_object_name = "claim"
    read_permissions = (
        "claims.view_claim",
        "claims.view_attribution",
        "claims.view_claimrelation",
        "claims.view_review",
    )

    def get_queryset(self):
        return Claim.objects.with_counts()

    def get_context_data(self, relation_form=None, review_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recheck_status"] = recheck_status()
        claim, user = self.object, self.request.user
        report = claim_report(claim)
        against_ids = [c.pk for c in report.contradicting_claims]
        # The claim's statements with no source, and what the contradicting claims' sources
        # said: neither is in the report, which counts supports and denials.
        extra = list(
            Attribution.objects.with_selectors()
            .filter(Q(claim=claim, source__isnull=True) | Q(claim__in=against_ids))
            .in_text_order()
        )
        said_against: dict[int, list[Attribution]] = {}
        for a in extra:
            if a.claim_id != claim.pk:
                said_against.setdefault(a.claim_id, []).append(a)
        relations = list(
            ClaimRelation.objects.filter(Q(from_claim=claim) | Q(to_claim=claim))
            .select_related("from_claim", "to_claim", "created_by")
            .order_by("kind", "id")
        )
        reviews = list(
            claim.reviews.select_related("reviewer").order_by(
                F("published_at").desc(nulls_first=True), "-id"
            )
        )
        published = [r for r in reviews if r.is_published]
        can_relate = user.has_perm("claims.add_claimrelation")
        if can_relate and relation_form is None:
            relation_form = ClaimRelationForm(claim=claim)
        suggestions = self.relation_suggestions(claim) if can_relate else []
        if suggestions:
            relation_form.fields["to_claim"].widget.attrs["list"] = "related-claims"
        if user.has_perm("claims.add_review") and review_form is None:
            review_form = ReviewForm()
        context.update(
            report=report,
            status=report.status.status,
            status_label=Claim.Status(report.status.status).label,
            status_explanation=report.explanation,
            groups=report.groups,
            # Why it is what it is, near the status: what is not counted and what is
            # against it, in plain words (the counted groups are listed with their labels).
            not_counted_reasons=[r for r in report.reasons if r.kind == "not_counted"],
            contested_reasons=[r for r in report.reasons if r.kind == "contested"],
            contradicting_figures=[
                {"attribution": a, "reasons": report.reasons_about(a)}
                for a in report.contradicting
                if a not in report.denying
            ],
            not_counted=[
                {"attribution": a, "reasons": report.reasons_about(a)} for a in report.not_counted
            ],
            unattributed=[a for a in extra if a.claim_id == claim.pk],
            against=[
                {"claim": c, "attributions": said_against.get(c.pk, [])}
                for c in report.contradicting_claims
            ],
            relations=[
                {
                    "relation": r,
                    "outgoing": r.from_claim_id == claim.pk,
                    "other": r.to_claim if r.from_claim_id == claim.pk else r.from_claim,
                }
                for r in relations
            ],
            reviews=reviews,
            relation_form=relation_form,
            review_form=review_form,
            relation_suggestions=suggestions,
            contradicting_count=len(report.contradicting) + len(report.contradicting_claims),
            claim_review_json_ld=ld_json_script(
                claim_review_document(
                    published[0], report.attributions, self.request.build_absolute_uri
                )
            )
            if published
            else "",
        )
        return context

    @staticmethod
    def relation_suggestions(claim: Claim) -> list[Claim]:
        """Claims said in the same articles: the likeliest to be related."""
        articles = Attribution.objects.filter(claim=claim).values("article_id")
        return list(
            Claim.objects.filter(
                Exists(Attribution.objects.filter(claim=OuterRef("pk"), article_id__in=articles))
            )
            .exclude(pk=claim.pk)
            .order_by("id")[:RELATION_SUGGESTIONS]
        )

    def invalid(self, **forms):
        return self.render_to_response(self.get_context_data(**forms), status=400)


class ClaimRelationCreateView(ClaimDetailView):
    """POST only: record that this claim supports, contradicts, refines or is another."""

    http_method_names = ["post"]
    write_permissions = ("claims.add_claimrelation",)

    def post(self, request, *args, **kwargs):
        self.object = claim = self.get_object()
        form = ClaimRelationForm(request.POST, claim=claim)
        if form.is_valid():
            try:
                relation = claim_relation_create(
                    user=request.user,
                    from_claim=claim,
                    to_claim=form.cleaned_data["to_claim"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Recorded: this claim {relation.get_kind_display()} "
                    f"claim #{relation.to_claim_id}.",
                )
                return HttpResponseRedirect(claim_url(claim) + "#relations")
        return self.invalid(relation_form=form)


class ReviewCreateView(ClaimDetailView):
    """POST only: record a verdict on the claim, published now or kept as a draft."""

    http_method_names = ["post"]
    write_permissions = ("claims.add_review",)

    def post(self, request, *args, **kwargs):
        self.object = claim = self.get_object()
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review_create(
                    user=request.user,
                    claim=claim,
                    rating=data["rating"],
                    summary=data["summary"],
                    url=data["url"],
                    published_at=timezone.now() if data["publish"] else None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                done = "published" if data["publish"] else "saved as a draft"
                messages.success(request, f"Review {done}.")
                return HttpResponseRedirect(claim_url(claim) + "#reviews")
        return self.invalid(review_form=form)


def claim_url(claim: Claim) -> str:
    return reverse("pages:claim-detail", args=[claim.pk])
