"""Full recompute in shards: ``manage.py recheck --shards N --workers W`` on an invented
archive (bench/corpus.py), from no findings, with each step's time, each task's time and
its worker's peak memory, and the findings stored.

    .venv/bin/python bench/recompute.py --database /tmp/bench-1m.sqlite3 --size 1m \\
        --shards 16 --workers 2
    .venv/bin/python bench/recompute.py \\
        --database postgres://postgres@127.0.0.1:5432/bench_1m --size 1m --shards 16

The archive is built on the first run and reused after. Findings and claim statuses are
reset first (as bench/crosscheck.py's full recompute does), so every run does the same
work. ``--serial`` times ``manage.py recheck`` (the batch path in one process, its
pairing in ``--workers`` processes) instead, for comparison. Prints one JSON object;
``--out FILE`` appends it to FILE. ``--workers 1`` runs the tasks in one forked worker
process (as two workers run them in two), for a like-for-like comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus


def reset_findings() -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="SQLite file or postgres:// URL")
    parser.add_argument("--size", default="10k", help="attributions: 10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--serial", action="store_true", help="time manage.py recheck instead")
    parser.add_argument("--out", default=None, help="append the result as a JSON line here")
    args = parser.parse_args()

    size = corpus.parse_size(args.size)
    corpus.configure(args.database)
    corpus.ensure_archive(size, seed=args.seed)
    from django.core.management import call_command
    from django.db import connection

    from crosscheck.models import Finding, RecomputeRun, RecomputeTask

    reset_findings()
    result: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "database": connection.vendor,
        "size": size,
        "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "workers": args.workers,
    }
    started = time.perf_counter()
    if args.serial:
        call_command("recheck", workers=args.workers, verbosity=0)
        result["method"] = "recheck (batch path)"
    else:
        result["method"] = "recheck --shards"
        result["shards"] = args.shards
        if args.workers == 1:
            # One forked worker, as with two: the same per-task processes to compare.
            from crosscheck.services.recompute import recompute_run

            summary = recompute_run(shards=args.shards, workers=1, forked=True, echo=print)
            print(summary)
        else:
            call_command("recheck", shards=args.shards, workers=args.workers, verbosity=1)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    # This process's peak (the pairing's, for --serial) and its forked children's.
    result["peak_rss_mb_self"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["peak_rss_mb_children"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    if not args.serial:
        run = RecomputeRun.objects.order_by("-id").first()
        assert run is not None
        steps: dict = {}
        for phase in RecomputeTask.Phase.values:
            tasks = list(run.tasks.filter(phase=phase).values_list("result", flat=True))
            if not tasks:
                continue
            first, last = (
                run.tasks.filter(phase=phase)
                .order_by("started_at")
                .values_list("started_at", flat=True)[:1],
                run.tasks.filter(phase=phase)
                .order_by("-finished_at")
                .values_list("finished_at", flat=True)[:1],
            )
            wall = (last[0] - first[0]).total_seconds()
            seconds = sorted(t["seconds"] for t in tasks)
            steps[phase] = {
                "tasks": len(tasks),
                "wall_seconds": round(wall, 1),
                "tasks_per_minute": round(60 * len(tasks) / wall, 1) if wall else None,
                "task_seconds_sum": round(sum(seconds), 1),
                "task_cpu_seconds_sum": round(sum(t["cpu_seconds"] for t in tasks), 1),
                "task_seconds_min_median_max": [
                    seconds[0],
                    seconds[len(seconds) // 2],
                    seconds[-1],
                ],
                "peak_rss_mb_max": max(t["peak_rss_mb"] for t in tasks),
            }
            for key in ("pairs", "scored", "entries", "retries", "created"):
                if key in tasks[0]:
                    steps[phase][key] = sum(t.get(key, 0) for t in tasks)
        result["steps"] = steps
    result["findings"] = dict(
        sorted((kind, Finding.objects.filter(kind=kind).count()) for kind in Finding.Kind.values)
    )
    print(json.dumps(result), flush=True)
    if args.out:
        with open(args.out, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
