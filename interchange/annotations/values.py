"""Generic readers of JSON values for the annotation parser: problem collection
(``AnnotationError``), object shapes, lists, keys, references and model-field conversion."""

import copy
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from access.text import shorten

# How many problems an AnnotationError shows; the rest are counted.
MAX_PROBLEMS_SHOWN = 20

_REQUIRED = object()
_INVALID = object()


class AnnotationError(ValidationError):
    """The document cannot be loaded. ``problems`` lists each problem, prefixed with where it
    is: ``article 'baghouz': attributions[3]: text does not match body at 120-135 ...``."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        more = len(self.problems) - len(shown)
        return "\n".join(shown) + (f"\n... and {more} more problems" if more > 0 else "")


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def _shape(item: Any, fields: dict[str, Any], where: str, problems: _Problems) -> dict | None:
    """``item`` as a dict with exactly ``fields``: unknown fields are problems, missing
    optional ones get their defaults. None if it is not an object or lacks a required field."""
    if not isinstance(item, Mapping):
        problems.add(where, f"expected an object, got {json_type(item)}")
        return None
    for name in item:
        if name not in fields:
            problems.add(where, f"unknown field {name!r}")
    shaped = {}
    complete = True
    for name, default in fields.items():
        if name in item:
            shaped[name] = item[name]
        elif default is _REQUIRED:
            problems.add(where, f"missing field {name!r}")
            complete = False
        else:
            shaped[name] = copy.copy(default)
    return shaped if complete else None


def _items(value: Any, where: str, problems: _Problems) -> list:
    if not isinstance(value, list):
        problems.add(where, f"expected a list, got {json_type(value)}")
        return []
    return value


def _check_key(item: dict, keys: set[str], where: str, problems: _Problems) -> bool:
    key = item["key"]
    if not isinstance(key, str) or not key:
        problems.add(where, "key: expected a non-empty text")
        return False
    if key in keys:
        problems.add(where, f"key {key!r} is used twice")
        return False
    keys.add(key)
    return True


def _check_ref(
    item: dict,
    name: str,
    keys: set[str],
    what: str,
    where: str,
    problems: _Problems,
    *,
    required: bool = False,
) -> bool:
    """Whether ``item[name]`` names a known key; a problem if it names an unknown one."""
    key = item[name]
    if key is None:
        if required:
            problems.add(where, f"{name}: give the {what} key")
        return False
    if not isinstance(key, str) or key not in keys:
        problems.add(where, f"{name}: unknown {what} key {key!r}")
        return False
    return True


def _clean_fields(
    model: type[models.Model], item: dict, names: Iterable[str], where: str, problems: _Problems
) -> None:
    for name in names:
        item[name] = _clean_value(model, name, item[name], where, problems)


def _clean_value(
    model: type[models.Model], name: str, value: Any, where: str, problems: _Problems
) -> Any:
    """``value`` converted and checked by the model field ``name``; ``_INVALID`` if wrong."""
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)  # ``name`` is one of the serialized fields
    try:
        return model_field.clean(_to_python(model_field, value), None)
    except _WrongChoice:
        choices = ", ".join(str(choice) for choice, _label in model_field.flatchoices)
        problems.add(where, f"{name}: unknown {name} {value!r}; expected one of: {choices}")
    except ValidationError as error:
        problems.add(where, f"{name}: {' '.join(error.messages)}")
    return _INVALID


class _WrongChoice(Exception):
    pass


def _to_python(model_field: models.Field, value: Any) -> Any:
    """Turn a JSON value into what the field holds, refusing values of the wrong JSON type."""
    if value is None:
        return None
    if isinstance(model_field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValidationError(f"expected true or false, got {json_type(value)}")
        return value
    if isinstance(model_field, models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(f"expected a whole number, got {json_type(value)}")
        return value
    if isinstance(model_field, models.DateTimeField):
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                raise ValidationError(
                    f"{value!r} is not an ISO 8601 time, e.g. 2019-03-13T13:00:00+00:00"
                ) from None
        if not isinstance(value, datetime):
            raise ValidationError(f"expected an ISO 8601 time, got {json_type(value)}")
        if value.utcoffset() is None:
            raise ValidationError("give the time with its UTC offset, e.g. +00:00")
        return value
    if isinstance(model_field, models.DateField):
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)") from None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        raise ValidationError(f"expected a date (YYYY-MM-DD), got {json_type(value)}")
    if not isinstance(value, str):
        raise ValidationError(f"expected text, got {json_type(value)}")
    if value and model_field.choices and value not in dict(model_field.flatchoices):
        raise _WrongChoice
    return value


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {shorten(value, 40)!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


# Loading and dumping: the row a key names, or None.
def ref(rows: dict[str, Any], key: str | None) -> Any:
    return None if key is None else rows[key]
