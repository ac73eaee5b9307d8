"""Weight of the admin's article page: the change page of the seed article (24
attributions, 5 metadata spans), as an editor opens it.

    .venv/bin/python bench/admin_article.py                      # a fresh SQLite file
    .venv/bin/python bench/admin_article.py --database postgres://postgres@127.0.0.1:5432/bench_admin

In process, with Django's test client (no network, no browser): the database is migrated
and the seed loaded (``load_seed``) on first use, an editor (superuser) is logged in, the
page is fetched ``--warmup`` times unmeasured, then ``--runs`` times. It prints the page's
size in bytes (the HTML alone, as served, not compressed), the median, fastest and slowest
time of a request (from the request to the last byte of the response, server side) and
the number of database queries one request runs, as one JSON object; ``--out FILE``
appends it to FILE. ``--path`` measures another admin page of the same article instead
(``{id}`` is the article's id).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

SEED_HEADLINE = "US-backed forces say ISIS"
EDITOR = "bench-editor"


def seed_article():
    from django.core.management import call_command

    from articles.models import Article

    article = Article.objects.filter(headline__startswith=SEED_HEADLINE).first()
    if article is None:
        call_command("load_seed", verbosity=0)
        article = Article.objects.get(headline__startswith=SEED_HEADLINE)
    return article


def editor_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    user = User.objects.filter(username=EDITOR).first()
    if user is None:
        user = User.objects.create_superuser(username=EDITOR, email="", password=None)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def measure(client, path: str, runs: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return b"".join(response) if response.streaming else response.content

    for _ in range(warmup):
        fetch()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        content = fetch()
        times.append(time.perf_counter() - start)
    # Counted apart: capturing queries turns on the debug cursor, which costs time.
    with CaptureQueriesContext(connection) as queries:
        fetch()
    return {
        "bytes": len(content),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "runs": runs,
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=None,
        help="SQLite file or postgres:// URL (bench_*); default a fresh temporary SQLite file",
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--path", default="/admin/articles/article/{id}/change/")
    parser.add_argument("--out", default=None, help="append the result as a JSON line here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        database = args.database or str(Path(scratch) / "admin.sqlite3")
        corpus.configure(database)
        # Quiet: the login-attempt log (django-axes) would print a line per login.
        logging.disable(logging.INFO)
        corpus.migrate()
        from django.db import connection

        article = seed_article()
        path = args.path.format(id=article.pk)
        result: dict = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
            "database": connection.vendor,
            "path": path,
            "attributions": article.attributions.count(),
            "machine": f"{os.cpu_count()} cores, {platform.python_version()}",
            "load_before": [round(x, 2) for x in os.getloadavg()],
        }
        result |= measure(editor_client(), path, args.runs, args.warmup)
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
        connection.close()
    print(json.dumps(result), flush=True)
    if args.out:
        with open(args.out, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
