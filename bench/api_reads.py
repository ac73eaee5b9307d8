"""API reads benchmark: what an API consumer pulling the archive waits, in-process and
served by gunicorn, on an invented archive (bench/corpus.py).

    .venv/bin/python bench/api_reads.py --database /tmp/reads-100k.sqlite3 --size 100k
    .venv/bin/python bench/api_reads.py \\
        --database postgres://postgres@127.0.0.1:5432/reads_bench_1m --size 1m --wrk

The archive is built on the first run (``manage.py migrate``, then bench/corpus.py) and
reused after. One run measures:

1. in-process, through Django's test client with a reader's API token (all middleware,
   authentication, permissions, throttles off, pagination, rendering): the first cursor
   page of 100 attributions (``GET /api/attributions/?page_size=100``), ``--repeat``
   times, each time next to the same 100 rows with the same fields read by one SQL
   query (the list's own query, run on a raw cursor) and dumped with ``json.dumps``:
   median and 95th percentile of both, and their ratio;
2. deep pages: every page of the archive by following ``next`` (``--walk`` pages at
   most), each next to the same SQL-and-JSON read of its rows; median and 95th
   percentile by depth (the first 10% of the pages walked, ..., the last 10%);
3. single requests: a single article, one article's attributions, a claim check, a list
   of three outlets: median and 95th percentile of ``--repeat`` each;
4. the first page's data rendered alone, by DRF's JSON renderer and by the API's
   (``access/renderers.py``), interleaved, ``--repeat`` times: CPU time of each;
5. with ``--wrk``: gunicorn (production settings: ``DEBUG=0``, a SECRET_KEY, a shared
   Redis cache with cached token credentials) serving the same archive, and ``wrk``
   with 16 connections for ``--duration`` seconds on each of: a single article, the
   first page of 100 attributions, one article's attributions, a claim check:
   requests/s, p50 and p99.

Rate limits are off (``TRACKER_THROTTLE_USER=off``, ``TRACKER_THROTTLE_BURST=off``): one
token asks far more than a user's limit allows, and a refused request measures nothing.
Every choice (the token's user, the article, the claim) is fixed by ``--seed``. Results
are printed as one JSON object; ``--out FILE`` appends it to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

READER = "bench-api-reader"
PAGE = 100
BENCH_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "TRACKER_THROTTLE_USER": "off",
    "TRACKER_THROTTLE_BURST": "off",
    "TRACKER_THROTTLE_ANON": "off",
    "TRACKER_THROTTLE_EXPENSIVE": "off",
    "TRACKER_TOKEN_FAILURE_LIMIT": "0",
    "LOG_LEVEL": "WARNING",
}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summary(times: list[float]) -> dict:
    return {
        "n": len(times),
        "p50_ms": ms(statistics.median(times)),
        "p95_ms": ms(corpus.percentile(times, 0.95)),
    }


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- setup --------------------------------------------------------------------------------


def configure(database: str) -> str:
    """Point the settings at ``database`` (a SQLite file, or a PostgreSQL database named
    ``reads_bench_*`` or ``bench_*``, created if missing) and set Django up."""
    url = database if "://" in database else f"sqlite:///{Path(database).resolve()}"
    if url.startswith("postgres"):
        name = urlsplit(url).path.lstrip("/")
        if not name.startswith(("reads_bench_", "bench_")):
            raise SystemExit("Benchmark PostgreSQL databases must be named reads_bench_*.")
        import psycopg

        admin = urlsplit(url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(BENCH_ENV)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # One process: its own memory is the whole cache, so the credentials may be cached.
    os.environ["TRACKER_AUTH_CACHE_SECONDS"] = "300"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def reader_key() -> str:
    """A new token of the benchmark's reader (created with the Readers role if missing)."""
    from django.contrib.auth.models import Group, User

    from access.roles import READERS
    from access.services import token_expiry, token_issue

    user, _ = User.objects.get_or_create(username=READER)
    user.groups.add(Group.objects.get(name=READERS))
    _token, key = token_issue(user=user, name=f"bench {time.time_ns()}", expires_at=token_expiry())
    return key


def targets(rng: random.Random) -> dict[str, str]:
    """The single-resource URLs: an article with attributions, a claim with several."""
    from django.db.models import Count

    from claims.models import Attribution, Claim

    top = Attribution.objects.order_by("-id").values_list("id", flat=True).first()
    article = Attribution.objects.get(id=rng.randint(1, top)).article_id
    claims = list(
        Claim.objects.annotate(n=Count("attributions"))
        .filter(n__gte=3)
        .order_by("id")
        .values_list("id", flat=True)[:200]
    )
    claim = rng.choice(claims)
    return {
        "article": f"/api/articles/{article}/",
        "attribution_page": f"/api/attributions/?page_size={PAGE}",
        "article_attributions": f"/api/articles/{article}/attributions/",
        "claim_check": f"/api/claims/{claim}/check/",
        "outlets_3": "/api/outlets/?page_size=3",
    }


# --- in-process ---------------------------------------------------------------------------


# The columns an attribution's JSON is made of (claims.serializers.ATTRIBUTION_ROW_FIELDS,
# repeated here so that the benchmark also runs on a checkout from before it existed).
ROW_FIELDS = (
    *("id", "article", "article__headline", "article__url", "article__retracted_at"),
    *("source", "source__name", "source__kind", "source__description"),
    *("claim", "claim__text", "claim_is_suggested", "claim_link_score"),
    *("kind", "stance", "act", "text", "start", "end", "anchor_status"),
    *("quote_prefix", "quote_suffix", "speaker_mention", "cue", "channel"),
    *("recipient", "recipient__name", "said_on", "said_when_text", "is_suggested"),
    *("is_reviewed", "reviewed_by", "reviewed_at", "note", "created_at", "updated_at"),
)


def sql_page(before: int | None) -> tuple[str, list]:
    """The page of 100 after ``before`` (ids below it), with every column its JSON shows,
    as one SQL query."""
    from claims.models import Attribution

    rows = Attribution.objects.with_selectors()
    if before is not None:
        rows = rows.filter(id__lt=before)
    query = rows.order_by("-id").values(*ROW_FIELDS)[:PAGE].query
    sql, params = query.sql_with_params()
    return sql, list(params)


def straight_from_sql(sql: str, params: list) -> bytes:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.dumps(rows, default=str).encode()


def in_process(key: str, urls: dict[str, str], repeat: int, walk: int) -> dict:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {key}")

    def get(url: str):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return elapsed, response

    for url in urls.values():  # warm: credentials cached, code paths loaded
        for _ in range(5):
            get(url)

    # 1. The first page, interleaved with its SQL-and-JSON twin.
    first_sql = sql_page(None)
    api_times, sql_times = [], []
    for _ in range(repeat):
        api_times.append(get(urls["attribution_page"])[0])
        started = time.perf_counter()
        straight_from_sql(*first_sql)
        sql_times.append(time.perf_counter() - started)
    first = {
        "api": summary(api_times),
        "sql_json": summary(sql_times),
        "ratio_p50": round(statistics.median(api_times) / statistics.median(sql_times), 1),
    }

    # 2. Every page, by following next, each next to its twin.
    url, before, pages = urls["attribution_page"], None, []
    while url and len(pages) < walk:
        # Which goes first alternates: the first read of a page pays for reading it from
        # disk (the bodies the quote context is cut from), the second finds it cached.
        twin = sql_page(before)
        if len(pages) % 2:
            started = time.perf_counter()
            straight_from_sql(*twin)
            sql_time = time.perf_counter() - started
            elapsed, response = get(url)
        else:
            elapsed, response = get(url)
            started = time.perf_counter()
            straight_from_sql(*twin)
            sql_time = time.perf_counter() - started
        data = response.json()
        pages.append((elapsed, sql_time))
        before = data["results"][-1]["id"] if data["results"] else None
        url = data["next"]
    bands = []
    tenth = max(1, len(pages) // 10)
    for start in range(0, len(pages), tenth):
        band = pages[start : start + tenth]
        if len(band) < tenth and bands:
            break
        bands.append(
            {
                "pages": f"{start + 1}-{start + len(band)}",
                "api": summary([a for a, _ in band]),
                "sql_json": summary([s for _, s in band]),
            }
        )
    deep = {"pages_walked": len(pages), "walk_complete": url is None, "bands": bands}

    # 3. Single requests, interleaved.
    names = ["article", "article_attributions", "claim_check", "outlets_3"]
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(repeat):
        for name in names:
            times[name].append(get(urls[name])[0])
    # 4. Rendering the first page's data alone: DRF's renderer and the API's, interleaved
    # (CPU time: the same page, so the difference is the JSON encoder's).
    from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

    from access.renderers import JSONRenderer

    data = get(urls["attribution_page"])[1].data
    renderers = {"drf_json": DRFJSONRenderer(), "api_json": JSONRenderer()}
    rendered: dict[str, list[float]] = {name: [] for name in renderers}
    for _ in range(repeat):
        for name, renderer in renderers.items():
            started = time.process_time()
            renderer.render(data)
            rendered[name].append(time.process_time() - started)
    return {
        "render_first_page_cpu": {name: summary(values) for name, values in rendered.items()},
        "first_page": first,
        "deep_pages": deep,
        "single": {name: summary(values) for name, values in times.items()},
    }


# --- gunicorn and wrk ---------------------------------------------------------------------


def run_wrk(url: str, key: str, duration: int, connections: int) -> dict:
    out = subprocess.run(
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-H",
            f"Authorization: Token {key}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return round(value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "requests_per_s": float(rate.group(1)) if rate else float("nan"),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
        "load": load(),
    }


def served(url: str, key: str, urls: dict[str, str], args) -> dict:
    env = {
        **os.environ,
        **BENCH_ENV,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + "k" * 50,
        "CACHE_URL": args.cache_url,
        "TRACKER_AUTH_CACHE_SECONDS": "300",
        "CONN_MAX_AGE": "60",
        "STATIC_MANIFEST": "0",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "tracker.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{args.port}"
    try:
        import urllib.request

        for _ in range(100):
            try:
                request = urllib.request.Request(
                    base + urls["outlets_3"], headers={"Authorization": f"Token {key}"}
                )
                urllib.request.urlopen(request, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for name in ("article", "attribution_page", "article_attributions", "claim_check"):
            run_wrk(base + urls[name], key, 3, args.connections)  # warm every worker
            results[name] = run_wrk(base + urls[name], key, args.duration, args.connections)
            print(f"  wrk {name}: {results[name]}", file=sys.stderr)
        return {
            "server": " ".join(command[1:]),
            "connections": args.connections,
            "duration_s": args.duration,
            "results": results,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="SQLite file or postgres:// URL")
    parser.add_argument("--size", default="100k", help="attributions: 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--repeat", type=int, default=200, help="requests per measure")
    parser.add_argument("--walk", type=int, default=20_000, help="most pages walked")
    parser.add_argument("--wrk", action="store_true", help="also serve with gunicorn, run wrk")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--out", help="append the JSON result to this file")
    args = parser.parse_args()

    url = configure(args.database)
    size = corpus.parse_size(args.size)
    corpus.ensure_archive(size, seed=args.seed, log=lambda text: print(text, file=sys.stderr))
    from django.db import connection

    rng = random.Random(args.seed)
    urls = targets(rng)
    key = reader_key()
    result: dict = {
        "benchmark": "api_reads",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "size": size,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "urls": urls,
        "load_before": load(),
    }
    if not args.skip_in_process:
        result["in_process"] = in_process(key, urls, args.repeat, args.walk)
        result["load_after_in_process"] = load()
    if args.wrk:
        connection.close()
        result["wrk"] = served(url, key, urls, args)
    print(json.dumps(result, indent=1))
    if args.out:
        with open(args.out, "a") as handle:
            handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
