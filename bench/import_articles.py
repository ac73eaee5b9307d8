"""Bulk import throughput: ``manage.py import_articles`` on a JSON Lines file of N articles.

Everything in the file is INVENTED: outlets, people, places and text are made up (English
words strung together into sentences of news length, about 600 words an article, with a
fixed seed so the file is the same every run). One article in ten carries an attribution
(a direct quote of random words, found by its text, credited by name to one of 500
invented people).

For each database asked for, the script builds a fresh one with ``manage.py migrate``
(SQLite: a new file; PostgreSQL: the database ``bench_import``, dropped and created), runs
the import in a child process and reports articles per second and that process's peak
memory (``resource.getrusage`` maxrss). A second run of the same file measures the
idempotent re-run (every record skipped).

    .venv/bin/python bench/import_articles.py --size 100000 --database sqlite postgres
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SEED = 20240502
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "bench_import"

WORDS = [
    "the",
    "council",
    "river",
    "bridge",
    "town",
    "mayor",
    "said",
    "would",
    "reopen",
    "june",
    "repairs",
    "schedule",
    "engineer",
    "workers",
    "injured",
    "floods",
    "winter",
    "spring",
    "budget",
    "residents",
    "protest",
    "road",
    "closed",
    "market",
    "week",
    "officials",
    "police",
    "station",
    "hospital",
    "school",
    "teachers",
    "union",
    "strike",
    "wages",
    "plan",
    "vote",
    "opposition",
    "leader",
    "minister",
    "report",
    "figures",
    "rise",
    "fall",
    "percent",
    "year",
    "month",
    "morning",
    "evening",
    "district",
    "harbour",
    "ferry",
    "train",
    "line",
    "tickets",
    "prices",
    "farmers",
    "harvest",
    "rain",
    "storm",
    "damage",
    "water",
    "supply",
    "power",
    "cuts",
    "contract",
    "company",
    "board",
    "investors",
    "shares",
    "court",
    "judge",
    "ruling",
    "appeal",
    "lawyers",
    "hearing",
    "witness",
    "statement",
    "spokesman",
    "spokeswoman",
    "agency",
    "press",
    "conference",
]
FIRST = [
    "Ilse",
    "Tomas",
    "Juno",
    "Kasia",
    "Mara",
    "Oskar",
    "Lenn",
    "Runa",
    "Piet",
    "Edda",
    "Aurel",
    "Sanne",
    "Bram",
    "Wilma",
    "Joris",
]
LAST = [
    "Varnok",
    "Brenn",
    "Aalt",
    "Molder",
    "Lind",
    "Quell",
    "Hartig",
    "Sorrel",
    "Vane",
    "Dussel",
    "Kram",
    "Oberst",
    "Teel",
]
OUTLETS = ["Quellbridge Courier", "Northmere Wire", "Invented Evening Post", "Vale Broadcaster"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 24))]
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, n: int, people: list[str]) -> dict:
    paragraphs, words = [], 0
    while words < 600:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        words += paragraph.count(" ") + 1
        paragraphs.append(paragraph)
    record = {
        "headline": f"Invented report {n}: " + sentence(rng)[:80],
        "outlet": OUTLETS[n % len(OUTLETS)],
        "url": f"https://invented-news.example/{n}",
        "published_at": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00+00:00",
        "byline": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
    }
    if n % 10 == 0:
        quote = sentence(rng)[:-1]
        person = people[n % len(people)]
        paragraphs.insert(1, f"“{quote},” {person} said.")
        record["attributions"] = [
            {"text": quote, "kind": "direct", "source": person, "cue": "said"}
        ]
    record["body"] = "\n\n".join(paragraphs)
    return record


def generate(path: Path, size: int) -> None:
    rng = random.Random(SEED)
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}" for i in range(500)]
    with path.open("w", encoding="utf-8") as f:
        for n in range(size):
            f.write(json.dumps(article(rng, n, people), ensure_ascii=False) + "\n")


CHILD = """
import json, os, resource, sys, threading, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError

samples = []  # resident memory (KiB) once a second, to show that it stays flat


def sample():
    while True:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    samples.append(int(line.split()[1]))
        time.sleep(1)


threading.Thread(target=sample, daemon=True).start()
started = time.monotonic()
try:
    call_command("import_articles", sys.argv[1], verbosity=0)
    status = 0
except CommandError as error:
    status = error.returncode
from sources.models import Article
print(json.dumps({
    "seconds": time.monotonic() - started,
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "rss_deciles_kb": [samples[min(len(samples) - 1, len(samples) * i // 10)] for i in range(11)],
    "articles": Article.objects.count(),
    "status": status,
}))
"""


def database_url(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        db = workdir / "bench_import.sqlite3"
        db.unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"{PG_SERVER}/{PG_DATABASE}"


def run_import(env: dict, path: Path) -> dict:
    out = subprocess.run([PYTHON, "-c", CHILD, str(path)], cwd=ROOT, env=env, capture_output=True)
    if out.returncode:
        sys.exit(f"the import failed:\n{out.stderr.decode()}")
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database", nargs="+", choices=["sqlite", "postgres"], default=["sqlite"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-import"))
    parser.add_argument("--no-rerun", action="store_true", help="Skip the idempotent re-run.")
    parser.add_argument(
        "--rerun-only",
        action="store_true",
        help="Only the re-run, on the database a previous run left (migrated first).",
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / f"articles-{args.size}.jsonl"
    if not path.exists():
        started = time.monotonic()
        generate(path, args.size)
        print(
            f"generated {path} ({path.stat().st_size / 1e6:,.0f} MB) in "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )
    for kind in args.database:
        if args.rerun_only:
            url = (
                f"sqlite:///{args.workdir / 'bench_import.sqlite3'}"
                if kind == "sqlite"
                else f"{PG_SERVER}/{PG_DATABASE}"
            )
        else:
            url = database_url(kind, args.workdir)
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        if not args.rerun_only:
            first = run_import(env, path)
            print(
                f"{kind}: {args.size:,} articles in {first['seconds']:,.0f} s = "
                f"{args.size / first['seconds']:,.0f} articles/s, peak RSS "
                f"{first['maxrss_kb'] / 1024:,.0f} MiB, stored {first['articles']:,}, "
                f"exit {first['status']}",
                flush=True,
            )
            deciles = " ".join(f"{kb / 1024:.0f}" for kb in first["rss_deciles_kb"])
            print(f"{kind}: resident MiB at each tenth of the run: {deciles}", flush=True)
        if not args.no_rerun:
            again = run_import(env, path)
            print(
                f"{kind} re-run of the same file: {again['seconds']:,.0f} s = "
                f"{args.size / again['seconds']:,.0f} articles/s, peak RSS "
                f"{again['maxrss_kb'] / 1024:,.0f} MiB, stored {again['articles']:,}, "
                f"exit {again['status']} (0: every record skipped or imported)",
                flush=True,
            )


if __name__ == "__main__":
    main()
