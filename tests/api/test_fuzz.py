"""Schemathesis fuzzing of every API operation, in process, as an editor.

Each operation gets generated requests, valid and invalid, from the OpenAPI schema; every
response must be no server error, conform to the schema (status code, content type, body,
headers), and reject invalid input with a 4xx. The database is seeded first so that some
ids exist. Deselect with ``-m "not fuzz"``.
"""

import os
import time
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from tests.api.conftest import issue_key

# Small enough for the whole run to stay within a few minutes on two cores, and the same
# examples every run. For a longer search with fresh examples: FUZZ_EXAMPLES=200 FUZZ_RANDOM=1.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
RANDOM = bool(os.environ.get("FUZZ_RANDOM"))

# Reported at the end of the run by tests/api/conftest.py.
FIGURES = {"requests": Counter(), "seconds": 0.0}


# Invalid input must get a 4xx. A 412 counts: a stale If-Match is refused (RFC 9110,
# 13.2.1), and the invalid body is not stored either; so does a 428, the answer to a change
# sent without the If-Match the schema requires (RFC 6585, 3). A well-typed id of
# a row that does not exist, or a span that is not in the body, is valid by the schema and
# still rightly a 400 (the schema cannot say "exists"), so positive_data_acceptance is off.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "412",
                    "415",
                    "428",
                ]
            },
            "positive_data_acceptance": {"enabled": False},
        }
    }
)
# The committed schema (tests/api/test_schema.py proves it is the one the application
# serves; serving it needs a login), called in process through the WSGI application.
schema = schemathesis.openapi.from_path(
    Path(__file__).resolve().parents[2] / "openapi.yaml", config=CONFIG
)
schema.app = get_wsgi_application()
schema.location = "/api/schema/"


@pytest.fixture(scope="module", autouse=True)
def _time_the_run():
    started = time.monotonic()
    yield
    FIGURES["seconds"] += time.monotonic() - started


@pytest.fixture
def _keep_the_test_connection():
    """Requests here go through the real WSGI handler, whose end-of-request hook would close
    the database connection that holds the test's transaction; Django's test client
    disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def editor_authorization(_keep_the_test_connection, world, editor):
    return f"Token {issue_key(editor)}"


@pytest.mark.fuzz
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not RANDOM,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema_under_generated_requests(case, editor_authorization):
    FIGURES["requests"][case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": editor_authorization})
