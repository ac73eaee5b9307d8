"""The API's JSON renderer (``access.renderers``) gives the bytes DRF's renderer gives."""

import datetime
import decimal
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.settings import api_settings

from access.renderers import JSONRenderer

VALUES = [
    {"id": 1, "text": "Plain ASCII", "score": 0.875, "flag": True, "none": None},
    {"text": "«Quoted» — ünïcödé, 中文, emoji 🙂", "list": [1, 2.5, "x", [], {}]},
    {"when": datetime.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=datetime.UTC)},
    {"when": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Europe/Paris"))},
    {"naive": datetime.datetime(2026, 1, 2, 3, 4, 5, 999)},
    {"day": datetime.date(2026, 1, 2), "time": datetime.time(3, 4, 5, 600)},
    {"duration": datetime.timedelta(hours=1, seconds=3)},
    {"decimal": decimal.Decimal("1.50"), "uuid": uuid.UUID(int=7)},
    {"lazy": gettext_lazy("This field is required.")},
    {1: "an integer key", 2: {3: "nested"}},
    {"separators": "line\u2028and paragraph\u2029end", "control": "tab\tnew\nline\x01"},
    [{"a": 1}, {"b": "2"}],
    "a bare string",
    [],
    {},
]


@pytest.mark.parametrize("data", VALUES, ids=range(len(VALUES)))
def test_gives_the_bytes_drfs_renderer_gives(data):
    assert JSONRenderer().render(data) == DRFJSONRenderer().render(data)


def test_indented_json_when_asked_for():
    data = {"a": [1, {"b": 2}]}
    asked = "application/json; indent=4"
    assert JSONRenderer().render(data, asked) == DRFJSONRenderer().render(data, asked)
    assert b"\n    " in JSONRenderer().render(data, asked)


def test_nothing_for_no_data():
    assert JSONRenderer().render(None) == b""


def test_the_api_answers_with_it():
    assert api_settings.DEFAULT_RENDERER_CLASSES[0] is JSONRenderer
