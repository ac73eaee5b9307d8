"""The full recomputation in shards: plain, idempotent functions that any number of
processes, on any number of machines, run side by side (``manage.py recheck --shards N``
runs them here; a task queue can send each as a task).

A run (:class:`~crosscheck.models.RecomputeRun`) goes through four steps; every task of a
step may run at the same time as the others of that step, and a task already finished is
not run again when the run resumes (:class:`~crosscheck.models.RecomputeTask` records who
ran it, when, and what it reported):

1. :func:`recompute_plan` (one task): counts the word pairs of a sample of the archive's
   quotes (every n-th, at most :data:`SAMPLE_QUOTES`) and keeps the commonest
   :data:`COMMON_WORD_PAIRS` as the one global order of word pairs, rarest first, that
   prefix filtering needs (:func:`crosscheck.index.archive_pairs`). Any global order
   keeps the guarantee (a pair whose changes touch at most
   :data:`~crosscheck.index.archive.ARCHIVE_CHANGED_WORDS` of its words shares a
   blocking key); a rough one only makes some candidate lists longer. When the sample is
   the whole archive and every word pair held twice is kept, it is exactly the order
   ``archive_pairs`` uses, so the pairs are the same.
2. :func:`recompute_map` (one task per chunk of :data:`CHUNK_SIZE` attribution ids):
   each quote's blocking keys (its rarest word pairs, and for a direct quote the same
   with each of its speaker keys), and for each pair shard the quotes holding a key it
   owns (a hash range of the word pairs; a speaker's keys all belong to one shard),
   stored as one block per chunk and shard, and the chunk's normalised texts once.
3. :func:`recompute_pair` (one task per shard): reads only its blocks, scores the quotes
   that share a key exactly (the rules' score) and stores each pair found once
   (:class:`~crosscheck.models.RecomputePair`; several shards may find one pair). Its
   memory is its blocks and their texts: a quote of ``w`` words holds about ``0.4 w``
   word-pair keys, so a shard holds about ``min(1, 0.4 w / shards)`` of the archive
   (more shards, less memory each; see docs/scaling.md).
4. :func:`recompute_check` (one task per shard): the claims it owns (each claim, with
   the claims linked to it by same-as and contradicts relations, belongs to one shard)
   and the attributions without a claim it owns are rechecked in batches, with the
   stored pairs as partners (:func:`~crosscheck.services.storing.recheck_owned`):
   findings and claim statuses written as ``recheck`` writes them, with their history.
   A task refuses to start (:class:`StepNotReady`, nothing recorded) before every task
   of the step it reads has finished: a pair task before the map tasks, a check task
   before the pair tasks.
5. :func:`recompute_finish`: the claims without attributions, then the run's blocks and
   pairs are deleted and the run marked finished.

:func:`recompute_run` runs a whole run in this process or in forked worker processes,
resuming an unfinished run with the same number of shards.
"""

from __future__ import annotations

import array
import hashlib
import marshal
import math
import multiprocessing
import os
import resource
import socket
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone
from rapidfuzz import fuzz, process

from access.tasks import after_commit
from claims.models import Attribution, Claim, ClaimRelation
from crosscheck import rules
from crosscheck.index.archive import prefix_length, word_pairs
from crosscheck.inputs import story_key
from crosscheck.models import (
    Finding,
    RecomputeBlock,
    RecomputeChunk,
    RecomputePair,
    RecomputeRun,
    RecomputeTask,
)
from crosscheck.services.loading import LINKING_RELATIONS, Scope, thresholds
from crosscheck.services.storing import RecheckReport, recheck, recheck_owned

# The sample the order of word pairs is counted in, and how many of the commonest pairs
# it keeps: a bound on the plan's memory, and on what every map task reads, whatever the
# size of the archive (a 64-bit key and a count each: 500,000 pairs are 6 MB).
SAMPLE_QUOTES = 250_000
COMMON_WORD_PAIRS = 500_000
# Attribution ids per map task.
CHUNK_SIZE = 50_000
# Attributions per recheck in a check task (whole claims: a batch may run over).
CHECK_BATCH = 500
# A check task's recheck that meets another shard's write (the same finding stored at
# the same moment, a lock held too long) is run again, this many times at most.
CHECK_ATTEMPTS = 5
# Findings written since the planner statistics were last refreshed, as a share of those
# there were then (as autovacuum's analyze scale factor), and at least this many.
ANALYZE_SCALE = 0.2
ANALYZE_MIN_ROWS = 1000

# Drift keys are a speaker's hash above the word pair's 64 bits (never below 2**64), so
# the two joins share the blocks and a postings table without sharing a key.
_SPEAKER_SHIFT = 64


def refresh_planner_statistics(tables: Iterable[str] | None = None) -> None:
    """ANALYZE the finding tables (or ``tables``) on PostgreSQL, as autovacuum would: a
    recomputation fills them from nothing, and plans made for empty tables scan them whole
    for every batch (more so where autovacuum is off)."""
    if connection.vendor != "postgresql":
        return
    if tables is None:
        tables = [Finding._meta.db_table] + [
            getattr(Finding, name).through._meta.db_table
            for name in ("attributions", "claims", "sources")
        ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _quotes() -> QuerySet[Attribution]:
    """The sourced quotes the pairing compares (as ``archive_partners`` reads them)."""
    return Attribution.objects.exclude(kind=Attribution.Kind.UNATTRIBUTED).filter(
        source_id__isnull=False
    )


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- 1. the plan ---------------------------------------------------------------------------


def recompute_plan(
    *,
    shards: int,
    chunk_size: int = CHUNK_SIZE,
    sample_quotes: int = SAMPLE_QUOTES,
    common_word_pairs: int = COMMON_WORD_PAIRS,
) -> RecomputeRun:
    """Start a run of ``shards`` pair and check shards: count the word pairs of the
    sample and store the run with its order of word pairs (see the module help)."""
    if shards < 1 or chunk_size < 1 or sample_quotes < 1:
        raise ValueError("shards, chunk_size and sample_quotes must be at least 1")
    quotes = _quotes()
    stride = max(1, math.ceil(quotes.count() / sample_quotes))
    sample = quotes if stride == 1 else quotes.alias(r=F("id") % stride).filter(r=0)
    min_words = thresholds().min_quote_words
    counts: Counter[int] = Counter()
    word_key: dict[str, int] = {}
    for text in sample.values_list("text", flat=True).iterator(chunk_size=10_000):
        if rules.quotable(text, min_words):
            counts.update(word_pairs(rules.normalize_quote(text), word_key)[0])
    # A pair counted once sorts as one the sample does not hold: with the order's ties
    # broken by the key, keeping only those held twice or more changes nothing.
    common = sorted(((n, g) for g, n in counts.items() if n > 1), reverse=True)
    del counts
    common = common[:common_word_pairs]
    keys = array.array("Q", (g for _, g in common))
    held = array.array("Q", (n for n, _ in common))
    top = Attribution.objects.aggregate(top=Max("id"))["top"] or 0
    return RecomputeRun.objects.create(
        shards=shards,
        chunks=max(1, math.ceil(top / chunk_size)),
        chunk_size=chunk_size,
        sample_stride=stride,
        word_pair_counts=zlib.compress(keys.tobytes() + held.tobytes(), 1),
    )


def _word_pair_counts(run: RecomputeRun) -> _Counts:
    data = zlib.decompress(bytes(run.word_pair_counts))
    half = len(data) // 2
    keys, held = array.array("Q"), array.array("Q")
    keys.frombytes(data[:half])
    held.frombytes(data[half:])
    return _Counts(zip(keys, held, strict=True))


# The pair shard that owns a blocking key: ``key % _MIX % shards`` for a word pair (the
# misattribution join), ``speaker % _MIX % shards`` for a speaker's drift keys (so a
# direct quote goes to one shard per speaker, whatever its length); the same in every
# process. A Mersenne prime: the remainder mixes all the key's bits (a word pair's key is
# two CRC-32s side by side).
_MIX = 2**61 - 1


class _Counts(dict[int, int]):
    """Word pair counts; a pair the plan did not keep counts once."""

    def __missing__(self, key: int) -> int:
        return 1


def _speaker_hash(speaker: Hashable) -> int:
    digest = hashlib.blake2b(repr(speaker).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") | 1


# --- 2. map --------------------------------------------------------------------------------


def recompute_map(*, run_id: int, chunk: int, worker: str = "") -> dict:
    """Map task ``chunk`` of run ``run_id``: the blocks of the quotes whose ids lie in
    the chunk (see the module help). Idempotent: the chunk's blocks are replaced."""
    return _as_task(run_id, RecomputeTask.Phase.MAP, chunk, worker, _map)


def _map(run: RecomputeRun, chunk: int) -> dict:
    rank = _word_pair_counts(run)
    min_words = thresholds().min_quote_words
    low, high = chunk * run.chunk_size, (chunk + 1) * run.chunk_size
    rows = (
        _quotes()
        .filter(id__gt=low, id__lte=high)
        .order_by("id")
        .values_list(
            "id",
            "text",
            "kind",
            "source_id",
            "source__kind",
            "article__origin_outlet_id",
            "article__headline",
        )
    )
    blocks: dict[int, list[tuple[int, list[int], list[int]]]] = defaultdict(list)
    texts: list[tuple[int, str]] = []
    word_key: dict[str, int] = {}
    speaker_hash: dict[Hashable, int] = {}
    shards = run.shards

    for pk, text, kind, source_id, source_kind, origin, headline in rows.iterator(chunk_size=5_000):
        if not rules.quotable(text, min_words):
            continue
        norm = rules.normalize_quote(text)
        texts.append((pk, norm))
        grams, words = word_pairs(norm, word_key)
        # By count, then by key (two sorts: the second is stable).
        grams.sort()
        grams.sort(key=rank.__getitem__)
        mine: dict[int, tuple[list[int], list[int]]] = {}
        for gram in grams[: prefix_length("misattribution", words)]:
            shard = gram % _MIX % shards
            if shard not in mine:
                mine[shard] = ([], [])
            mine[shard][0].append(gram)
        if rules.can_drift(kind):
            prefix = grams[: prefix_length("drift", words)]
            for speaker in rules.speaker_keys(source_id, source_kind, story_key(origin, headline)):
                h = speaker_hash.get(speaker)
                if h is None:
                    h = speaker_hash[speaker] = _speaker_hash(speaker)
                # A speaker's drift keys all go to one shard: a direct quote is sent to
                # one shard per speaker key, not one per word pair.
                shard = h % _MIX % shards
                if shard not in mine:
                    mine[shard] = ([], [])
                mine[shard][1].extend((h << _SPEAKER_SHIFT) | gram for gram in prefix)
        for shard, (misattribution, drift) in mine.items():
            blocks[shard].append((pk, misattribution, drift))
    with transaction.atomic():
        RecomputeChunk.objects.filter(run=run, chunk=chunk).delete()
        RecomputeChunk.objects.create(
            run=run, chunk=chunk, texts=zlib.compress(marshal.dumps(texts), 1)
        )
        RecomputeBlock.objects.filter(run=run, chunk=chunk).delete()
        RecomputeBlock.objects.bulk_create(
            [
                RecomputeBlock(
                    run=run, shard=shard, chunk=chunk, data=zlib.compress(marshal.dumps(held), 1)
                )
                for shard, held in sorted(blocks.items())
            ]
        )
    return {"quotes": len(texts), "entries": sum(len(b) for b in blocks.values())}


# --- 3. pair -------------------------------------------------------------------------------


def recompute_pair(*, run_id: int, shard: int, worker: str = "") -> dict:
    """Pair task ``shard`` of run ``run_id``: score the quotes of its blocks that share a
    key and store the pairs found (see the module help). Idempotent. Run after every map
    task of the run has finished."""
    return _as_task(run_id, RecomputeTask.Phase.PAIR, shard, worker, _pair)


def _pair(run: RecomputeRun, shard: int) -> dict:
    limits = thresholds()
    joins = [
        (threshold, rules.score_cutoff(threshold))
        for threshold in (limits.misattribution_min_similarity, limits.drift_min_similarity)
    ]
    texts: dict[int, str] = {}
    postings: dict[int, list[int]] = defaultdict(list)
    found: set[tuple[int, int]] = set()
    scored = 0
    blocks = RecomputeBlock.objects.filter(run=run, shard=shard).values_list("chunk", "data")
    keyed_in = {chunk: marshal.loads(zlib.decompress(bytes(data))) for chunk, data in blocks}
    # The texts of the quotes the blocks name, chunk by chunk.
    chunks = RecomputeChunk.objects.filter(run=run, chunk__in=keyed_in).values_list(
        "chunk", "texts"
    )
    for chunk, data in chunks.iterator(chunk_size=1):
        named = {pk for pk, *_ in keyed_in[chunk]}
        texts.update(
            (pk, norm) for pk, norm in marshal.loads(zlib.decompress(bytes(data))) if pk in named
        )
    # Chunks in id order, quotes in id order within each: every quote is scored against
    # the earlier ones that share a key, so each pair once per shared shard.
    for chunk in sorted(keyed_in):
        for pk, *keyed in keyed_in.pop(chunk):
            norm = texts[pk]
            for keys, (threshold, cutoff) in zip(keyed, joins, strict=True):
                if not keys:
                    continue
                earlier: set[int] = set()
                for key in keys:
                    held = postings[key]
                    earlier.update(held)
                    held.append(pk)
                if not earlier:
                    continue
                scored += len(earlier)
                choices = {other: texts[other] for other in earlier}
                for _, score, other in process.extract(
                    norm, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                ):
                    if rules.reaches(rules.rounded_similarity(score), threshold):
                        found.add((other, pk))
    RecomputePair.objects.bulk_create(
        [RecomputePair(run=run, low=low, high=high) for low, high in sorted(found)],
        ignore_conflicts=True,
        batch_size=5_000,
    )
    return {"quotes": len(texts), "scored": scored, "pairs": len(found)}


# --- 4. check ------------------------------------------------------------------------------


def _claim_roots() -> dict[int, int]:
    """For each claim with a same-as or contradicts relation, the smallest claim id of the
    claims it is linked to, through any number of such relations (they are judged
    together, so they belong to one shard)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    relations = ClaimRelation.objects.filter(kind__in=LINKING_RELATIONS).values_list(
        "from_claim_id", "to_claim_id"
    )
    for a, b in relations.iterator(chunk_size=10_000):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {claim: root(claim) for claim in list(parent)}


def check_shard_of(
    attribution_id: int, claim_id: int | None, shards: int, roots: dict[int, int]
) -> int:
    """The check shard an attribution belongs to: its claim's (the claims linked to it
    share one), or, without a claim, its own."""
    if claim_id is None:
        return attribution_id % shards
    return roots.get(claim_id, claim_id) % shards


def recompute_check(
    *, run_id: int, shard: int, worker: str = "", batch_size: int = CHECK_BATCH
) -> dict:
    """Check task ``shard`` of run ``run_id``: recheck what the shard owns, in batches of
    whole claims, with the stored pairs (see the module help). Idempotent. Run after every
    pair task of the run has finished."""
    return _as_task(
        run_id,
        RecomputeTask.Phase.CHECK,
        shard,
        worker,
        lambda run, number: _check(run, number, batch_size),
    )


def _check(run: RecomputeRun, shard: int, batch_size: int) -> dict:
    refresh_planner_statistics([RecomputePair._meta.db_table])
    roots = _claim_roots()
    mine: list[tuple[int, int, int]] = []  # (group, claim or 0, attribution)
    rows = Attribution.objects.values_list("id", "claim_id").order_by()
    for pk, claim_id in rows.iterator(chunk_size=20_000):
        if check_shard_of(pk, claim_id, run.shards, roots) == shard:
            if claim_id is None:
                mine.append((-pk, 0, pk))
            else:
                mine.append((roots.get(claim_id, claim_id), claim_id, pk))
    mine.sort()
    totals = RecheckReport()
    attempts = analyzed_at = 0
    batches = 0
    start = 0
    while start < len(mine):
        # Whole groups (a claim and those linked to it) in one batch.
        stop = min(start + batch_size, len(mine))
        while stop < len(mine) and mine[stop][0] == mine[stop - 1][0]:
            stop += 1
        batch = mine[start:stop]
        start = stop
        ids = {pk for _, _, pk in batch}
        claims = {claim for _, claim, _ in batch if claim}
        partners: dict[int, set[int]] = defaultdict(set)
        pairs = RecomputePair.objects.filter(run=run)
        for side in ("low__in", "high__in"):
            for low, high in pairs.filter(**{side: ids}).values_list("low", "high"):
                partners[low].add(high)
                partners[high].add(low)
        for attempt in range(CHECK_ATTEMPTS):
            try:
                report = recheck_owned(Scope(attribution_ids=ids), partners=partners, claims=claims)
                break
            except (IntegrityError, OperationalError):
                # Another shard stored the same finding, or held the lock, meanwhile:
                # nothing of this batch was written; judge it again.
                attempts += 1
                if attempt == CHECK_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        batches += 1
        for name in ("created", "updated", "reopened", "resolved", "statuses_changed"):
            setattr(totals, name, getattr(totals, name) + getattr(report, name))
        if totals.created - analyzed_at >= max(ANALYZE_MIN_ROWS, ANALYZE_SCALE * analyzed_at):
            refresh_planner_statistics()
            analyzed_at = totals.created
    return {
        "attributions": len(mine),
        "batches": batches,
        "retries": attempts,
        "created": totals.created,
        "updated": totals.updated,
        "reopened": totals.reopened,
        "resolved": totals.resolved,
        "statuses_changed": totals.statuses_changed,
    }


# --- 5. finish -----------------------------------------------------------------------------


def recompute_finish(*, run_id: int) -> RecheckReport:
    """Give the claims without attributions their status (unsupported), delete the run's
    blocks and pairs and mark it finished. Run after every check task has finished."""
    orphans = set(Claim.objects.filter(attributions__isnull=True).values_list("id", flat=True))
    report = recheck(Scope(claim_ids=orphans)) if orphans else RecheckReport()
    with transaction.atomic():
        RecomputeBlock.objects.filter(run_id=run_id).delete()
        RecomputeChunk.objects.filter(run_id=run_id).delete()
        RecomputePair.objects.filter(run_id=run_id).delete()
        RecomputeRun.objects.filter(pk=run_id).update(finished_at=timezone.now())
    return report


# --- the task record -----------------------------------------------------------------------


class StepNotReady(RuntimeError):
    """A task was asked to run before every task of the step it reads had finished."""


def _require_previous_step(run: RecomputeRun, phase: str) -> None:
    """A pair task reads the blocks every map task writes, a check task the pairs every
    pair task finds: one run early would judge with part of the pairs and, recorded as
    done, never be made good. So it refuses, and nothing is recorded."""
    steps: dict[str, tuple[str, int]] = {
        RecomputeTask.Phase.PAIR: (RecomputeTask.Phase.MAP, run.chunks),
        RecomputeTask.Phase.CHECK: (RecomputeTask.Phase.PAIR, run.shards),
    }
    previous = steps.get(phase)
    if previous is None:
        return
    step, expected = previous
    done = run.tasks.filter(phase=step, finished_at__isnull=False).count()
    if done < expected:
        raise StepNotReady(
            f"run {run.pk}: a {phase} task runs after every {step} task has finished "
            f"({done} of {expected} have)"
        )


def _as_task(
    run_id: int, phase: str, number: int, worker: str, work: Callable[[RecomputeRun, int], dict]
) -> dict:
    """Run one task of a run unless it has finished already, recording who ran it, when,
    how long it took and the worker process's peak memory."""
    run = RecomputeRun.objects.get(pk=run_id)
    try:
        task, _ = RecomputeTask.objects.get_or_create(run=run, phase=phase, number=number)
    except IntegrityError:  # created by another worker at the same moment
        task = RecomputeTask.objects.get(run=run, phase=phase, number=number)
    if task.finished_at is not None:
        return {**task.result, "skipped": True}
    _require_previous_step(run, phase)
    RecomputeTask.objects.filter(pk=task.pk).update(
        worker=worker or _worker(), started_at=timezone.now()
    )
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = work(run, number)
    result |= {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(_cpu_seconds() - cpu, 2),
        "peak_rss_mb": _peak_rss_mb(),
    }
    RecomputeTask.objects.filter(pk=task.pk).update(finished_at=timezone.now(), result=result)
    return result


# --- a whole run, here ---------------------------------------------------------------------


@dataclass
class RecomputeSummary:
    run_id: int
    resumed: bool
    seconds: dict[str, float]  # per step, wall clock
    tasks: dict[str, int]
    peak_rss_mb: float  # the largest of any worker process's, and this one's
    check: RecheckReport


_STEPS: tuple[tuple[str, Callable[..., dict], str], ...] = (
    (RecomputeTask.Phase.MAP, recompute_map, "chunk"),
    (RecomputeTask.Phase.PAIR, recompute_pair, "shard"),
    (RecomputeTask.Phase.CHECK, recompute_check, "shard"),
)


# --- a whole run, on a task queue ----------------------------------------------------------

# The task each step's tasks are sent as, and its keyword for the chunk or shard numbers.
QUEUE_TASK = "crosscheck.recompute_part"
_QUEUE_KEYWORDS: dict[str, str] = {
    RecomputeTask.Phase.MAP: "chunks",
    RecomputeTask.Phase.PAIR: "pair_shards",
    RecomputeTask.Phase.CHECK: "check_shards",
}


def recompute_queued(*, shards: int) -> RecomputeRun:
    """Start a run of ``shards`` shards on the task queue (or resume the last unfinished
    run of as many), and send the tasks of its first unfinished step (see
    :func:`recompute_advance`)."""
    run = (
        RecomputeRun.objects.filter(finished_at__isnull=True, shards=shards).order_by("-id").first()
    )
    if run is None:
        run = recompute_plan(shards=shards)
    recompute_advance(run_id=run.pk)
    return run


def recompute_advance(*, run_id: int) -> str:
    """Move a queued run on: send one task (``QUEUE_TASK``) for each chunk or shard of the
    first step not finished that no task was sent for yet, each a task of its own that
    any worker may take; when every step has finished, finish the run. Every task of a
    step calls this when it ends, so the last one to end sends the next step. The run's
    row is locked meanwhile: two tasks ending at once send each task once. A task sent
    and lost is sent again by the task queue's sweep (its outbox row), and a task run
    twice does its work once (``_as_task``). Returns the step waited for, or
    ``"finished"``."""
    with transaction.atomic():
        run = (
            RecomputeRun.objects.select_for_update()
            .filter(pk=run_id, finished_at__isnull=True)
            .first()
        )
        if run is None:
            return "finished"
        for phase, _, _ in _STEPS:
            count = run.chunks if phase == RecomputeTask.Phase.MAP else run.shards
            tasks = RecomputeTask.objects.filter(run=run, phase=phase)
            if tasks.filter(finished_at__isnull=False).count() >= count:
                continue
            sent = set(tasks.values_list("number", flat=True))
            missing = [n for n in range(count) if n not in sent]
            # A task row marks its task as sent (``_as_task`` takes it up).
            RecomputeTask.objects.bulk_create(
                [RecomputeTask(run=run, phase=phase, number=n) for n in missing]
            )
            for number in missing:
                after_commit(
                    QUEUE_TASK, merge=False, runs=[run.pk], **{_QUEUE_KEYWORDS[phase]: [number]}
                )
            return str(phase)
        recompute_finish(run_id=run.pk)
    return "finished"


def recompute_part(
    *,
    run_id: int,
    chunks: Iterable[int] = (),
    pair_shards: Iterable[int] = (),
    check_shards: Iterable[int] = (),
) -> None:
    """A queued task's work: these map chunks, pair shards and check shards of the run
    (each done once however often it is sent), then :func:`recompute_advance`."""
    for chunk in chunks:
        recompute_map(run_id=run_id, chunk=chunk)
    for shard in pair_shards:
        recompute_pair(run_id=run_id, shard=shard)
    for shard in check_shards:
        recompute_check(run_id=run_id, shard=shard)
    recompute_advance(run_id=run_id)


def _run_one(step: str, run_id: int, number: int) -> dict:
    _, function, argument = next(s for s in _STEPS if s[0] == step)
    return function(run_id=run_id, **{argument: number})


def _close_connections() -> None:
    # Each forked worker opens its own connection (a connection must not be shared).
    connections.close_all()


def recompute_run(
    *,
    shards: int,
    workers: int = 1,
    chunk_size: int = CHUNK_SIZE,
    echo: Callable[[str], None] = lambda line: None,
    forked: bool | None = None,
) -> RecomputeSummary:
    """Run a whole recomputation in ``shards`` shards with ``workers`` processes (forked;
    1: in this one unless ``forked``), resuming the last unfinished run of as many shards
    if there is one. ``echo`` is told each task's end (for progress)."""
    run = (
        RecomputeRun.objects.filter(finished_at__isnull=True, shards=shards).order_by("-id").first()
    )
    resumed = run is not None
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    tasks: dict[str, int] = {}
    peak = _peak_rss_mb()
    totals = RecheckReport()
    if forked is None:
        forked = workers > 1
    use_processes = forked and "fork" in multiprocessing.get_all_start_methods()
    pool = None
    if use_processes:
        _close_connections()
        # A fresh process for each task: its peak memory is the task's own.
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_close_connections, maxtasksperchild=1
        )
    try:
        if run is None:
            run_id, peak = (
                pool.apply(_plan_job, (shards, chunk_size))
                if pool is not None
                else _plan_job(shards, chunk_size)
            )
            run = RecomputeRun.objects.get(pk=run_id)
            seconds["plan"] = round(time.perf_counter() - started, 1)
            echo(
                f"run {run.pk}: {run.chunks} chunks, {shards} shards; plan "
                f"{seconds['plan']} s, worker peak {peak} MB"
            )
        else:
            echo(f"run {run.pk}: resumed ({run.chunks} chunks, {shards} shards)")
        for step, _, _ in _STEPS:
            count = run.chunks if step == RecomputeTask.Phase.MAP else run.shards
            jobs = [(step, run.pk, n) for n in range(count)]
            t0 = time.perf_counter()
            results = (
                pool.imap_unordered(_star_run_one, jobs)
                if pool is not None
                else (_run_one(*job) for job in jobs)
            )
            for done, result in enumerate(results, 1):
                peak = max(peak, result.get("peak_rss_mb", 0.0))
                if step == RecomputeTask.Phase.CHECK:
                    for name in ("created", "updated", "reopened", "resolved", "statuses_changed"):
                        setattr(totals, name, getattr(totals, name) + result.get(name, 0))
                elapsed = time.perf_counter() - t0
                echo(
                    f"{step} {done}/{count} in {elapsed:.1f} s "
                    f"({60 * done / max(elapsed, 1e-9):.1f} a minute; "
                    f"task {result.get('seconds', 0)} s, "
                    f"worker peak {result.get('peak_rss_mb', 0)} MB"
                    f"{', already done' if result.get('skipped') else ''})"
                )
            seconds[str(step)] = round(time.perf_counter() - t0, 1)
            tasks[str(step)] = count
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    t0 = time.perf_counter()
    finish = recompute_finish(run_id=run.pk)
    totals.statuses_changed += finish.statuses_changed
    seconds["finish"] = round(time.perf_counter() - t0, 1)
    seconds["total"] = round(time.perf_counter() - started, 1)
    return RecomputeSummary(
        run_id=run.pk,
        resumed=resumed,
        seconds=seconds,
        tasks=tasks,
        peak_rss_mb=max(peak, _peak_rss_mb()),
        check=totals,
    )


def _star_run_one(job: tuple[str, int, int]) -> dict:
    return _run_one(*job)


def _plan_job(shards: int, chunk_size: int) -> tuple[int, float]:
    run = recompute_plan(shards=shards, chunk_size=chunk_size)
    return run.pk, _peak_rss_mb()
