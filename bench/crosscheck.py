"""Cross-check benchmark: the quote check, the recheck after one new attribution and the
full recompute, on an invented archive (see bench/corpus.py), with a scan of every quote
as the baseline in the same run.

    .venv/bin/python bench/crosscheck.py --database /tmp/bench-100k.sqlite3 --size 100k
    .venv/bin/python bench/crosscheck.py \\
        --database postgres://postgres@127.0.0.1:5432/bench_100k --size 100k

The archive is built on the first run (``manage.py migrate``, then bench/corpus.py) and
reused after. One run measures, in this order:

1. quote check: ``crosscheck.index.similar_quotes`` (what ``POST
   /api/quote-check/`` calls) on ``--queries`` queries, a third each: a stored quote as
   another outlet prints it (case, punctuation), a stored quote with one to three words
   changed, and unrelated text; median and 95th percentile, after a few unmeasured ones;
2. brute force: ``brute_force_similar_quotes`` on ``--brute`` of those queries (a third of
   each kind), its median, the speed-up of the medians, and the index's recall: of the
   quotes the scan finds at the misattribution threshold (90) or above, how many the
   index found too (and the same from the drift threshold, 60);
3. recheck after one new attribution: ``--rechecks`` times, an article and a direct quote
   are created through ``claims.services.attribution_create`` (a copy of a stored quote by
   another source, the same source's stored quote reworded, or a new quote; linked to an
   existing claim), then ``recheck`` runs on the scope the after-commit hook gives it, and
   everything is rolled back;
4. full recompute: ``manage.py recheck`` (findings and claim statuses reset first, so
   every run does the same work); ``--full-limit N`` times only the first N attributions
   (``recheck --limit``) and states the whole as an extrapolation.

Each step prints the results so far as one JSON object; ``--out FILE`` appends the last
to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

MISATTRIBUTION = 90.0
DRIFT = 60.0


def sample_quotes(
    rng: random.Random, size: int, count: int, *, named: bool = False
) -> list[tuple[int, str, int]]:
    """``count`` stored sourced quotes of six words or more: (id, text, source id); with
    ``named``, of named people only (an anonymous source belongs to its own article)."""
    from claims.models import Attribution

    found: dict[int, tuple[int, str, int]] = {}
    while len(found) < count:
        ids = rng.sample(range(1, size + 1), min(size, 2 * count))
        rows = Attribution.objects.filter(id__in=ids).exclude(kind=Attribution.Kind.UNATTRIBUTED)
        if named:
            rows = rows.filter(source__kind="person")
        rows = rows.values_list("id", "text", "source_id")
        for row in rows:
            if len(row[1].split()) >= 6 and len(found) < count:
                found[row[0]] = row
    return [found[k] for k in sorted(found)]


def make_queries(rng: random.Random, size: int, count: int, vocabulary) -> list[tuple[str, str]]:
    """(kind, text): copies, edited copies and unrelated text, interleaved."""
    stored = sample_quotes(rng, size, count)
    queries = []
    for i in range(count):
        kind = ("copy", "edited", "unrelated")[i % 3]
        _, text, _ = stored[i]
        if kind == "copy":
            text = corpus.copied(rng, text)
        elif kind == "edited":
            text = corpus.reworded(rng, text, vocabulary, rng.randint(1, 3))
        else:
            text = corpus.sentence(rng, vocabulary)
        queries.append((kind, text))
    return queries


def quote_check(queries, brute_count: int) -> dict:
    from crosscheck.index import brute_force_similar_quotes, similar_quotes

    for _, text in queries[:10]:  # warm up caches (trigram statistics, pages)
        similar_quotes(text)
    times, answers = [], []
    for _, text in queries:
        t0 = time.perf_counter()
        answers.append(similar_quotes(text))
        times.append(time.perf_counter() - t0)
    step = max(1, len(queries) // brute_count)
    chosen = list(range(0, len(queries), step))[:brute_count]
    brute_times = []
    hits = {MISATTRIBUTION: [0, 0], DRIFT: [0, 0]}
    for i in chosen:
        t0 = time.perf_counter()
        full = brute_force_similar_quotes(queries[i][1])
        brute_times.append(time.perf_counter() - t0)
        got = {m.attribution_id for m in answers[i]}
        for threshold, tally in hits.items():
            wanted = {m.attribution_id for m in full if m.similarity >= threshold}
            tally[0] += len(wanted & got)
            tally[1] += len(wanted)
    median, brute_median = statistics.median(times), statistics.median(brute_times)
    return {
        "queries": len(times),
        "quote_check_median_ms": corpus.ms(median),
        "quote_check_p95_ms": corpus.ms(corpus.percentile(times, 0.95)),
        "quote_check_by_kind_median_ms": {
            kind: corpus.ms(
                statistics.median(t for (k, _), t in zip(queries, times, strict=True) if k == kind)
            )
            for kind in ("copy", "edited", "unrelated")
        },
        "brute_queries": len(brute_times),
        "brute_median_ms": corpus.ms(brute_median),
        "speedup": round(brute_median / median, 1),
        "recall_90": f"{hits[MISATTRIBUTION][0]}/{hits[MISATTRIBUTION][1]}",
        "recall_60": f"{hits[DRIFT][0]}/{hits[DRIFT][1]}",
    }


class _Rollback(Exception):
    pass


def recheck_after_create(rng: random.Random, size: int, count: int, vocabulary) -> dict:
    from django.db import transaction
    from django.test.utils import override_settings

    from articles.models import Article, Outlet
    from claims.models import Claim
    from claims.services import attribution_create
    from crosscheck.services import Scope, recheck
    from sources.models import Source

    stored = sample_quotes(rng, size, count, named=True)
    claim_ids = list(Claim.objects.values_list("id", flat=True)[:50_000])
    people = list(Source.objects.filter(kind="person").values_list("id", flat=True)[:5_000])
    outlet = Outlet.objects.order_by("id").first()
    times, found = [], []
    with override_settings(TRACKER_CROSSCHECK_ON_SAVE=False):
        for i, (_, text, source_id) in enumerate(stored):
            how = ("copy", "reworded", "new")[i % 3]
            if how == "copy":
                text = corpus.copied(rng, text)
                source_id = rng.choice([p for p in people[:50] if p != source_id])
            elif how == "reworded":
                text = corpus.reworded(rng, text, vocabulary, rng.randint(1, 2))
            else:
                text = corpus.sentence(rng, vocabulary)
                source_id = rng.choice(people)
            try:
                with transaction.atomic():
                    article = Article.objects.create(
                        outlet=outlet,
                        headline=f"Invented benchmark article {i}",
                        body=f"“{text},” the speaker said.",
                    )
                    attribution = attribution_create(
                        article=article,
                        source_id=source_id,
                        claim_id=rng.choice(claim_ids),
                        kind="direct",
                        text=text,
                    )
                    # What the after-commit task runs (crosscheck/tasks.py).
                    scope = Scope(
                        attribution_ids={attribution.id}, claim_ids={attribution.claim_id}
                    )
                    t0 = time.perf_counter()
                    report = recheck(scope)
                    times.append(time.perf_counter() - t0)
                    found.append(report.created)
                    raise _Rollback
            except _Rollback:
                pass
    return {
        "rechecks": len(times),
        "recheck_median_ms": corpus.ms(statistics.median(times)),
        "recheck_p95_ms": corpus.ms(corpus.percentile(times, 0.95)),
        "recheck_findings_created_mean": round(statistics.mean(found), 2),
    }


def full_recompute(size: int, limit: int | None) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from crosscheck.models import Checkpoint

    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "claims_finding_claims",
            "claims_finding_attributions",
            "claims_finding_sources",
            "claims_finding",
        ):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("UPDATE claims_claim SET status = 'unsupported'")
    Checkpoint.clear("recheck:last-attribution-id")
    options = {"verbosity": 0}
    if limit:
        options["limit"] = limit
    t0 = time.perf_counter()
    call_command("recheck", **options)
    elapsed = time.perf_counter() - t0
    done = min(limit or size, size)
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM claims_finding GROUP BY kind ORDER BY kind")
        findings = dict(cursor.fetchall())
    return {
        "full_attributions": done,
        "full_seconds": round(elapsed, 1),
        "full_extrapolated_seconds": round(elapsed * size / done, 0) if done < size else None,
        "findings": findings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", required=True, help="SQLite file or postgres:// URL (bench_*)"
    )
    parser.add_argument("--size", default="10k", help="attributions: 10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--brute", type=int, default=15)
    parser.add_argument("--rechecks", type=int, default=30)
    parser.add_argument(
        "--full", choices=("run", "skip"), default="run", help="the full recompute, or not"
    )
    parser.add_argument("--full-limit", type=int, default=None, metavar="N")
    parser.add_argument("--out", default=None, help="append the result as a JSON line here")
    args = parser.parse_args()

    size = corpus.parse_size(args.size)
    corpus.configure(args.database)
    corpus.ensure_archive(size, seed=args.seed)
    from django.db import connection

    rng = random.Random(args.seed + 1)
    vocabulary = corpus.Vocabulary.english(random.Random(args.seed))
    result: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "database": connection.vendor,
        "size": size,
        "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"{connection.vendor} {size:,}: quote check ...", flush=True)
    queries = make_queries(rng, size, args.queries, vocabulary)
    result |= quote_check(queries, args.brute)
    print(json.dumps(result), flush=True)
    if args.rechecks:
        print("recheck after one new attribution ...", flush=True)
        result |= recheck_after_create(rng, size, args.rechecks, vocabulary)
        print(json.dumps(result), flush=True)
    if args.full == "run":
        print("full recompute ...", flush=True)
        result |= full_recompute(size, args.full_limit)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result), flush=True)
    if args.out:
        with open(args.out, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
