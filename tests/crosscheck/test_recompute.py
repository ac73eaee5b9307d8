"""The full recomputation in shards (``crosscheck.services.recompute``): it must store
what the batch path (``manage.py recheck``) stores, whatever the number of shards, and a
task run again, or a run resumed, changes nothing more. Everything here is invented."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from claims.models import Claim
from crosscheck.models import Finding, RecomputeRun, RecomputeTask
from tests.crosscheck.test_crosscheck_batch import (  # noqa: F401 (a fixture)
    forget_findings,
    invented_corpus,
    stored_findings,
)


@pytest.mark.parametrize("shards", ["1", "3", "7"])
def test_shards_store_what_the_batch_path_stores(invented_corpus, shards):
    call_command("recheck", verbosity=0)
    expected = stored_findings()
    forget_findings()
    call_command("recheck", "--shards", shards, "--workers", "1", verbosity=0)
    assert stored_findings() == expected

