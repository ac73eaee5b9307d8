"""The quote check against fair baselines: the project's quote index and what a user would
pick instead, measured query by query in one run, with recall against an exact scan.

    .venv/bin/python bench/quote_check.py --database /tmp/index-100k.sqlite3 --size 100k
    .venv/bin/python bench/quote_check.py \\
        --database postgres://postgres@127.0.0.1:5432/index_bench_100k --size 100k
    .venv/bin/python bench/quote_check.py --database /tmp/index-1m.sqlite3 --size 1m \\
        --slow-every 5
    .venv/bin/python bench/quote_check.py \\
        --database postgres://postgres@127.0.0.1:5432/index_bench_1m --size 1m --slow-every 5

Needs PolNeAR's training split in ``../shared/corpora/polnear-train`` (never copied into
the repository): the archive's quotes are drawn from a word model fitted on its
sentences at run time (bench/news_sentences.py), so they have the lengths, words and
recurring phrases of real news sentences. The first run migrates the database and builds
the archive (bench/corpus.py with those quotes; about 3 minutes a database at 1M), later
runs reuse it. Everything is seeded: the same command measures the same queries.

The queries: ``--queries`` (at least 500) near-duplicates of stored quotes, planted in
equal shares of seven kinds: typos, dropped words, reordered words (the two halves of
the quote swapped at a clause boundary), trimmed ends, punctuation and quote marks (curly
quotes, commas, case), British spelling of American words, and the middle half of the
quote. Each is scored against every sourced quote of the archive by the exact scan, and
what the scan finds at 90 or more and at 60 to 90 are the two bands recall is counted
in: the bands are the scan's, whatever the kind meant to plant.

The methods, run on each query one after another, in an order that rotates from one
query to the next (so a slow moment of the machine is shared out), each answering
"which stored quotes score 60 or more", re-ranked with the project's own score:

- ``index``: ``crosscheck.index.similar_quotes(text, min_similarity=60)`` (what ``POST
  /api/quote-check/`` asks, with its minimum lowered to the drift threshold);
- ``extract``: ``rapidfuzz.process.extract`` (``fuzz.ratio``, cutoff 60, limit 300 as the
  index's) over the archive's normalised quotes held in memory, one thread;
- ``cdist``: ``rapidfuzz.process.cdist`` over the same, all cores: the exact scan, and so
  the reference for recall (checked against ``brute_force_similar_quotes``, which reads
  the table, on ``--verify`` queries);
- ``pg_trgm`` (PostgreSQL): a plain pg_trgm query, ``norm % query ORDER BY
  similarity() DESC LIMIT 300``, over a table of the same normalised text with its own
  GIN ``gin_trgm_ops`` index, ``pg_trgm.similarity_threshold`` set to the same cut (0.6);
- ``fts5`` (SQLite): the FTS5 trigram table alone, an ``OR`` of the query's trigrams
  ordered by ``bm25``, ``LIMIT 300``.

Loading the quotes into memory for ``extract`` and ``cdist`` is not timed (it is
reported). At 1M, ``--slow-every N`` runs ``extract``, ``pg_trgm`` and ``fts5`` on every
Nth query only (each takes a second or more there); ``index`` and ``cdist`` run on all.
Printed: one table row per method (median and 95th percentile in ms, recall in each
band) and one JSON object; ``--out FILE`` appends the JSON to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import news_sentences

HIGH, LOW = 90.0, 60.0
LIMIT = 300
KINDS = ("typo", "dropped", "reordered", "trimmed", "punctuation", "british", "fragment")
NORM_TABLE = "bench_quote_norm"

# American spellings and their British forms, for the "british" kind (whole words).
BRITISH = {
    "center": "centre", "centers": "centres", "defense": "defence", "offense": "offence",
    "labor": "labour", "favor": "favour", "favorite": "favourite", "favorable": "favourable",
    "honor": "honour", "color": "colour", "behavior": "behaviour", "neighbor": "neighbour",
    "neighbors": "neighbours", "rumor": "rumour", "humor": "humour", "program": "programme",
    "programs": "programmes", "theater": "theatre", "traveled": "travelled",
    "license": "licence", "gray": "grey", "percent": "per cent", "jewelry": "jewellery",
    "fulfill": "fulfil", "enrollment": "enrolment", "judgment": "judgement",
    "skeptical": "sceptical", "catalog": "catalogue", "dialog": "dialogue", "check": "cheque",
    "toward": "towards", "canceled": "cancelled", "counselor": "counsellor",
}  # fmt: skip
_IZE = re.compile(r"\b(\w{3,})(iz)(e|es|ed|ing|ation|ations)\b", re.IGNORECASE)


def british(text: str) -> str:
    def word(match: re.Match) -> str:
        found = match.group(0)
        other = BRITISH[found.lower()]
        return other.capitalize() if found[0].isupper() else other

    pattern = r"\b(" + "|".join(BRITISH) + r")\b"
    text = re.sub(pattern, word, text, flags=re.IGNORECASE)
    return _IZE.sub(
        lambda m: m.group(1) + ("is" if m.group(2) == "iz" else "IS") + m.group(3), text
    )


def plant(rng: random.Random, kind: str, text: str) -> str:
    """A near-duplicate of ``text`` of the given kind."""
    words = text.split()
    if kind == "typo":
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) < 3:
                continue
            j = rng.randrange(len(w) - 1)
            how = rng.randrange(3)
            if how == 0:
                w = w[:j] + rng.choice("abcdefghijklmnopqrstuvwxyz") + w[j + 1 :]
            elif how == 1:
                w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            else:
                w = w[:j] + w[j + 1 :]
            words[i] = w
    elif kind == "dropped":
        for _ in range(rng.randint(1, 3)):
            del words[rng.randrange(len(words))]
    elif kind == "reordered":
        commas = [i + 1 for i, w in enumerate(words[:-2]) if w.endswith(",") and i > 1]
        cut = rng.choice(commas) if commas else rng.randint(2, len(words) - 2)
        head, tail = words[:cut], words[cut:]
        head[-1] = head[-1].rstrip(",")
        words = [*tail, *head]
    elif kind == "trimmed":
        start = rng.randint(0, 3)
        end = len(words) - rng.randint(0 if start else 1, 3)
        words = words[start:end]
    elif kind == "punctuation":
        out = text.replace('"', "“", 1).replace('"', "”", 1).replace("'", "’")
        if rng.random() < 0.5:
            out = out.replace(",", "", 1)
        else:
            ws = out.split()
            i = rng.randrange(1, len(ws))
            ws[i - 1] += ","
            out = " ".join(ws)
        out = out.rstrip(".!?") + rng.choice(("", "!", "…"))
        return f"“{out[0].lower()}{out[1:]}”"
    elif kind == "british":
        return british(text)
    elif kind == "fragment":
        quarter = len(words) // 4
        words = words[quarter : len(words) - quarter]
    return " ".join(words)


def make_queries(rng: random.Random, texts: dict[int, str], count: int) -> list[dict]:
    """``count`` planted near-duplicates, the kinds in turn, each from a different stored
    quote of 8 words or more (12 or more for fragments); British spelling from quotes
    with a word to respell."""
    from crosscheck.rules import MIN_QUOTE_WORDS, quotable

    ids = sorted(texts)
    used: set[int] = set()
    queries = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        while True:
            pk = rng.choice(ids)
            text = texts[pk]
            n = len(text.split())
            if pk in used or n < (12 if kind == "fragment" else 8):
                continue
            if kind == "british" and british(text) == text:
                continue
            query = plant(rng, kind, text)
            if query != text and quotable(query, MIN_QUOTE_WORDS):
                break
        used.add(pk)
        queries.append({"kind": kind, "origin": pk, "text": query})
    return queries


# --- the archive in memory and the baselines ------------------------------------------------


def load_quotes() -> tuple[list[int], list[str], dict[int, str]]:
    """Every sourced quote the index may return (not unattributed, 4 words or more): ids,
    normalised texts, and the texts as stored."""
    from django.db import connection

    from crosscheck.rules import MIN_QUOTE_WORDS, normalize_quote, quotable

    ids, norms, texts = [], [], {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, text FROM claims_attribution WHERE kind <> 'unattributed'")
        for pk, text in cursor.fetchall():
            if quotable(text, MIN_QUOTE_WORDS):
                ids.append(pk)
                norms.append(normalize_quote(text))
                texts[pk] = text
    return ids, norms, texts


def ensure_norm_table(ids: list[int], norms: list[str]) -> None:
    """PostgreSQL: the normalised quotes in a table of their own with a GIN trigram
    index, for the plain pg_trgm baseline (built once, kept with the archive)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [NORM_TABLE])
        if cursor.fetchone()[0]:
            return
        print("  building the normalised table for pg_trgm ...", flush=True)
        cursor.execute(f"CREATE TABLE {NORM_TABLE} (id integer PRIMARY KEY, norm text NOT NULL)")
        with cursor.cursor.copy(f"COPY {NORM_TABLE} (id, norm) FROM STDIN") as copy:
            for row in zip(ids, norms, strict=True):
                copy.write_row(row)
        cursor.execute(
            f"CREATE INDEX {NORM_TABLE}_trgm ON {NORM_TABLE} USING gin (norm gin_trgm_ops)"
        )
        cursor.execute(f"ANALYZE {NORM_TABLE}")


def exact_scan(query_norm: str, ids: list[int], norms: list[str]) -> dict[int, float]:
    """Every quote scoring 60 or more, as quote_similarity scores it: cdist on all cores."""
    from rapidfuzz import fuzz, process

    from crosscheck.rules.quotes import rounded_similarity, score_cutoff

    row = process.cdist(
        [query_norm], norms, scorer=fuzz.ratio, score_cutoff=score_cutoff(LOW), workers=-1
    )[0]
    return {ids[i]: rounded_similarity(float(row[i])) for i in row.nonzero()[0]}


def run_extract(query_norm: str, ids: list[int], norms: list[str]) -> dict[int, float]:
    from rapidfuzz import fuzz, process

    from crosscheck.rules.quotes import rounded_similarity, score_cutoff

    found = process.extract(
        query_norm, norms, scorer=fuzz.ratio, score_cutoff=score_cutoff(LOW), limit=LIMIT
    )
    return {ids[i]: rounded_similarity(score) for _, score, i in found}


def _rerank(text: str, rows) -> dict[int, float]:
    from crosscheck.rules import quote_similarity

    scored = {pk: quote_similarity(text, other) for pk, other in rows}
    return {pk: s for pk, s in scored.items() if s >= LOW}


def run_pg_trgm(text: str, query_norm: str) -> dict[int, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, norm FROM {NORM_TABLE} WHERE norm %% %s "
            "ORDER BY similarity(norm, %s) DESC, id LIMIT %s",
            [query_norm, query_norm, LIMIT],
        )
        return _rerank(text, cursor.fetchall())


def run_fts5(text: str, query_norm: str) -> dict[int, float]:
    from django.db import connection

    from crosscheck.index import FTS_TABLE, word_trigrams

    grams = sorted({g for word in word_trigrams(query_norm) for g in word})
    match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.text FROM {FTS_TABLE} f JOIN claims_attribution a "
            f"ON a.id = f.rowid WHERE {FTS_TABLE} MATCH %s AND a.kind <> 'unattributed' "
            "ORDER BY f.rank LIMIT %s",
            [match, LIMIT],
        )
        return _rerank(text, cursor.fetchall())


def run_index(text: str) -> tuple[dict[int, float], bool]:
    from crosscheck.index import similar_quotes

    found = similar_quotes(text, min_similarity=LOW)
    return {m.attribution_id: m.similarity for m in found}, bool(getattr(found, "cut", None))


# --- the run -------------------------------------------------------------------------------


def build_archive(database: str, size: int, seed: int) -> None:
    from claims.models import Attribution

    have = Attribution.objects.count()
    if have == 0:
        print(f"Building the archive of {size:,} attributions ...", flush=True)
        news_sentences.install(news_sentences.load())
        corpus.build(size, seed=seed)
    elif have < size or Attribution.objects.filter(id__gt=size).exists():
        raise SystemExit(f"{database} holds {have:,} attributions, not a {size:,} archive.")


def verify_reference(queries, ids, norms, count: int) -> None:
    """The in-memory scan finds what ``brute_force_similar_quotes`` (reading the table)
    does, with the same scores."""
    from crosscheck.index import brute_force_similar_quotes
    from crosscheck.rules import normalize_quote

    for query in queries[:count]:
        table = {
            m.attribution_id: m.similarity
            for m in brute_force_similar_quotes(query["text"], min_similarity=LOW)
        }
        memory = exact_scan(normalize_quote(query["text"]), ids, norms)
        if table != memory:
            raise SystemExit(f"the in-memory scan differs from the table scan on {query}")


SLOW = ("pg_trgm", "fts5", "extract")


def measure(queries, methods, ids, norms, slow_every: int = 1) -> dict:
    from django.db import connection

    from crosscheck.rules import normalize_quote

    runners = {
        "index": lambda q, n: run_index(q),
        "extract": lambda q, n: (run_extract(n, ids, norms), False),
        "cdist": lambda q, n: (exact_scan(n, ids, norms), False),
        "pg_trgm": lambda q, n: (run_pg_trgm(q, n), False),
        "fts5": lambda q, n: (run_fts5(q, n), False),
    }
    if "pg_trgm" in methods:
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.similarity_threshold = %s", [LOW / 100])
    times = {m: [] for m in methods}
    hits = {m: {"high": [0, 0], "low": [0, 0], "origin": [0, 0]} for m in methods}
    by_kind = {k: {"high": [0, 0], "low": [0, 0]} for k in KINDS}
    cut = 0
    for query in queries[:10]:  # unmeasured: statistics read, caches warm
        run_index(query["text"])
    for i, query in enumerate(queries):
        text = query["text"]
        norm = normalize_quote(text)
        answers = {}
        order = methods[i % len(methods) :] + methods[: i % len(methods)]
        if i % slow_every:
            order = [m for m in order if m not in SLOW]
        for method in order:
            t0 = time.perf_counter()
            answers[method], was_cut = runners[method](text, norm)
            times[method].append(time.perf_counter() - t0)
            if method == "index":
                cut += was_cut
        reference = answers["cdist"] if "cdist" in answers else exact_scan(norm, ids, norms)
        bands = {
            "high": {pk for pk, s in reference.items() if s >= HIGH},
            "low": {pk for pk, s in reference.items() if LOW <= s < HIGH},
        }
        for method in answers:
            if query["origin"] in reference:
                hits[method]["origin"][0] += query["origin"] in answers[method]
                hits[method]["origin"][1] += 1
            for band, wanted in bands.items():
                found = len(wanted & answers[method].keys())
                hits[method][band][0] += found
                hits[method][band][1] += len(wanted)
                if method == "index":
                    by_kind[query["kind"]][band][0] += found
                    by_kind[query["kind"]][band][1] += len(wanted)
        if (i + 1) % 100 == 0:
            print(f"  {i + 1} queries", flush=True)

    def recall(tally):
        return round(100 * tally[0] / tally[1], 2) if tally[1] else None

    result = {}
    for method in methods:
        result[method] = {
            "queries": len(times[method]),
            "median_ms": round(1000 * statistics.median(times[method]), 2),
            "p95_ms": round(1000 * corpus.percentile(times[method], 0.95), 2),
            "max_ms": round(1000 * max(times[method]), 1),
            "recall_high": recall(hits[method]["high"]),
            "recall_low": recall(hits[method]["low"]),
            "found_high": "{}/{}".format(*hits[method]["high"]),
            "found_low": "{}/{}".format(*hits[method]["low"]),
            # Of the queries whose planted origin scores 60 or more, how many found it.
            "origin_found": "{}/{}".format(*hits[method]["origin"]),
        }
    if "index" in methods:
        result["index"]["cut_queries"] = cut
        result["index"]["by_kind"] = {
            k: {"high": "{}/{}".format(*v["high"]), "low": "{}/{}".format(*v["low"])}
            for k, v in by_kind.items()
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="SQLite file or postgres:// URL")
    parser.add_argument("--size", default="100k", help="attributions: 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=corpus.SEED)
    parser.add_argument("--queries", type=int, default=700, help="planted near-duplicates")
    parser.add_argument(
        "--methods", default=None, help="comma-separated (default: all for the database)"
    )
    parser.add_argument(
        "--verify", type=int, default=2, help="queries checked against the table scan"
    )
    parser.add_argument(
        "--slow-every",
        type=int,
        default=1,
        metavar="N",
        help="run extract, pg_trgm and fts5 on every Nth query only (they take seconds at 1M)",
    )
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--out", default=None, help="append the result as a JSON line here")
    args = parser.parse_args()

    size = corpus.parse_size(args.size)
    corpus.configure(args.database)
    corpus.migrate()
    from django.db import connection

    build_archive(args.database, size, args.seed)
    vendor = connection.vendor
    t0 = time.perf_counter()
    ids, norms, texts = load_quotes()
    loaded = time.perf_counter() - t0
    if vendor == "postgresql":
        ensure_norm_table(ids, norms)
    if args.build_only:
        return
    default = ["index", "extract", "cdist", "pg_trgm" if vendor == "postgresql" else "fts5"]
    methods = args.methods.split(",") if args.methods else default
    queries = make_queries(random.Random(args.seed + 7), texts, args.queries)
    if args.verify:
        verify_reference(queries, ids, norms, args.verify)
    result: dict = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "database": vendor,
        "size": size,
        "quotes_in_memory": len(ids),
        "load_seconds": round(loaded, 1),
        "queries": len(queries),
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"{vendor} {size:,}: {len(queries)} queries, methods {', '.join(methods)}", flush=True)
    result["slow_every"] = args.slow_every
    result["methods"] = measure(queries, methods, ids, norms, args.slow_every)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result), flush=True)
    print("| method | queries | median / p95 ms | recall ≥90 | recall 60–90 | origin found |")
    for method, r in result["methods"].items():
        print(
            f"| {method} | {r['queries']} | {r['median_ms']} / {r['p95_ms']} | {r['recall_high']}% "
            f"({r['found_high']}) | {r['recall_low']}% ({r['found_low']}) | {r['origin_found']} |"
        )
    if args.out:
        with open(args.out, "a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
