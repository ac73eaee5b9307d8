"""Filters shared by the apps' filtersets."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.drainage import set_override
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictBooleanField(forms.NullBooleanField):
    """true/false (also 1/0, yes/no); anything else is an error, not "no filter"."""

    TRUE = {"true", "1", "yes", "on"}
    FALSE = {"false", "0", "no", "off"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise DjangoValidationError("Use true or false.", code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # A plain input hands the raw value to the field; the select widgets would turn
        # an unknown value into None, silently dropping the filter.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class ScoreFilter(django_filters.NumberFilter):
    """A score from 0 to 1 (a confidence, a similarity): rows scoring at least this."""

    field_class = forms.FloatField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 1)
        super().__init__(*args, **kwargs)
        _with_schema(self, {"type": "number", "minimum": 0, "maximum": 1})


# Ids are the 64-bit auto-incremented primary keys: whole numbers from 1.
MIN_ID = 1
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "minimum": MIN_ID, "maximum": MAX_ID}


def _with_schema(filter_, schema: dict) -> None:
    """Give ``filter_`` its OpenAPI schema, keeping its help text as the description."""
    help_text = filter_.extra.get("help_text")
    set_override(filter_, "field", {**schema, **({"description": help_text} if help_text else {})})


class IdFilter(django_filters.NumberFilter):
    """Rows that refer to the row with this id. An id that exists nowhere is not an error: it
    matches nothing, as any other filter value that matches nothing does (and costs no
    look-up). Ids are whole numbers from 1."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        _with_schema(self, ID_SCHEMA)


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, except that an unknown field is a 400 naming the parameter (not
    silently ignored), and the ordering always ends in ``id`` so that rows with equal sort
    keys come in a stable order and cursor pages neither skip nor repeat them."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.getlist(self.ordering_param)
        if len(params) > 1:
            raise ValidationError({self.ordering_param: ["Give this parameter once."]})
        if not "".join(params).strip():
            return self.get_default_ordering(view)
        fields = [param.strip() for param in params[0].split(",")]
        context = {"request": request}
        valid = [name for name, _label in self.get_valid_fields(queryset, view, context)]
        unknown = [term or '""' for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot sort by {', '.join(unknown)}; use {', '.join(valid)}."
                    ]
                }
            )
        if fields[-1].removeprefix("-") not in ("id", "pk"):
            fields.append("-id" if fields[-1].startswith("-") else "id")
        return fields

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if isinstance(fields, list | tuple):
            names = [field if isinstance(field, str) else field[0] for field in fields]
            for parameter in parameters:
                parameter["description"] = (
                    "Fields to sort by, comma-separated; prefix one with - for descending."
                )
                parameter["schema"] = {
                    "type": "array",
                    "items": {"type": "string", "enum": [p + n for n in names for p in ("", "-")]},
                }
                parameter["style"] = "form"
                parameter["explode"] = False
        return parameters


class TrackerFilterSet(django_filters.FilterSet):
    """A FilterSet that refuses a single-valued parameter given more than once, instead of
    silently filtering by the last value, and filters a foreign key by id (``IdFilter``)."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if field.is_relation and field.many_to_one and lookup_type == "exact":
            return IdFilter, {}
        return super().filter_for_lookup(field, lookup_type)

    def is_valid(self):
        valid = super().is_valid()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return valid
        for name, filter_ in self.filters.items():
            multiple = isinstance(filter_, django_filters.MultipleChoiceFilter)
            if not multiple and len(getlist(name)) > 1:
                if name not in self.form.errors:
                    self.form.add_error(name, "Give this parameter once.")
                valid = False
        return valid


class TrackerFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a request naming none of the filterset's
    parameters gets the rows unfiltered without building the filterset: its form, made
    afresh for every request, cost more than the rest of a page of 100 rows. A request
    that names one (even with an empty or a bad value) goes through the filterset as
    before."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(
            request.query_params, filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(params, filters) -> bool:
    # A filter's form field may read suffixed parameters (a range's name_min, name_max).
    return any(
        param == name or param.startswith(f"{name}_") for param in params for name in filters
    )
