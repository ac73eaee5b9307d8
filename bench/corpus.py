"""A synthetic archive for the cross-check benchmark: N attributions over N / 10 articles.

Everything it writes is INVENTED: outlets, people, organisations, articles and quotes are
made up (names are drawn from Faker's word lists, quotes are English words strung
together by their rough frequency), and the same seed always builds the same archive.

- Quotes: 6 to 30 words (news quotes are a sentence or two) drawn from a Zipf-like
  vocabulary of about 6,000 English words and forms, so that trigram frequencies are
  as uneven as in news text; some carry a figure ("at least 14 people were killed").
- Sources: named people shared across articles (a few quoted often, most rarely), some
  affiliated with organisations that also speak; anonymous sources belong to one article,
  some with a reason for anonymity and some without.
- Claims: most attributions are linked to a claim, each claim to a few attributions in
  different articles, some with figures that conflict.
- Planted near-duplicates: the same quote credited to another source in another article
  (misattribution, 2%), the same source's quote reworded in a later article (drift, 3%).

Rows go in with bulk inserts (COPY on PostgreSQL); history tables are left empty. The
quote index is dropped before the load and created again after it with the very
statements of migration ``claims/0003_quote_index`` (FTS5 table, vocabulary table and
triggers on SQLite; pg_trgm GIN index, extended statistics and ANALYZE on PostgreSQL), so
the archive ends up indexed exactly as a migrated database is. The database must be
migrated and empty.

As a command:  .venv/bin/python bench/corpus.py --database /tmp/bench-10k.sqlite3 --size 10k
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import itertools
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SEED = 20190313
ATTRIBUTIONS_PER_ARTICLE = 10
MISATTRIBUTION_SHARE = 0.02
DRIFT_SHARE = 0.03

# The commonest English words, most frequent first, to head the vocabulary.
FUNCTION_WORDS = (  # noqa: SIM905
    "the of and to a in that is was he for it with as his on be at by i this had not are "
    "but from or have an they which one you were her all she there would their we him been "
    "has when who will more no if out so said what up its about into than them can only "
    "other new some could time these two may then do first any my now such like our over "
    "man me even most made after also did many before must through back years where much "
    "your way well down should because each just those people how too little state good "
    "very make world still own see men work long get here between both life being under "
    "never day same another know while last might us great old year off come since against "
    "go came right used take three"
).split()
SUFFIXES = ("s", "ed", "ing", "er", "ly", "ment", "ers")
CUES = ("said", "told reporters", "said in a statement", "wrote", "added", "tweeted")
FIGURE_NOUNS = ("people", "civilians", "soldiers", "workers", "families", "homes", "vehicles")
FIGURE_VERBS = ("killed", "wounded", "evacuated", "arrested", "displaced", "detained")
ANONYMITY_REASONS = (
    "not authorized to speak to the media",
    "discussing internal deliberations",
    "fear of reprisals",
)
ROLES = ("spokesman", "spokeswoman", "commander", "minister", "mayor", "analyst", "official")
OUTLET_NAMES = ("Times", "Post", "Herald", "Wire")
ORGANIZATION_NAMES = ("Council", "Ministry", "Front", "Agency", "Party")
OUTLET_KINDS = ("wire_agency", "newspaper", "newspaper", "broadcaster", "online")


@dataclass
class Vocabulary:
    words: list[str]
    cum_weights: list[float]

    @classmethod
    def english(cls, rng: random.Random) -> Vocabulary:
        from faker.providers.lorem.en_US import Provider as Lorem
        from faker.providers.person.en_US import Provider as Person

        content = sorted(set(Lorem.word_list) - set(FUNCTION_WORDS))
        rng.shuffle(content)
        forms = [w + s for w in content for s in SUFFIXES if len(w) > 3]
        rng.shuffle(forms)
        names = list(Person.last_names)
        rng.shuffle(names)
        # Function words, then content words, then their inflected forms and proper names
        # interleaved: a long tail, as news text has.
        tail = [w for pair in itertools.zip_longest(forms, names) for w in pair if w]
        words = list(dict.fromkeys([*FUNCTION_WORDS, *content, *tail]))
        weights = itertools.accumulate(1 / rank for rank in range(1, len(words) + 1))
        return cls(words, list(weights))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def figure_phrase(rng: random.Random, n: int | None = None) -> str:
    n = n if n is not None else rng.randint(3, 400)
    noun, verb = rng.choice(FIGURE_NOUNS), rng.choice(FIGURE_VERBS)
    return rng.choice(
        (f"at least {n} {noun} were {verb}", f"{n} {noun} were {verb}", f"more than {n} {noun}")
    )


def sentence(rng: random.Random, vocabulary: Vocabulary, figure: str = "") -> str:
    words = vocabulary.sample(rng, rng.randint(6, 30))
    for i in range(2, len(words) - 2):
        if rng.random() < 0.07:
            words[i] += ","
    if figure:
        cut = rng.randint(3, len(words))
        words[cut:cut] = [figure + ","]
    text = " ".join(words).rstrip(",")
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?"))


MUTATIONS = ("replace", "insert", "delete", "swap", "punctuation", "typo")


def reworded(rng: random.Random, text: str, vocabulary: Vocabulary, edits: int) -> str:
    """``text`` with a few word edits, as quotes drift between articles."""
    words = text.split()
    for _ in range(edits):
        how = rng.choice(MUTATIONS)
        i = rng.randrange(len(words))
        if how == "replace":
            words[i] = vocabulary.sample(rng, 1)[0]
        elif how == "insert":
            words.insert(i, vocabulary.sample(rng, 1)[0])
        elif how == "delete" and len(words) > 6:
            del words[i]
        elif how == "swap" and i + 1 < len(words):
            words[i], words[i + 1] = words[i + 1], words[i]
        elif how == "punctuation":
            words[i] = words[i].strip(",.!?") + rng.choice((",", "", ";"))
        elif how == "typo" and len(words[i]) > 2:
            j = rng.randrange(len(words[i]))
            words[i] = words[i][:j] + rng.choice("abcdefghijklmnopqrstuvwxyz") + words[i][j + 1 :]
    return " ".join(words)


def copied(rng: random.Random, text: str) -> str:
    """``text`` as another outlet prints it: other quote marks, case or end punctuation."""
    how = rng.randrange(3)
    if how == 0:
        return text.rstrip(".!?") + rng.choice((".", "", "!"))
    if how == 1:
        return text[0].lower() + text[1:] if text[0].isupper() else text
    return text.replace(",", "", 1)


def parse_size(value: str) -> int:
    value = value.strip().lower().replace("_", "")
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if value.endswith(suffix):
            return int(float(value[:-1]) * factor)
    return int(value)


@dataclass
class Plan:
    """What was built, for the benchmark to sample from."""

    attributions: int = 0
    articles: int = 0
    sources: int = 0
    claims: int = 0
    misattributions: list[tuple[int, int]] = field(default_factory=list)
    drifts: list[tuple[int, int]] = field(default_factory=list)


# --- database ---------------------------------------------------------------------------


def configure(database: str) -> None:
    """Point Django's settings at ``database`` (a SQLite file path or a DATABASE_URL) and
    set Django up. Call before importing anything from the project."""
    url = database if "://" in database else f"sqlite:///{Path(database).resolve()}"
    os.environ["DATABASE_URL"] = url
    # DEBUG off: the debug cursor would add its own cost to every query timed.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    if url.startswith("postgres"):
        _create_pg_database(url)
    import django

    django.setup()


def _create_pg_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not (name.startswith("bench_") or "_bench_" in name):
        raise SystemExit("Benchmark PostgreSQL databases must be named bench_* or *_bench_*.")
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_archive(size: int, *, seed: int = SEED, log=print, extra_rows: bool = False) -> None:
    """Migrate, then build the invented archive of ``size`` attributions if the database
    has none, or check that it holds that archive (``extra_rows``: a benchmark that adds
    attributions of its own after the archive's ``size``). Refuses another size."""
    from claims.models import Attribution

    migrate()
    rows = Attribution.objects.all()
    have = (rows.filter(id__lte=size) if extra_rows else rows).count()
    if have == 0:
        log(f"Building the invented archive of {size:,} attributions ...")
        build(size, seed=seed, log=log)
    elif have != size:
        raise SystemExit(f"The database holds {have:,} attributions, not a {size:,} corpus.")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, interpolated; NaN for none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _quote_index_migration():
    return importlib.import_module("claims.migrations.0003_quote_index")


def _defaults(table: str, columns: Sequence[str]) -> tuple[list[str], tuple]:
    """The model's other columns and their defaults, so that a field added later (with
    its default, as its migration gives existing rows) does not break the load."""
    from django.apps import apps
    from django.db import connection

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra = [f for f in model._meta.concrete_fields if f.column not in columns]
    return [f.column for f in extra], tuple(
        f.get_db_prep_save(f.get_default(), connection) for f in extra
    )


def _insert(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    from django.db import connection

    extra_columns, defaults = _defaults(table, columns)
    if extra_columns:
        columns = (*columns, *extra_columns)
        rows = (tuple(row) + defaults for row in rows)
    cols = ", ".join(f'"{c}"' for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(rows))


ARTICLE_COLUMNS = (
    *("id", "created_at", "updated_at", "headline", "url", "byline", "published_at"),
    *("last_updated_at", "dateline", "language", "body", "status", "notes"),
    *("origin_outlet_id", "outlet_id", "content_hash"),
)
SOURCE_COLUMNS = (
    *("id", "created_at", "updated_at", "kind", "name", "description", "role", "platform"),
    *("handle", "anonymity_reason", "notes", "article_id", "affiliation_id", "owner_id"),
)
ATTRIBUTION_COLUMNS = (
    *("id", "created_at", "updated_at", "start", "end", "text", "anchor_status", "kind"),
    *("stance", "speaker_mention", "cue", "channel", "said_on", "said_when_text"),
    *("is_suggested", "is_reviewed", "reviewed_at", "note", "article_id", "recipient_id"),
    *("reviewed_by_id", "source_id", "claim_id"),
)


def build(size: int, *, seed: int = SEED, log=print) -> Plan:
    """Fill the (migrated, empty) default database with ``size`` invented attributions."""
    from django.db import connection, transaction

    from articles.models import body_hash
    from claims.models import Attribution

    if Attribution.objects.exists():
        raise SystemExit("The database already holds attributions; build into an empty one.")
    rng = random.Random(seed)
    vocabulary = Vocabulary.english(rng)
    from faker.providers.person.en_US import Provider as Person

    first_names, last_names = list(Person.first_names), list(Person.last_names)
    plan = Plan(attributions=size)
    migration = _quote_index_migration()
    vendor = connection.vendor
    started = time.monotonic()
    stamp = connection.ops.adapt_datetimefield_value
    day = connection.ops.adapt_datefield_value
    now = stamp(datetime(2026, 11, 1, tzinfo=UTC))
    epoch = datetime(2026, 11, 1, tzinfo=UTC)

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in {"sqlite": migration.SQLITE_DROP, "postgresql": migration.PG_DROP}[vendor]:
            cursor.execute(statement)

        # Outlets.
        outlets = max(20, size // 5_000)
        rows = [
            (
                i,
                now,
                now,
                f"The {rng.choice(last_names)} {rng.choice(OUTLET_NAMES)} {i}",
                OUTLET_KINDS[i % len(OUTLET_KINDS)],
                f"outlet{i}.example",
            )
            for i in range(1, outlets + 1)
        ]
        _insert(
            cursor,
            "sources_outlet",
            ("id", "created_at", "updated_at", "name", "kind", "domain"),
            rows,
        )

        # Named sources (organisations first, then people), shared across articles.
        organizations = max(10, size // 500)
        people = max(100, size // 20)
        source_rows = []
        for i in range(1, organizations + 1):
            name = f"{rng.choice(last_names)} {rng.choice(ORGANIZATION_NAMES)} {i}"
            source_rows.append(
                (i, now, now, "organization", name, "", "", "", "", "", "", None, None, None)
            )
        for i in range(organizations + 1, organizations + people + 1):
            name = f"{rng.choice(first_names)} {rng.choice(last_names)}"
            affiliation = rng.randint(1, organizations) if rng.random() < 0.3 else None
            source_rows.append(
                (
                    i,
                    now,
                    now,
                    "person",
                    name,
                    "",
                    rng.choice(ROLES),
                    "",
                    "",
                    "",
                    "",
                    None,
                    affiliation,
                    None,
                )
            )
        _insert(cursor, "sources_source", SOURCE_COLUMNS, source_rows)
        named = [r[0] for r in source_rows]
        # Popularity: a few are quoted often, most rarely.
        popularity = list(itertools.accumulate(1 / r**0.8 for r in range(1, len(named) + 1)))
        rng.shuffle(named)
        next_source = len(source_rows) + 1
        del source_rows

        claims = 0
        open_claims: list[int] = []
        claim_size: dict[int, int] = {}
        claim_figure: dict[int, int | None] = {}
        # Recent sourced quotes to copy or reword: (id, text, source id, article id, kind).
        recent: list[tuple[int, str, int, int, str]] = []
        attribution_id = 0
        article_id = 0
        claim_rows: list[tuple] = []
        article_rows: list[tuple] = []
        anonymous_rows: list[tuple] = []
        attribution_rows: list[tuple] = []

        def flush() -> None:
            _insert(cursor, "sources_article", ARTICLE_COLUMNS, article_rows)
            _insert(cursor, "sources_source", SOURCE_COLUMNS, anonymous_rows)
            _insert(
                cursor,
                "claims_claim",
                ("id", "created_at", "updated_at", "text", "event_date", "status", "notes"),
                claim_rows,
            )
            _insert(cursor, "claims_attribution", ATTRIBUTION_COLUMNS, attribution_rows)
            for rows in (article_rows, anonymous_rows, claim_rows, attribution_rows):
                rows.clear()

        while attribution_id < size:
            article_id += 1
            published = epoch - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 6))
            outlet = rng.randint(1, outlets)
            count = min(size - attribution_id, rng.randint(5, 15))
            anonymous: list[int] = []
            paragraphs: list[str] = []
            offset = 0
            for _ in range(count):
                attribution_id += 1
                roll = rng.random()
                kind = (
                    "unattributed"
                    if roll < 0.08
                    else "direct"
                    if roll < 0.63
                    else "indirect"
                    if roll < 0.93
                    else "mixed"
                )
                source = None
                claim = None
                figure = None
                plant = rng.random()
                others = recent[-2000:] if plant < MISATTRIBUTION_SHARE + DRIFT_SHARE else []
                if kind != "unattributed" and others and plant < MISATTRIBUTION_SHARE:
                    original = rng.choice(others)
                    if original[3] != article_id:
                        text = copied(rng, original[1])
                        pick = bisect.bisect_left(popularity, rng.random() * popularity[-1])
                        source = named[pick]
                        if source == original[2]:
                            source = named[(pick + 1) % len(named)]
                        plan.misattributions.append((original[0], attribution_id))
                    else:
                        text = sentence(rng, vocabulary)
                elif kind != "unattributed" and others:
                    original = rng.choice(others)
                    if original[3] != article_id and original[4] == "direct":
                        kind = "direct"
                        text = reworded(rng, original[1], vocabulary, rng.randint(1, 3))
                        source = original[2]
                        plan.drifts.append((original[0], attribution_id))
                    else:
                        text = sentence(rng, vocabulary)
                else:
                    if rng.random() < 0.7 and kind != "unattributed":
                        if open_claims and rng.random() < 0.65:
                            claim = rng.choice(open_claims[-500:])
                        else:
                            claims += 1
                            claim = claims
                            figure_value = rng.randint(3, 300) if rng.random() < 0.3 else None
                            claim_figure[claim] = figure_value
                            claim_rows.append(
                                (
                                    claim,
                                    now,
                                    now,
                                    " ".join(vocabulary.sample(rng, 8)).capitalize(),
                                    day(published.date()),
                                    "unsupported",
                                    "",
                                )
                            )
                            open_claims.append(claim)
                        claim_size[claim] = claim_size.get(claim, 0) + 1
                        if claim_size[claim] >= 6:
                            open_claims.remove(claim)
                        value = claim_figure.get(claim)
                        if value is not None:
                            # One in five tells a figure that conflicts with the others'.
                            figure = figure_phrase(
                                rng, value if rng.random() < 0.8 else value + rng.randint(5, 50)
                            )
                    text = sentence(rng, vocabulary, figure or "")
                if kind != "unattributed" and source is None:
                    if rng.random() < 0.12:
                        if not anonymous or (len(anonymous) < 2 and rng.random() < 0.3):
                            reason = rng.choice(ANONYMITY_REASONS) if rng.random() < 0.6 else ""
                            anonymous_rows.append(
                                (
                                    next_source,
                                    now,
                                    now,
                                    "anonymous",
                                    "",
                                    f"a senior {rng.choice(ROLES)}",
                                    "",
                                    "",
                                    "",
                                    reason,
                                    "",
                                    article_id,
                                    None,
                                    None,
                                )
                            )
                            anonymous.append(next_source)
                            next_source += 1
                        source = rng.choice(anonymous)
                    else:
                        source = named[
                            bisect.bisect_left(popularity, rng.random() * popularity[-1])
                        ]
                if kind == "direct":
                    prefix, suffix = "“", f",” {rng.choice(CUES)} the speaker."
                elif kind == "unattributed":
                    prefix, suffix = "", ""
                else:
                    prefix, suffix = "The speaker said that ", ""
                start = offset + len(prefix)
                end = start + len(text)
                paragraphs.append(prefix + text + suffix)
                offset += len(paragraphs[-1]) + 2
                said_on = day((published - timedelta(days=rng.randint(0, 2))).date())
                attribution_rows.append(
                    (
                        attribution_id,
                        now,
                        now,
                        start,
                        end,
                        text,
                        "anchored",
                        kind,
                        "asserts",
                        "",
                        "said" if source else "",
                        "unknown",
                        said_on if source else None,
                        "",
                        False,
                        True,
                        None,
                        "",
                        article_id,
                        None,
                        None,
                        source,
                        claim,
                    )
                )
                if source is not None and kind != "unattributed":
                    recent.append((attribution_id, text, source, article_id, kind))
            if len(recent) > 20_000:
                del recent[:10_000]
            body = "\n\n".join(paragraphs)
            article_rows.append(
                (
                    article_id,
                    now,
                    now,
                    " ".join(vocabulary.sample(rng, 7)).capitalize(),
                    f"https://outlet{outlet}.example/{article_id}",
                    "Staff",
                    stamp(published),
                    None,
                    "",
                    "en",
                    body,
                    "annotated",
                    "",
                    None,
                    outlet,
                    body_hash(body),
                )
            )
            if len(article_rows) >= 2_000:
                flush()
                log(f"  {attribution_id:,} attributions ({time.monotonic() - started:.0f} s)")
        flush()
        plan.articles, plan.claims, plan.sources = article_id, claims, next_source - 1
        if vendor == "postgresql":
            for table in (
                "sources_outlet",
                "sources_article",
                "sources_source",
                "claims_claim",
                "claims_attribution",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            # The foreign keys are checked now: an index cannot be built with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        log(f"  rows loaded ({time.monotonic() - started:.0f} s); building the quote index")
        for statement in {"sqlite": migration.SQLITE_CREATE, "postgresql": migration.PG_CREATE}[
            vendor
        ]:
            cursor.execute(statement)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"  built in {time.monotonic() - started:.0f} s")
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", required=True, help="SQLite file or postgres:// URL (bench_*)"
    )
    parser.add_argument("--size", default="10k", help="attributions: 10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    configure(args.database)
    migrate()
    plan = build(parse_size(args.size), seed=args.seed)
    print(
        f"{plan.attributions:,} attributions, {plan.articles:,} articles, {plan.sources:,} "
        f"sources, {plan.claims:,} claims; planted {len(plan.misattributions):,} "
        f"misattributions and {len(plan.drifts):,} drifts"
    )


if __name__ == "__main__":
    main()
