"""API for suggested attributions: extract without storing, store for review, and the
review itself (edit, accept, reject)."""

import django_filters
from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from access.api import ServiceModelSerializer, StrictBooleanField, StrictCharField, TrackerViewSet
from access.filters import IdFilter, TrackerFilterSet
from articles.models import Article
from articles.serializers import MAX_OFFSET, SPAN_EXTRA_KWARGS
from claims.models import Attribution, Claim
from claims.serializers import AttributionSerializer
from sources.models import Source
from suggestions import services as service
from suggestions.models import Suggestion

# --- Extraction without storing -------------------------------------------------------------


class ExtractRequestSerializer(serializers.Serializer):
    text = StrictCharField(
        trim_whitespace=False,
        help_text="The article text. At most TRACKER_MAX_BODY_CHARS (1,000,000) characters.",
    )
    use_archive = StrictBooleanField(
        default=True,
        help_text="Link speakers to sources already in the archive by name or alias.",
    )

    def validate_text(self, value: str) -> str:
        limit = settings.TRACKER_MAX_BODY_CHARS
        if len(value) > limit:
            raise serializers.ValidationError(
                f"The text has {len(value):,} characters; the limit is {limit:,}."
            )
        if not value.strip():
            raise serializers.ValidationError("The text is empty.")
        return value.replace("\r\n", "\n").replace("\r", "\n")


class ProposedSourceSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Names the proposal; suggestions point at it.")
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    name = serializers.CharField()
    description = serializers.CharField()
    role = serializers.CharField()
    affiliation_key = serializers.CharField(allow_null=True)
    affiliation_id = serializers.IntegerField(allow_null=True)
    anonymity_reason = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())


class ExtractedSuggestionSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField(help_text="Exactly text[start:end].")
    kind = serializers.ChoiceField(choices=Suggestion.KINDS)
    act = serializers.ChoiceField(
        choices=Attribution.Act.choices, help_text="speech, belief or evidence"
    )
    cue = serializers.CharField()
    cue_start = serializers.IntegerField()
    cue_end = serializers.IntegerField()
    speaker_mention = serializers.CharField()
    speaker_start = serializers.IntegerField(allow_null=True)
    speaker_end = serializers.IntegerField(allow_null=True)
    source_id = serializers.IntegerField(
        allow_null=True, help_text="A source of the archive the speaker was linked to."
    )
    proposed_source = serializers.CharField(
        allow_null=True, help_text="Key of the proposed source, when the archive has none."
    )
    recipient = serializers.CharField(help_text="The outlet it was said to, as written.")
    said_when_text = serializers.CharField()
    channel = serializers.ChoiceField(choices=Attribution.Channel.choices)
    confidence = serializers.FloatField()
    continues = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "The index in suggestions of the first part of the same utterance, when this one "
            "continues it (a quote split by its cue); null otherwise."
        ),
    )


class ExtractionSerializer(serializers.Serializer):
    suggestions = ExtractedSuggestionSerializer(many=True)
    proposed_sources = ProposedSourceSerializer(many=True)


class ExtractView(generics.GenericAPIView):
    """Suggest attributions for a text, storing nothing: quotes and reported speech with
    exact offsets, kind, cue, speaker mention, and the speaker linked to a source of the
    archive or proposed as a new one. Empty text, text over the size limit and NUL
    characters are refused (400); text without quotes gives no suggestions."""

    throttle_scope = "expensive"  # access/throttling.py

    serializer_class = ExtractRequestSerializer
    queryset = Attribution.objects.none()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["claims.view_attribution"]}

    @extend_schema(request=ExtractRequestSerializer, responses=ExtractionSerializer)
    def post(self, request):
        query = ExtractRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        extraction = service.extract_for_text(
            query.validated_data["text"], use_archive=query.validated_data["use_archive"]
        )
        return Response(ExtractionSerializer(extraction).data)


# --- Stored suggestions ---------------------------------------------------------------------


class SuggestionSerializer(ServiceModelSerializer):
    """A stored suggestion. Pending ones can be edited (PATCH), accepted or rejected."""

    update_service = staticmethod(
        lambda instance, user, **data: service.suggestion_update(
            suggestion=instance, user=user, **data
        )
    )
    # Shadows Field.source in the stubs only; DRF's metaclass takes declared fields off the
    # class.
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Source.objects.all(), allow_null=True, required=False
    )
    speaker = serializers.CharField(source="speaker_label", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "article",
            "start",
            "end",
            "text",
            "anchor_status",
            "kind",
            "act",
            "cue",
            "speaker_mention",
            "speaker",
            "source",
            "proposed_source",
            "channel",
            "recipient_name",
            "said_when_text",
            "confidence",
            "state",
            "attribution",
            "reviewed_by",
            "reviewed_at",
            "note",
            "continues",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "article",
            "anchor_status",
            "continues",
            "proposed_source",
            "confidence",
            "state",
            "attribution",
            "reviewed_by",
            "reviewed_at",
        ]
        extra_kwargs = SPAN_EXTRA_KWARGS


class AcceptSerializer(serializers.Serializer):
    """Edits to make while accepting (all optional), and the claim to link."""

    claim = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(), required=False, allow_null=True
    )
    # Shadows Field.source in the stubs only; DRF's metaclass takes declared fields off the
    # class.
    source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Source.objects.all(),
        required=False,
        allow_null=True,
        help_text="Use this source instead of the suggested or proposed one.",
    )
    kind = serializers.ChoiceField(choices=Suggestion.KINDS, required=False)
    text = StrictCharField(required=False, trim_whitespace=False)
    start = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(required=False, min_value=1, max_value=MAX_OFFSET)
    cue = StrictCharField(required=False, allow_blank=True, max_length=60)
    speaker_mention = StrictCharField(required=False, allow_blank=True, max_length=300)
    note = StrictCharField(required=False, allow_blank=True)


class RejectSerializer(serializers.Serializer):
    note = StrictCharField(required=False, allow_blank=True, help_text="Why it is rejected.")


class SuggestionFilter(TrackerFilterSet):
    article = IdFilter()
    state = django_filters.MultipleChoiceFilter(choices=Suggestion.State.choices)
    kind = django_filters.MultipleChoiceFilter(choices=Suggestion.KINDS)

    class Meta:
        model = Suggestion
        fields = ["article", "state", "kind"]


class SuggestionViewSet(TrackerViewSet):
    """Suggested attributions waiting for review (``state=pending``), and those reviewed.

    They are made by ``POST /api/articles/{id}/suggest/``. PATCH edits a pending one;
    ``accept`` creates the attribution (and the proposed source, when the speaker is not in
    the archive); ``reject`` keeps it out of later runs. Editors only."""

    queryset = Suggestion.objects.with_related()
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    ordering_fields = ["id", "start", "confidence"]
    ordering = ["-id"]
    http_method_names = ["get", "patch", "head", "options"]


class SuggestionAcceptView(generics.GenericAPIView):
    """Accept a pending suggestion, with optional edits and the claim to link: creates the
    attribution (marked suggested and reviewed) and, when the speaker was only proposed,
    the source. 400 with field messages when the result would not be valid (nothing is
    stored); 400 on ``state`` when the suggestion was already reviewed."""

    serializer_class = AcceptSerializer
    queryset = Suggestion.objects.all()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["suggestions.change_suggestion", "claims.add_attribution"]}

    @extend_schema(request=AcceptSerializer, responses={201: AttributionSerializer})
    def post(self, request, pk):
        suggestion = get_object_or_404(Suggestion.objects.only("id"), pk=pk)
        edits = AcceptSerializer(data=request.data)
        edits.is_valid(raise_exception=True)
        attribution = service.suggestion_accept(
            suggestion=suggestion, user=request.user, **edits.validated_data
        )
        attribution = Attribution.objects.with_selectors().get(pk=attribution.pk)
        return Response(
            AttributionSerializer(attribution, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class SuggestionRejectView(generics.GenericAPIView):
    """Reject a pending suggestion (with an optional note). It is kept, so that running the
    extractor again does not propose it anew."""

    serializer_class = RejectSerializer
    queryset = Suggestion.objects.all()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["suggestions.change_suggestion"]}

    @extend_schema(request=RejectSerializer, responses=SuggestionSerializer)
    def post(self, request, pk):
        suggestion = get_object_or_404(Suggestion.objects.only("id"), pk=pk)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service.suggestion_reject(
            suggestion=suggestion, user=request.user, note=data.validated_data.get("note", "")
        )
        row = Suggestion.objects.with_related().get(pk=suggestion.pk)
        return Response(SuggestionSerializer(row, context=self.get_serializer_context()).data)


class SuggestReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField(help_text="Pending suggestions no longer made.")
    skipped_reviewed = serializers.IntegerField(
        help_text="Found again, but already accepted or rejected: left alone."
    )
    skipped_annotated = serializers.IntegerField(
        help_text="Overlapping an attribution already annotated: not suggested."
    )
    suggestions = SuggestionSerializer(many=True)


class ArticleSuggestView(generics.GenericAPIView):
    """Run the extractor on the article and store its suggestions for review. Running it
    again updates pending suggestions in place and never duplicates them; accepted and
    rejected suggestions and annotated attributions are left alone."""

    throttle_scope = "expensive"  # access/throttling.py

    serializer_class = SuggestReportSerializer
    queryset = Suggestion.objects.none()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["suggestions.add_suggestion"]}

    @extend_schema(request=None, responses=SuggestReportSerializer)
    def post(self, request, pk):
        article = get_object_or_404(Article.objects.only("id"), pk=pk)
        with transaction.atomic():
            report = service.suggest_attributions(article=article, user=request.user)
        rows = Suggestion.objects.with_related().filter(pk__in=report.suggestion_ids)
        data = {
            **report.as_dict(),
            "suggestions": sorted(rows, key=lambda row: (row.start or 0, row.pk)),
        }
        return Response(
            SuggestReportSerializer(data, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )
