"""The full recomputation in shards (``crosscheck.services.recompute``): it must store
what the batch path (``manage.py recheck``) stores, whatever the number of shards, its
pair shards must find the pairs ``archive_pairs`` finds, and a task run again, or a run
resumed, changes nothing more. Everything here is invented."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection

from claims.models import Attribution, Claim
from crosscheck.models import (
    Finding,
    RecomputeBlock,
    RecomputeChunk,
    RecomputePair,
    RecomputeRun,
    RecomputeTask,
)
from crosscheck.services import archive_partners, recompute
from tests.crosscheck import test_crosscheck_batch as batch
from tests.crosscheck.test_crosscheck_batch import forget_findings, stored_findings

# The batch path's invented archive (a fixture).
invented_corpus = batch.invented_corpus


@pytest.mark.parametrize("shards", ["1", "3", "7"])
def test_shards_store_what_the_batch_path_stores(invented_corpus, shards):
    call_command("recheck", verbosity=0)
    expected = stored_findings()
    forget_findings()
    call_command("recheck", "--shards", shards, "--workers", "1", verbosity=0)
    assert stored_findings() == expected
    run = RecomputeRun.objects.get()
    assert run.finished_at is not None
    # The run's working store is gone; its tasks are its log.
    assert not RecomputeBlock.objects.exists()
    assert not RecomputeChunk.objects.exists()
    assert not RecomputePair.objects.exists()
    assert run.tasks.filter(phase="pair").count() == int(shards)
    assert run.tasks.filter(finished_at__isnull=True).count() == 0


def test_pair_shards_find_the_pairs_archive_pairs_finds(invented_corpus):
    expected = {(a, b) for a, partners in archive_partners(1).items() for b in partners if a < b}
    assert len(expected) > 10
    run = recompute.recompute_plan(shards=5, chunk_size=40)
    assert run.chunks > 3  # several map chunks
    for chunk in range(run.chunks):
        recompute.recompute_map(run_id=run.pk, chunk=chunk)
    quotes = []
    for shard in range(run.shards):
        quotes.append(recompute.recompute_pair(run_id=run.pk, shard=shard)["quotes"])
    assert set(RecomputePair.objects.values_list("low", "high")) == expected
    # Each shard holds only the quotes with a key it owns.
    assert max(quotes) < Attribution.objects.count()


def test_a_sampled_order_of_word_pairs_still_finds_every_planted_copy(invented_corpus):
    """Counted in every third quote only, the order of word pairs differs from the exact
    one, but every pair within the guaranteed edits is still found."""
    exact = {(a, b) for a, partners in archive_partners(1).items() for b in partners if a < b}
    run = recompute.recompute_plan(shards=3, chunk_size=60, sample_quotes=60)
    assert run.sample_stride > 1
    for chunk in range(run.chunks):
        recompute.recompute_map(run_id=run.pk, chunk=chunk)
    for shard in range(run.shards):
        recompute.recompute_pair(run_id=run.pk, shard=shard)
    found = set(RecomputePair.objects.values_list("low", "high"))
    # The invented corpus's copies differ in one word each: all guaranteed.
    assert found == exact


def test_a_resumed_run_and_a_task_run_again_change_nothing_more(invented_corpus, capsys):
    # A run stopped after its map tasks and one pair task.
    run = recompute.recompute_plan(shards=3, chunk_size=50)
    with pytest.raises(recompute.StepNotReady, match="after every map task"):
        recompute.recompute_pair(run_id=run.pk, shard=0)
    for chunk in range(run.chunks):
        recompute.recompute_map(run_id=run.pk, chunk=chunk)
    recompute.recompute_pair(run_id=run.pk, shard=0)
    # A check task asked for early refuses and records nothing: with a third of the
    # pairs it would miss findings, and once recorded as done it would not run again.
    with pytest.raises(recompute.StepNotReady, match=r"\(1 of 3 have\)"):
        recompute.recompute_check(run_id=run.pk, shard=0)
    assert not run.tasks.filter(phase="check").exclude(started_at=None).exists()
    assert not Finding.objects.exists()

    # It resumes: the remaining tasks run, finished ones are not run again, and it stores
    # what the batch path stores.
    call_command("recheck", "--shards", "3", "--workers", "1")
    captured = capsys.readouterr()
    assert f"run {run.pk}: resumed" in captured.err
    assert captured.err.count("already done") == run.chunks + 1
    assert f"(run {run.pk}, resumed)" in captured.out
    sharded = stored_findings()
    history = Finding.history.count(), Claim.history.count()

    # Every task run again, forced: nothing more changes.
    run = RecomputeRun.objects.get(pk=run.pk)
    RecomputeRun.objects.filter(pk=run.pk).update(finished_at=None)
    RecomputeTask.objects.update(finished_at=None)
    for chunk in range(run.chunks):
        recompute.recompute_map(run_id=run.pk, chunk=chunk)
    for shard in range(run.shards):
        recompute.recompute_pair(run_id=run.pk, shard=shard)
    for shard in range(run.shards):
        again = recompute.recompute_check(run_id=run.pk, shard=shard)
        assert again["created"] == again["updated"] == again["resolved"] == 0
        assert again["statuses_changed"] == 0
    recompute.recompute_finish(run_id=run.pk)
    assert stored_findings() == sharded
    assert (Finding.history.count(), Claim.history.count()) == history

    forget_findings()
    call_command("recheck", verbosity=0)
    assert stored_findings() == sharded


def test_a_batch_that_meets_another_shards_write_is_judged_again(invented_corpus, monkeypatch):
    call_command("recheck", verbosity=0)
    expected = stored_findings()
    forget_findings()
    real, calls = recompute.recheck_owned, []

    def once_in_conflict(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(*args, **kwargs)

    monkeypatch.setattr(recompute, "recheck_owned", once_in_conflict)
    monkeypatch.setattr(recompute, "CHECK_BATCH", 20)
    call_command("recheck", "--shards", "2", "--workers", "1", verbosity=0)
    assert stored_findings() == expected
    retries = RecomputeTask.objects.filter(phase="check").values_list("result", flat=True)
    assert sum(r["retries"] for r in retries) == 1


def test_claims_linked_by_relations_share_a_check_shard(invented_corpus):
    from claims.models import ClaimRelation

    a, b, c = Claim.objects.order_by("id")[:3]
    ClaimRelation.objects.create(from_claim=a, to_claim=b, kind="same_as")
    ClaimRelation.objects.create(from_claim=c, to_claim=b, kind="contradicts")
    roots = recompute._claim_roots()
    for shards in (2, 3, 5, 7):
        owners = {recompute.check_shard_of(0, x.pk, shards, roots) for x in (a, b, c)}
        assert len(owners) == 1


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--shards", "0"], "--shards must be at least 1."),
        (["--shards", "2", "--workers", "-1"], "--workers must be 0 (one per core) or more."),
        (
            ["--shards", "2", "--limit", "5"],
            "--shards runs the whole archive and resumes by itself: it takes neither "
            "--resume, --start-after, --limit nor --per-attribution.",
        ),
    ],
)
def test_bad_shard_options_are_refused_before_anything_is_written(invented_corpus, option, message):
    with pytest.raises(CommandError) as error:
        call_command("recheck", *option, verbosity=0)
    assert str(error.value) == message
    assert not Finding.objects.exists()
    assert not RecomputeRun.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="forked workers cannot open SQLite's in-memory test database (run on PostgreSQL)",
)
def test_worker_processes_store_what_one_process_stores(invented_corpus):
    forget_findings()  # those the invented archive's own saves stored
    call_command("recheck", "--shards", "4", "--workers", "1", verbosity=0)
    expected = stored_findings()
    forget_findings()
    call_command("recheck", "--shards", "4", "--workers", "2", verbosity=0)
    assert stored_findings() == expected
    run = RecomputeRun.objects.order_by("-id").first()
    workers = set(run.tasks.values_list("worker", flat=True))
    assert len(workers) > 1  # a process per task
    assert all(r["peak_rss_mb"] > 0 for r in run.tasks.values_list("result", flat=True))


def test_the_queued_fan_out_stores_what_the_batch_path_stores(
    invented_corpus, monkeypatch, django_capture_on_commit_callbacks
):
    """``recheck --queue --shards N``'s tasks, run here as they are sent (no broker):
    one task per map chunk, then per pair shard, then per check shard, each step sent by
    the last task of the one before; the run ends finished, with what the batch path
    stores."""
    from access import tasks as queue

    call_command("recheck", verbosity=0)
    expected = stored_findings()
    forget_findings()
    sent = []
    real_after_commit = queue.after_commit

    def spy(name, *, merge=True, **ids):
        if name == recompute.QUEUE_TASK:
            sent.append((merge, {key: list(values) for key, values in ids.items()}))
        real_after_commit(name, merge=merge, **ids)

    monkeypatch.setattr(recompute, "after_commit", spy)
    with django_capture_on_commit_callbacks(execute=True):
        run = recompute.recompute_queued(shards=3)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert stored_findings() == expected
    # One task of its own per chunk and per shard, each sent once.
    assert all(merge is False for merge, _ in sent)
    kinds = [next(k for k in ids if k != "runs") for _, ids in sent]
    assert kinds == ["chunks"] * run.chunks + ["pair_shards"] * 3 + ["check_shards"] * 3
    assert sorted(ids["check_shards"][0] for _, ids in sent if "check_shards" in ids) == [0, 1, 2]
    # Sent again (a duplicate message), a finished run's task changes nothing.
    recompute.recompute_part(run_id=run.pk, check_shards=[1])
    assert stored_findings() == expected
    assert recompute.recompute_advance(run_id=run.pk) == "finished"


def test_advance_sends_a_step_only_when_the_one_before_has_ended(invented_corpus, monkeypatch):
    sent = []
    monkeypatch.setattr(
        recompute, "after_commit", lambda name, *, merge=True, **ids: sent.append(ids)
    )
    run = recompute.recompute_plan(shards=2, chunk_size=50)
    assert recompute.recompute_advance(run_id=run.pk) == "map"
    assert len(sent) == run.chunks
    # Asked again while the map tasks run: nothing is sent twice.
    assert recompute.recompute_advance(run_id=run.pk) == "map"
    assert len(sent) == run.chunks
    for chunk in range(run.chunks - 1):
        recompute.recompute_map(run_id=run.pk, chunk=chunk)
    assert recompute.recompute_advance(run_id=run.pk) == "map"
    assert len(sent) == run.chunks
    recompute.recompute_map(run_id=run.pk, chunk=run.chunks - 1)
    assert recompute.recompute_advance(run_id=run.pk) == "pair"
    assert sent[run.chunks :] == [
        {"runs": [run.pk], "pair_shards": [0]},
        {"runs": [run.pk], "pair_shards": [1]},
    ]
