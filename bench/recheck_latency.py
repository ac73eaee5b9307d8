"""Saving one attribution through the API, with the recheck off the request path: request
latency, and the time from the request until the finding it causes is stored.

    .venv/bin/python bench/recheck_latency.py --database /tmp/celery-100k.sqlite3 --size 100k
    .venv/bin/python bench/recheck_latency.py \\
        --database postgres://postgres@127.0.0.1:5432/tracker_celery_bench_100k --size 100k

The archive is the invented one of bench/corpus.py, built on the first run and reused after.
Two gunicorn servers with production settings (DEBUG off, 2 workers each) serve the same
database: one with ``CELERY_BROKER_URL`` (``--broker``, a Redis database; a Celery worker
with ``--concurrency`` processes runs the rechecks) and one without (the recheck runs in the
request, after the commit: the embedded default). Requests alternate between the two, one
at a time, so both are measured under the same load.

Each request is ``POST /api/attributions/`` by an editor's API token: a stored quote as
another outlet prints it, credited to another person, in an article created just before
(not timed), which the cross-check reports as a misattribution. After the response the
script polls the database (every 5 ms) for a current finding that names the new
attribution; "stored" is the time from sending the request to seeing that row. A request
whose finding does not appear within ``--wait`` seconds counts as missing.

Prints one JSON object and, with ``--out FILE``, appends it to FILE.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median_ms": corpus.ms(statistics.median(values)),
        "p95_ms": corpus.ms(corpus.percentile(values, 0.95)),
        "max_ms": corpus.ms(max(values)),
    }


def configure(database: str) -> str:
    """Django set up on ``database`` (a SQLite file or a postgres:// URL, created if
    missing); returns its DATABASE_URL."""
    url = database if "://" in database else f"sqlite:///{Path(database).resolve()}"
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.pop("CELERY_BROKER_URL", None)  # this process only reads and prepares
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not listen on {port} within {timeout} s")


def server_env(url: str, broker: str | None, queue: str) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "TRACKER_THROTTLE_USER": "",
        "TRACKER_THROTTLE_BURST": "",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    if broker:
        env["CELERY_BROKER_URL"] = broker
        env["CELERY_TASK_DEFAULT_QUEUE"] = queue
    return env


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def editor_key() -> str:
    from django.contrib.auth import get_user_model

    from access.roles import EDITORS
    from access.services import token_issue

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=EDITORS))
    name = f"recheck latency benchmark {datetime.now(UTC):%Y-%m-%d %H:%M:%S.%f}"
    _, key = token_issue(user=user, name=name, expires_at=None)
    return key


def prepare(rng: random.Random, size: int, count: int) -> list[dict]:
    """``count`` requests: a stored quote copied by another person into a new article."""
    from articles.models import Article, Outlet
    from claims.models import Attribution
    from sources.models import Source

    people = list(Source.objects.filter(kind="person").values_list("id", flat=True)[:5_000])
    outlet = Outlet.objects.order_by("id").first()
    rows: list[dict] = []
    seen: set[int] = set()
    while len(rows) < count:
        ids = rng.sample(range(1, size + 1), 4 * count)
        for pk, text, source_id in (
            Attribution.objects.filter(id__in=ids, kind="direct", source__kind="person")
            .values_list("id", "text", "source_id")
            .iterator()
        ):
            if pk in seen or len(text.split()) < 6 or len(rows) >= count:
                continue
            seen.add(pk)
            copy = corpus.copied(rng, text)
            article = Article.objects.create(
                outlet=outlet,
                headline=f"Invented benchmark article, recheck latency {len(rows)}",
                body=f"“{copy},” the speaker said.",
            )
            rows.append(
                {
                    "article": article.pk,
                    "source": rng.choice([p for p in people[:200] if p != source_id]),
                    "kind": "direct",
                    "text": copy,
                    "start": 1,
                    "end": 1 + len(copy),
                }
            )
    return rows


def finding_exists(attribution_id: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM claims_finding_attributions fa JOIN claims_finding f"
            " ON f.id = fa.finding_id WHERE fa.attribution_id = %s"
            " AND f.resolved_at IS NULL AND f.kind = 'misattribution' LIMIT 1",
            [attribution_id],
        )
        return cursor.fetchone() is not None


def post(conn: http.client.HTTPConnection, key: str, payload: dict) -> tuple[int, dict]:
    body = json.dumps(payload)
    conn.request(
        "POST",
        "/api/attributions/",
        body=body,
        headers={
            "Authorization": f"Token {key}",
            "Content-Type": "application/json",
            "Host": "127.0.0.1",
        },
    )
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="SQLite file or postgres:// URL")
    parser.add_argument("--size", default="100k", help="attributions: 10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--requests", type=int, default=100, help="per server")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured, per server")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--concurrency", type=int, default=1, help="worker processes")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait for a finding")
    parser.add_argument("--out", default=None, help="append the result as a JSON line here")
    args = parser.parse_args()

    size = corpus.parse_size(args.size)
    url = configure(args.database)
    corpus.ensure_archive(size, seed=args.seed, extra_rows=True)
    from django.db import connection

    rng = random.Random(args.seed + 20)
    total = args.requests + args.warmup
    payloads = prepare(rng, size, 2 * total)
    key = editor_key()
    queue = f"bench-{os.getpid()}"
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    ports = {"celery": free_port(), "in_process": free_port()}
    processes = []
    try:
        worker = start(
            [str(VENV_BIN / "celery"), "-A", "tracker", "worker", "--loglevel", "WARNING",
             "--concurrency", str(args.concurrency), "--prefetch-multiplier", "1",
             "--without-gossip", "--without-mingle", "--queues", queue],
            server_env(url, args.broker, queue),
            logs / f"bench-recheck-worker-{os.getpid()}.log",
        )  # fmt: skip
        processes.append(worker)
        for mode, port in ports.items():
            gunicorn = start(
                [str(VENV_BIN / "gunicorn"), "tracker.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(args.gunicorn_workers), "--access-logfile", "-"],
                server_env(url, args.broker if mode == "celery" else None, queue),
                logs / f"bench-recheck-{mode}-{os.getpid()}.log",
            )  # fmt: skip
            processes.append(gunicorn)
            wait_for_port(port, gunicorn, f"gunicorn ({mode})")
        time.sleep(3)  # the worker connects to Redis
        result: dict = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
            "database": connection.vendor,
            "size": size,
            "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
            "gunicorn_workers": args.gunicorn_workers,
            "celery_workers": args.concurrency,
            "load_before": [round(x, 2) for x in os.getloadavg()],
        }
        times: dict[str, dict[str, list[float]]] = {
            mode: {"request": [], "stored": []} for mode in ports
        }
        missing = dict.fromkeys(ports, 0)
        connections = {
            mode: http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for mode, port in ports.items()
        }
        for i, payload in enumerate(payloads):
            mode = ("celery", "in_process")[i % 2]
            t0 = time.perf_counter()
            status, body = post(connections[mode], key, payload)
            answered = time.perf_counter() - t0
            if status != 201:
                raise SystemExit(f"{mode}: {status} {body}")
            stored = None
            while time.perf_counter() - t0 < args.wait:
                if finding_exists(body["id"]):
                    stored = time.perf_counter() - t0
                    break
                time.sleep(0.005)
            if i // 2 < args.warmup:
                continue
            times[mode]["request"].append(answered)
            if stored is None:
                missing[mode] += 1
            else:
                times[mode]["stored"].append(stored)
        for mode in ports:
            result[mode] = {
                "request": summary(times[mode]["request"]),
                "finding_stored": summary(times[mode]["stored"]),
                "finding_missing": missing[mode],
            }
        from django.db.models import Count

        from access.models import QueuedTask

        result["queued_runs"] = dict(
            QueuedTask.objects.order_by().values_list("state").annotate(n=Count("id"))
        )
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        for process in processes:
            stop(process)
    print(json.dumps(result), flush=True)
    if args.out:
        with open(args.out, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
