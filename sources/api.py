import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from access.api import TrackerViewSet
from access.filters import IdFilter, ScoreFilter, TrackerFilterSet
from sources.filters import SourceFilter
from sources.models import MergeSuggestion, Source
from sources.resolution import merge_suggestion_accept, merge_suggestion_reject
from sources.serializers import SourceSerializer
from sources.services import source_delete


class SourceViewSet(TrackerViewSet):
    """Who said it: people, organisations, official accounts, anonymous sources, groups."""

    queryset = Source.objects.with_related()
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    ordering_fields = ["id", "name", "kind", "created_at"]
    ordering = ["-id"]

    def perform_destroy(self, instance):
        source_delete(source=instance, user=self.request.user)


class MergeSuggestionSerializer(serializers.ModelSerializer):
    """Two sources that may be one, with the reason and how sure the match is."""

    class Meta:
        model = MergeSuggestion
        fields = [
            "id",
            "keep",
            "keep_name",
            "duplicate",
            "duplicate_name",
            "confidence",
            "reason",
            "evidence",
            "state",
            "created_at",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields


class MergeSuggestionFilter(TrackerFilterSet):
    state = django_filters.MultipleChoiceFilter(choices=MergeSuggestion.State.choices)
    source = IdFilter(
        method="filter_source", help_text="Pairs in which this source (id) is either side."
    )
    min_confidence = ScoreFilter(
        field_name="confidence", help_text="Only pairs this confident or more (0-1)."
    )

    class Meta:
        model = MergeSuggestion
        fields = ["state", "source", "min_confidence"]

    def filter_source(self, queryset, name, value):
        return queryset.filter(Q(keep_id=value) | Q(duplicate_id=value))


class MergeSuggestionViewSet(TrackerViewSet):
    """Proposed merges of two sources (``state=pending`` is the review queue), made when a
    speaker resembles a stored source without matching it for certain and by ``manage.py
    find_duplicate_sources``. Merge or reject with the actions below (editors)."""

    queryset = MergeSuggestion.objects.all()
    serializer_class = MergeSuggestionSerializer
    filterset_class = MergeSuggestionFilter
    ordering_fields = ["id", "confidence", "created_at"]
    ordering = ["-confidence", "id"]
    http_method_names = ["get", "head", "options"]


class _MergeReview(generics.GenericAPIView):
    serializer_class = MergeSuggestionSerializer
    queryset = MergeSuggestion.objects.all()
    pagination_class = None
    filter_backends = []
    required_permissions = {
        "*": ["sources.change_mergesuggestion", "sources.change_source", "sources.delete_source"]
    }

    def review(self, suggestion: MergeSuggestion) -> None:
        raise NotImplementedError

    @extend_schema(request=None, responses=MergeSuggestionSerializer)
    def post(self, request, pk):
        suggestion = get_object_or_404(MergeSuggestion, pk=pk)
        self.review(suggestion)
        suggestion.refresh_from_db()
        return Response(MergeSuggestionSerializer(suggestion).data)


class MergeSuggestionAcceptView(_MergeReview):
    """Merge the duplicate into the kept source (attributions move, its names become
    aliases, history kept). 400 on ``state`` when it is no longer pending."""

    def review(self, suggestion: MergeSuggestion) -> None:
        merge_suggestion_accept(suggestion=suggestion, user=self.request.user)


class MergeSuggestionRejectView(_MergeReview):
    """Reject the pair: the two sources stay apart and are not proposed again."""

    def review(self, suggestion: MergeSuggestion) -> None:
        merge_suggestion_reject(suggestion=suggestion, user=self.request.user)
