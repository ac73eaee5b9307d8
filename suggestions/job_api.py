"""API for bulk accepts: start one (it runs as a background task) and follow it."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from access.api import StrictBooleanField, StrictFloatField, TrackerViewSet
from articles.models import Article
from suggestions.bulk import accept_job_start
from suggestions.models import AcceptJob, Suggestion


class AcceptJobSerializer(serializers.ModelSerializer):
    """A bulk accept: its selection, progress (``done`` of ``total``) and, once ``done``,
    its report (accepted, failed with reasons, left for review, sources created and
    attached, claims linked, queued and created)."""

    class Meta:
        model = AcceptJob
        fields = [
            "id",
            "state",
            "total",
            "done",
            "report",
            "error",
            "article_ids",
            "suggestion_ids",
            "since",
            "min_confidence",
            "link_claims",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class AcceptAllSerializer(serializers.Serializer):
    """Which pending suggestions to accept (all of them when nothing is given)."""

    # ListField, not many=True: it refuses an object where a list belongs.
    articles = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Article.objects.all()),
        required=False,
        help_text="Only these articles' pending suggestions.",
    )
    suggestions = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Suggestion.objects.all()),
        required=False,
        help_text="Only these pending suggestions.",
    )
    since = serializers.DateTimeField(
        required=False, help_text="Only suggestions made at or after this time."
    )
    min_confidence = StrictFloatField(required=False, min_value=0, max_value=1)
    link_claims = StrictBooleanField(
        required=False, default=True, help_text="Suggest a claim for each attribution made."
    )


class AcceptJobViewSet(TrackerViewSet):
    """Bulk accepts, newest first. Poll one until ``state`` is ``done``."""

    queryset = AcceptJob.objects.all()
    serializer_class = AcceptJobSerializer
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    http_method_names = ["get", "head", "options"]


class AcceptAllView(generics.GenericAPIView):
    """Accept pending suggestions in bulk as a background task: answers 202 at once with the
    job (``Location``: the job's URL), which accepts each suggestion in its own transaction
    and then suggests claims (see the README's "Accepting in bulk")."""

    throttle_scope = "expensive"  # access/throttling.py

    serializer_class = AcceptAllSerializer
    queryset = Suggestion.objects.none()
    pagination_class = None
    filter_backends = []
    required_permissions = {"*": ["suggestions.change_suggestion", "claims.add_attribution"]}

    @extend_schema(request=AcceptAllSerializer, responses={202: AcceptJobSerializer})
    def post(self, request):
        data = AcceptAllSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            job = accept_job_start(
                user=request.user,
                article_ids=[a.pk for a in values.get("articles", [])],
                suggestion_ids=[s.pk for s in values.get("suggestions", [])],
                since=values.get("since"),
                min_confidence=values.get("min_confidence"),
                link_claims=values["link_claims"],
            )
        job.refresh_from_db()
        return Response(
            AcceptJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/accept-jobs/{job.pk}/"},
        )
