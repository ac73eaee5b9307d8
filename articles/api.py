from django.db.models.functions import Length

from access.api import TrackerViewSet
from articles.filters import ArticleFilter, CorrectionFilter, MetadataSpanFilter, OutletFilter
from articles.models import Article, Correction, MetadataSpan, Outlet
from articles.serializers import (
    ArticleSerializer,
    ArticleSummarySerializer,
    CorrectionSerializer,
    MetadataSpanSerializer,
    OutletSerializer,
)
from articles.services import article_delete


class OutletViewSet(TrackerViewSet):
    """News outlets: newspapers, wire agencies, broadcasters, online publications."""

    queryset = Outlet.objects.all()
    serializer_class = OutletSerializer
    filterset_class = OutletFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]


class ArticleViewSet(TrackerViewSet):
    """Articles. Lists leave out the body (see ``body_length``); a single article has it."""

    queryset = Article.objects.with_related()
    filterset_class = ArticleFilter
    ordering_fields = ["id", "created_at", "updated_at", "headline"]
    ordering = ["-id"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = queryset.defer("body", "notes").annotate(body_length=Length("body"))
        else:
            queryset = queryset.prefetch_related("corrections")
        return queryset

    def get_serializer_class(self):
        return ArticleSummarySerializer if self.action == "list" else ArticleSerializer

    def perform_destroy(self, instance):
        article_delete(article=instance, user=self.request.user)


class MetadataSpanViewSet(TrackerViewSet):
    """Text in an article's body that is not a claim: headings, captions, credits."""

    queryset = MetadataSpan.objects.select_related("article", "outlet").defer("article__body")
    serializer_class = MetadataSpanSerializer
    filterset_class = MetadataSpanFilter
    ordering_fields = ["id", "start"]
    ordering = ["-id"]


class CorrectionViewSet(TrackerViewSet):
    """Corrections outlets published. Creating one with ``body`` changes the article's text
    with it (the previous version stays in the article's history; spans are re-anchored).
    A retraction is recorded on the article itself (``retracted_at``, ``retraction_note``)."""

    queryset = Correction.objects.all()
    serializer_class = CorrectionSerializer
    filterset_class = CorrectionFilter
    ordering_fields = ["id", "published_at"]
    ordering = ["-id"]
