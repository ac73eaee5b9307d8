"""What every API view shares: error shapes, ETags and optimistic concurrency."""

import copy
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from access.services import apply_fields, set_history_user


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send the resource's ETag (from your last GET) in If-Match, so that a change made "
        "meanwhile is not overwritten."
    )
    default_code = "precondition_required"


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


# Error codes of input that is well formed but does not fit what is stored: a reference to a
# row that does not exist, a duplicate of a unique value or relation, an ambiguous name.
STATE_ERROR_CODES = frozenset({"does_not_exist", "unique", "unique_together", "ambiguous"})


def _only_state_errors(codes) -> bool:
    if isinstance(codes, dict):
        return bool(codes) and all(_only_state_errors(value) for value in codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_only_state_errors(value) for value in codes)
    return codes in STATE_ERROR_CODES


def _is_unique_violation(exc: IntegrityError) -> bool:
    """Whether a database error is a unique constraint's (PostgreSQL's SQLSTATE 23505, or
    SQLite's message), as against a check or not-null constraint's."""
    return getattr(exc.__cause__, "sqlstate", None) == "23505" or (
        "UNIQUE constraint failed" in str(exc)
    )


def exception_handler(exc, context):
    """DRF's handler, plus: model validation errors become 400s with field messages; input
    whose only faults are references to missing rows or duplicates of stored ones (see
    ``STATE_ERROR_CODES``), and a violated database constraint, a 409 with the same
    messages; a protected delete a 409; an oversized request a 400; never a 500."""
    if isinstance(exc, RequestDataTooBig):
        exc = ValidationError(
            {
                "detail": "The request body is larger than the "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes the server accepts."
            }
        )
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, ProtectedError):
        blockers = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        exc = Conflict(
            f"Cannot delete: {', '.join(blockers)} still refer to it. "
            "Reassign or delete them first (sources can be merged)."
        )
    elif isinstance(exc, IntegrityError):
        exc = ValidationError(
            {"non_field_errors": ["The change conflicts with stored data (a database rule)."]},
            code="unique" if _is_unique_violation(exc) else "invalid",
        )
    response = drf_exception_handler(exc, context)
    if isinstance(exc, ValidationError) and _only_state_errors(exc.get_codes()):
        response.status_code = status.HTTP_409_CONFLICT
    return response


# RFC 9110, 13.1.1: "*" or a comma-separated list of entity tags, weak (W/) or strong.
_ENTITY_TAG = r'(?:W/)?"[\x21\x23-\x7e]*"'
IF_MATCH_PATTERN = rf"^(?:\*|{_ENTITY_TAG}(?:[ \t]*,[ \t]*{_ENTITY_TAG})*)$"
_IF_MATCH = re.compile(IF_MATCH_PATTERN)


def compute_etag(data) -> str:
    payload = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(payload.encode()).hexdigest()[:32] + '"'


def _etag_values(header: str) -> set[str]:
    return {value.strip().removeprefix("W/") for value in header.split(",") if value.strip()}


class TrackerViewSet(viewsets.ModelViewSet):
    """A model viewset whose detail responses carry an ETag, honour ``If-None-Match``
    (304) and refuse a stale ``If-Match`` on writes (412), and whose writes go through the
    serializer's service call inside a transaction with the row locked."""

    # Set by update and destroy inside their transaction. Not derived from the request
    # method: OPTIONS and the browsable API look objects up "as PUT" outside any
    # transaction, where PostgreSQL refuses SELECT ... FOR UPDATE.
    lock_rows = False

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.lock_rows:
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def current_etag(self, instance) -> str:
        return compute_etag(self.get_serializer(instance).data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = compute_etag(data)
        if etag in _etag_values(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})

    def if_match(self) -> str:
        """The request's If-Match, checked before the body: none is a 428, one that is not
        ``*`` or a list of entity tags a 400."""
        header = (self.request.headers.get("If-Match") or "").strip()
        if not header:
            raise PreconditionRequired()
        if not _IF_MATCH.match(header):
            raise ValidationError(
                {
                    "If-Match": [
                        'Give "*" or the ETag of your last read as the response sent it, '
                        'quotes included, such as "0123abcd".'
                    ]
                }
            )
        return header

    def check_if_match(self, instance, header: str, etag: str | None = None) -> None:
        """Every change names the version it was made on: a stale If-Match is a 412 (``*``
        means any version, for a client that means to overwrite)."""
        if header == "*":
            return
        if (etag or self.current_etag(instance)) not in _etag_values(header):
            raise PreconditionFailed()

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        header = self.if_match()
        with transaction.atomic():
            self.lock_rows = True
            instance = self.get_object()
            # The body before the version: a request that could never succeed says why
            # (400) before it is told that its version is stale (412).
            etag = self.current_etag(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.check_if_match(instance, header, etag)
            self.perform_update(serializer)
            # Read the row back through the view's queryset, so that the answer (and its
            # ETag) is what a GET gives now, not the serializer's stale annotations and
            # prefetched relations.
            instance = self.get_queryset().get(pk=serializer.instance.pk)
        data = self.get_serializer(instance).data
        return Response(data, headers={"ETag": compute_etag(data)})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        # As for update: answer with what a GET gives, and its ETag.
        instance = self.get_queryset().get(pk=serializer.instance.pk)
        data = self.get_serializer(instance).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": compute_etag(data)})

    def destroy(self, request, *args, **kwargs):
        header = self.if_match()
        with transaction.atomic():
            self.lock_rows = True
            instance = self.get_object()
            self.check_if_match(instance, header)
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


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would store the number 0 as "0", and
    would accept a string over ``max_length`` that fits once its outer spaces are trimmed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # DRF adds its own NUL validator to every CharField; the model field's copy would
        # say the same thing a second time.
        kept, seen = [], set()
        for validator in self.validators:
            if isinstance(validator, ProhibitNullCharactersValidator):
                if ProhibitNullCharactersValidator in seen:
                    continue
                seen.add(ProhibitNullCharactersValidator)
            kept.append(validator)
        self.validators = kept

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF's BooleanField would also take 0, 1, "yes" and "off"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictFloatField(serializers.FloatField):
    """A JSON number only: DRF's FloatField would take false as 0.0 and "0.5" as 0.5."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictURLField(StrictCharField, serializers.URLField):
    pass


class StrictEmailField(StrictCharField, serializers.EmailField):
    pass


class ServiceModelSerializer(serializers.ModelSerializer):
    """A model serializer that writes through the app's services.

    ``create_service(user=..., **data)`` and ``update_service(instance, user=..., **data)``
    are the domain functions; without them the row is validated with ``full_clean`` and
    saved. Model validation errors surface as 400s through ``exception_handler``.
    """

    create_service: Callable[..., Any] | None = None
    update_service: Callable[..., Any] | None = None
    # The fields each class builds from its model, built once (see get_fields).
    _built_fields: dict[type, dict[str, serializers.Field]] = {}
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.URLField: StrictURLField,
        models.EmailField: StrictEmailField,
    }

    def get_fields(self):
        """The fields, as ModelSerializer builds them, but built once per class and copied
        for each serializer: building them from the model again for every instance took
        more than the rest of a single article's GET. Nothing they are built from varies
        between instances (the class's declared fields and Meta, the model)."""
        cls = type(self)
        built = self._built_fields.get(cls)
        if built is None:
            built = self._built_fields[cls] = super().get_fields()
        return copy.deepcopy(built)

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
