"""API for claim suggestions: the review queue of matches between an attribution and a claim,
accepting and rejecting them, and running the claim matcher for one attribution."""

import django_filters
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from access.api import TrackerViewSet
from access.filters import IdFilter, ScoreFilter, TrackerFilterSet
from claims.models import Attribution
from suggestions.claim_links import claim_link_accept, claim_link_reject, claim_link_suggest
from suggestions.models import ClaimLink


class ClaimLinkSerializer(serializers.ModelSerializer):
    """A match between an attribution and a claim, with the evidence for it."""

    article = serializers.IntegerField(source="attribution.article_id", read_only=True)
    attribution_text = serializers.CharField(source="attribution.text", read_only=True)
    speaker = serializers.SerializerMethodField()
    claim_text = serializers.CharField(source="claim.text", read_only=True)

    class Meta:
        model = ClaimLink
        fields = [
            "id",
            "attribution",
            "article",
            "attribution_text",
            "speaker",
            "claim",
            "claim_text",
            "score",
            "evidence",
            "state",
            "created_at",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields

    def get_speaker(self, obj: ClaimLink) -> str:
        source = obj.attribution.source
        return source.display_name if source is not None else ""


class ClaimLinkFilter(TrackerFilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ClaimLink.State.choices)
    claim = IdFilter()
    attribution = IdFilter()
    article = IdFilter(field_name="attribution__article")
    min_score = ScoreFilter(
        field_name="score", help_text="Only matches scoring this or more (0-1)."
    )

    class Meta:
        model = ClaimLink
        fields = ["state", "claim", "attribution", "article", "min_score"]


class ClaimLinkViewSet(TrackerViewSet):
    """Claim suggestions: ``state=pending`` is the review queue (matches between the two
    thresholds, ``TRACKER_CLAIM_LINK_SUGGEST`` and ``TRACKER_CLAIM_LINK_AUTO``), ``linked``
    the matches linked automatically (the attribution's ``claim_is_suggested`` is true until
    an editor confirms or changes the claim). Accept or reject with the actions below."""

    queryset = ClaimLink.objects.select_related(
        "attribution__source", "claim", "reviewed_by"
    ).order_by("-score", "id")
    serializer_class = ClaimLinkSerializer
    filterset_class = ClaimLinkFilter
    ordering_fields = ["id", "score", "created_at"]
    ordering = ["-score", "id"]
    http_method_names = ["get", "head", "options"]


def _reviewed(link: ClaimLink, *, pending_only: bool) -> None:
    allowed = (
        {ClaimLink.State.PENDING}
        if pending_only
        else {ClaimLink.State.PENDING, ClaimLink.State.LINKED}
    )
    if link.state not in allowed:
        raise ValidationError({"state": f"This match was already {link.get_state_display()}."})


class _ClaimLinkReview(generics.GenericAPIView):
    serializer_class = ClaimLinkSerializer
    queryset = ClaimLink.objects.all()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["suggestions.change_claimlink", "claims.change_attribution"]}
    pending_only = True

    def review(self, link: ClaimLink) -> None:
        raise NotImplementedError

    @extend_schema(request=None, responses=ClaimLinkSerializer)
    def post(self, request, pk):
        link = get_object_or_404(ClaimLink, pk=pk)
        _reviewed(link, pending_only=self.pending_only)
        self.review(link)
        link.refresh_from_db()
        return Response(ClaimLinkSerializer(link, context=self.get_serializer_context()).data)


class ClaimLinkAcceptView(_ClaimLinkReview):
    """Accept a pending match: the attribution is linked to the claim (a confirmed link),
    and its other pending matches are rejected. 400 on ``state`` when it is not pending."""

    def review(self, link: ClaimLink) -> None:
        claim_link_accept(link=link, user=self.request.user)


class ClaimLinkRejectView(_ClaimLinkReview):
    """Reject a pending or automatic match; it is kept so the matcher does not propose it
    again, and an automatic link is undone (the attribution is left without a claim)."""

    pending_only = False

    def review(self, link: ClaimLink) -> None:
        claim_link_reject(link=link, user=self.request.user)


class ClaimCandidateSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim_id")
    score = serializers.FloatField()
    compared_with = serializers.CharField()


class ClaimSuggestOutcomeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["linked", "queued", "created", "skipped"],
        help_text=(
            "linked: a claim above the high threshold was linked (marked suggested); queued: "
            "matches wait for review; created: a new claim was made from the attribution's "
            "words; skipped: the attribution has a claim or no source."
        ),
    )
    claim = serializers.IntegerField(source="claim.pk", allow_null=True, default=None)
    score = serializers.FloatField(allow_null=True)
    candidates = ClaimCandidateSerializer(many=True)


class AttributionSuggestClaimView(generics.GenericAPIView):
    """Run the claim matcher for one attribution without a claim (see the README's "Claim
    suggestions"): link it, queue matches for review, or give it a new claim."""

    throttle_scope = "expensive"  # access/throttling.py

    serializer_class = ClaimSuggestOutcomeSerializer
    queryset = Attribution.objects.all()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["claims.change_attribution", "claims.add_claim"]}

    @extend_schema(request=None, responses=ClaimSuggestOutcomeSerializer)
    def post(self, request, pk):
        attribution = get_object_or_404(Attribution, pk=pk)
        outcome = claim_link_suggest(attribution=attribution, user=request.user)
        outcome.candidates = outcome.candidates[:10]
        return Response(ClaimSuggestOutcomeSerializer(outcome).data, status=status.HTTP_200_OK)
