from access.api import TrackerViewSet
from sources.filters import SourceFilter
from sources.models import Source
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
