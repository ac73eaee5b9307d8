"""What every API view shares: error shapes, ETags and optimistic concurrency."""

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from tracker.services import apply_fields, set_history_user


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The resource changed since you read it (its ETag no longer matches If-Match). "
        "Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with stored data."
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, plus: model validation errors become 400s with field messages; a
    violated database constraint is a 400, a protected delete a 409; never a 500."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, ProtectedError):
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        exc = Conflict(
            f"Cannot delete: {', '.join(blockers)} still refer to it. "
            "Reassign or delete them first (sources can be merged)."
        )
    elif isinstance(exc, IntegrityError):
        exc = ValidationError(
            {"non_field_errors": ["The change conflicts with stored data (a database rule)."]}
        )
    return drf_exception_handler(exc, context)


def compute_etag(data) -> str:
    payload = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


def _etag_values(header: str) -> set[str]:
    return {value.strip().removeprefix("W/") for value in header.split(",") if value.strip()}


class TrackerViewSet(viewsets.ModelViewSet):
    """A model viewset whose detail responses carry an ETag, honour ``If-None-Match``
    (304) and refuse a stale ``If-Match`` on writes (412), and whose writes go through the
    serializer's service call inside a transaction with the row locked."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and self.detail_action():
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def detail_action(self) -> bool:
        return self.lookup_field in self.kwargs or self.lookup_url_kwarg in self.kwargs

    def current_etag(self, instance) -> str:
        return compute_etag(self.get_serializer(instance).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = compute_etag(data)
        if etag in _etag_values(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def check_if_match(self, instance) -> None:
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return
        if self.current_etag(instance) not in _etag_values(header):
            raise PreconditionFailed()

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        data = self.get_serializer(serializer.instance).data
        return Response(data, headers={"ETag": compute_etag(data)})

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)

    def perform_update(self, serializer):
        serializer.save(user=self.request.user)

    def perform_destroy(self, instance):
        if self.request.user.is_authenticated:
            instance._history_user = self.request.user
        instance.delete()


class ServiceModelSerializer(serializers.ModelSerializer):
    """A model serializer that writes through the app's services.

    ``create_service(user=..., **data)`` and ``update_service(instance, user=..., **data)``
    are the domain functions; without them the row is validated with ``full_clean`` and
    saved. Model validation errors surface as 400s through ``exception_handler``.
    """

    create_service = None
    update_service = None

    def create(self, validated_data):
        user = validated_data.pop("user", None)
        if self.create_service is not None:
            return type(self).create_service(user=user, **validated_data)
        instance = self.Meta.model(**validated_data)
        instance.full_clean()
        set_history_user(instance, user)
        instance.save()
        return instance

    def update(self, instance, validated_data):
        user = validated_data.pop("user", None)
        if self.update_service is not None:
            type(self).update_service(instance, user=user, **validated_data)
            return instance
        apply_fields(instance, validated_data)
        instance.full_clean()
        set_history_user(instance, user)
        instance.save()
        return instance
