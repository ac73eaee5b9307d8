"""Schemathesis against the served API, as the README's "Testing the API" runs it: the
``st`` command with the root ``schemathesis.toml`` (every phase: examples, coverage,
fuzzing and stateful; every check), once with the token of each role, against a live
server holding a row of every resource. Any failure fails the test and prints the
report. Deselect with ``-m "not fuzz"``.

A run is small enough for the suite (``FUZZ_EXAMPLES`` cases per operation in the
fuzzing phase, the same seed every run); for a longer search with fresh examples:
``FUZZ_EXAMPLES=100 FUZZ_RANDOM=1``.
"""

import io
import os
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler

from tests.api.resources import RESOURCES

ROOT = Path(__file__).resolve().parents[2]
ST = Path(sys.executable).with_name("st")
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
SEED = random.randrange(2**32) if os.environ.get("FUZZ_RANDOM") else 20261207

# Reported at the end of the run by tests/api/conftest.py: per role, the test cases
# schemathesis generated, the failures it found and the seconds it took.
FIGURES: dict[str, tuple[int, int, float]] = {}

_CASES = re.compile(r"(\d+) generated, (?:(\d+) found \d+ unique failures?|\d+ passed)")


def _token(user) -> str:
    """A new API token of ``user``, issued as an operator would: ``api_token issue``
    prints the key on its last line."""
    out = io.StringIO()
    call_command("api_token", "issue", user.username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture(autouse=True)
def _answer_without_delay(monkeypatch):
    """The live server writes a response's head and body separately; with Nagle's algorithm
    on, the body then waits for the client's delayed acknowledgement (about 40 ms a request
    on a kept-alive connection). Production servers set TCP_NODELAY; so does this one."""
    setup = WSGIRequestHandler.setup

    def setup_without_delay(handler):
        handler.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        setup(handler)

    monkeypatch.setattr(WSGIRequestHandler, "setup", setup_without_delay)


@pytest.fixture
def every_resource(world):
    """A row of every resource (ids from 1, as the coverage phase tries first)."""
    for resource in RESOURCES.values():
        resource.make(world)
    return world


@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True, reset_sequences=True)
@pytest.mark.parametrize("role", ["editor", "factchecker", "reader"])
def test_schemathesis_finds_nothing_in_any_phase(
    role, request, live_server, every_resource, tmp_path
):
    token = _token(request.getfixturevalue(role))
    command = [
        str(ST),
        "--config-file",
        str(ROOT / "schemathesis.toml"),
        "run",
        f"{live_server.url}/api/schema/",
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--no-color",
    ]
    started = time.monotonic()
    # In a directory of its own: schemathesis keeps a cache where it runs.
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=1800)
    seconds = time.monotonic() - started
    report = result.stdout + result.stderr
    counts = _CASES.search(report)
    assert counts, f"no summary in the schemathesis report:\n{report}"
    FIGURES[role] = (int(counts.group(1)), int(counts.group(2) or 0), seconds)
    assert result.returncode == 0, report
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ +{phase}", report), f"the {phase} phase did not run:\n{report}"
