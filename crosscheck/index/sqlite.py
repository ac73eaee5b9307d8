"""The SQLite back end of the quote index: candidates from the FTS5 trigram table, searched
for word groups (or rare trigrams) counted in its fts5vocab table, and the index put back
when a table remake dropped it."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from crosscheck.index.query import (
    _TABLE,
    _UNATTRIBUTED,
    CandidateCut,
    _filters,
    _read_in_tiers,
    _Search,
)
from crosscheck.index.terms import (
    MAX_CANDIDATE_ROWS,
    MAX_RANKED_ROWS,
    MIN_WORDS,
    WordGroup,
    bounded_terms,
    index_grams,
    word_groups,
)

# The package's logger, as when the index was one module.
logger = logging.getLogger("crosscheck.index")

FTS_TABLE = "claims_attribution_quote_fts"
FTS_VOCAB = "claims_attribution_quote_fts_vocab"
FTS_TRIGGERS = (
    "claims_attribution_quote_fts_ai",
    "claims_attribution_quote_fts_ad",
    "claims_attribution_quote_fts_au",
)

# A trigram in more than this share of the rows is not looked up in the FTS5 index (see
# index_grams): FTS5 reads the whole list of rows of every trigram in the query.
SQLITE_COMMON_TRIGRAM_SHARE = 0.05


# The index as migration 0003 creates it, kept here too so that it can be put back: a later
# migration that remakes claims_attribution on SQLite (new table, copy, drop, rename) drops
# the table's triggers with it. See ensure_sqlite_quote_index.
SQLITE_INDEX_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"text, content='{_TABLE}', content_rowid='id', tokenize='trigram')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_VOCAB} USING fts5vocab({FTS_TABLE}, row)",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TRIGGERS[0]} AFTER INSERT ON {_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TRIGGERS[1]} AFTER DELETE ON {_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TRIGGERS[2]} AFTER UPDATE ON {_TABLE} "
    "WHEN old.text IS NOT new.text OR old.id IS NOT new.id BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
)
SQLITE_REBUILD_SQL = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"


def ensure_sqlite_quote_index() -> bool:
    """Create whatever part of the SQLite quote index is missing and rebuild it from the
    table; returns whether anything was missing. A no-op on other backends.

    The index is not part of Django's model state, so a later migration that remakes
    ``claims_attribution`` on SQLite drops its triggers without a word, and the index
    would fall behind. Every candidate query checks for them first (one read of
    ``sqlite_master``) and puts them back.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if _sqlite_index_complete(cursor):
            return False
    # Only now a transaction: with transaction_mode IMMEDIATE it takes the write lock.
    with transaction.atomic(), connection.cursor() as cursor:
        if _sqlite_index_complete(cursor):
            return False
        logger.warning("The SQLite quote index was incomplete; recreating and rebuilding it.")
        for statement in SQLITE_INDEX_SQL:
            cursor.execute(statement)
        cursor.execute(SQLITE_REBUILD_SQL)
    return True


def _sqlite_index_complete(cursor: CursorWrapper) -> bool:
    names = (FTS_TABLE, FTS_VOCAB, *FTS_TRIGGERS)
    cursor.execute(
        f"SELECT count(*) FROM sqlite_master WHERE name IN ({', '.join(['%s'] * len(names))})",
        list(names),
    )
    return cursor.fetchone()[0] == len(names)


# fts5vocab counts a trigram's rows by reading its whole list of rows, so looking up the
# commonest ones costs most of a query on a large archive (about 1.3 s for a 20-word quote
# on 1,000,000 quotes). Their counts are kept in the process for this long: they change
# little, and only rank the trigrams. Rarer ones are cheap to count and always read.
_SQLITE_VOCAB_MAX_AGE = 600.0
SQLITE_COMMON_ROWS = 5_000
_sqlite_common: dict[str, tuple[float, dict[str, int]]] = {}


def _sqlite_rows_with(cursor: CursorWrapper, grams: Sequence[str]) -> dict[str, int]:
    """How many rows hold each of ``grams`` (those in none are left out)."""
    name = str(connection.settings_dict["NAME"])
    # No entry yet counts as expired (the monotonic clock may start near zero at boot).
    read_at, common = _sqlite_common.get(name, (-math.inf, {}))
    if time.monotonic() - read_at > _SQLITE_VOCAB_MAX_AGE:
        read_at, common = time.monotonic(), {}
        _sqlite_common.clear()
        _sqlite_common[name] = (read_at, common)
    rows_with = {g: common[g] for g in grams if g in common}
    wanted = [g for g in grams if g not in common]
    if wanted:
        cursor.execute(
            f"SELECT term, doc FROM {FTS_VOCAB} WHERE term IN ({', '.join(['%s'] * len(wanted))})",
            wanted,
        )
        for term, rows in cursor.fetchall():
            rows_with[term] = rows
            if rows >= SQLITE_COMMON_ROWS:
                common[term] = rows
    return rows_with


def _fts_string(term: str) -> str:
    """A term as an FTS5 string: quoted, so that operators and punctuation are text."""
    return '"' + term.replace('"', '""') + '"'


def _sqlite_candidates(search: _Search) -> tuple[list[tuple[int, str]], CandidateCut | None]:
    ensure_sqlite_quote_index()
    with connection.cursor() as cursor:
        # The largest id stands for the row count: exact enough, and read from the end
        # of the table's b-tree rather than by counting.
        cursor.execute(f"SELECT max(id) FROM {_TABLE}")
        table_rows = float(cursor.fetchone()[0] or 0)
        # One read of the counts serves both searches: the words' trigrams are among
        # those of search.words (which adds the words' edges).
        rows_with = _sqlite_rows_with(cursor, sorted({g for word in search.words for g in word}))
        groups = word_groups(search.text, lambda _: rows_with, table_rows=table_rows, exact=True)
        if len(groups) >= 2:
            rows, ranked = _sqlite_group_candidates(cursor, search, groups, rows_with, table_rows)
            return rows, CandidateCut.of(groups.too_common, ranked)
        return _sqlite_trigram_candidates(cursor, search, rows_with)


def _sqlite_group_candidates(
    cursor: CursorWrapper,
    search: _Search,
    groups: Sequence[WordGroup],
    rows_with: Mapping[str, int],
    table_rows: float,
) -> tuple[list[tuple[int, str]], int | None]:
    """Rows matching any group (an FTS5 AND of a group's rarer trigrams, see
    :func:`index_grams`; OR between groups), those matching the most groups first; and,
    when more than ``MAX_RANKED_ROWS`` rows matched, how many were ranked (see
    ``_read_in_tiers``).

    The rows are read unordered and ordered here by the groups each holds: bm25's
    ranking would read every trigram's whole row list, the commonest included, to weigh
    them (three times slower at 1M, and without bound for a quote of common words)."""
    where, params = _filters(search.exclude_ids, search.article_ids, alias="a")
    shares = {g: n / max(table_rows, 1.0) for g, n in rows_with.items()}

    def fetch(some: Sequence[WordGroup], limit: int) -> list[tuple[int, str]]:
        match = " OR ".join(
            "("
            + " AND ".join(
                _fts_string(g)
                for g in index_grams(
                    group, shares, table_rows, max_share=SQLITE_COMMON_TRIGRAM_SHARE
                )
            )
            + ")"
            for group in some
        )
        # Joined back to the table for kind and the filters: the FTS index covers every
        # row, unattributed ones included (an external-content index cannot be partial).
        cursor.execute(
            f"SELECT a.id, a.text FROM {FTS_TABLE} f JOIN {_TABLE} a ON a.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND a.kind <> %s{where} LIMIT %s",
            [match, _UNATTRIBUTED, *params, limit],
        )
        return cursor.fetchall()

    rows, cut = _read_in_tiers(groups, fetch, MAX_RANKED_ROWS["sqlite"])
    return search.order_by_groups(rows, groups, whole=True), cut


def _sqlite_trigram_candidates(
    cursor: CursorWrapper, search: _Search, rows_with: Mapping[str, int]
) -> tuple[list[tuple[int, str]], CandidateCut | None]:
    """Rows holding any of the query's rarest trigrams (see :func:`bounded_terms`), best
    ranked first by bm25: for quotes with no two groups of words to search for.
    ``rows_with``: the rows holding each of the query's trigrams."""
    # A trigram in no row cannot find anything (the counts are exact here, but for
    # the commonest trigrams, which are remembered for a while).
    present = [[g for g in word if g in rows_with] for word in search.words]
    terms, too_common = bounded_terms(
        search.text,
        present,
        rows_with,
        max_rows=MAX_CANDIDATE_ROWS["sqlite"],
        min_words=MIN_WORDS,
    )
    cut = CandidateCut.of(too_common)
    if not terms:
        return [], cut
    where, params = _filters(search.exclude_ids, search.article_ids, alias="a")
    by_length, length_params = search.order_by_length("length(a.text)")
    cursor.execute(
        f"SELECT a.id, a.text FROM {FTS_TABLE} f JOIN {_TABLE} a ON a.id = f.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND a.kind <> %s{where} "
        f"ORDER BY {by_length}, f.rank, a.id LIMIT %s",
        [
            " OR ".join(_fts_string(t) for t in terms),
            _UNATTRIBUTED,
            *params,
            *length_params,
            search.limit,
        ],
    )
    return cursor.fetchall(), cut
