"""The PostgreSQL back end of the quote index: candidates from the pg_trgm GIN index, searched
for word groups (or rare trigrams), with ANALYZE's trigram statistics to pick them."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.backends.utils import CursorWrapper

from crosscheck.index.query import _TABLE, _UNATTRIBUTED, _filters, _Search
from crosscheck.index.terms import (
    GROUP_SIMILARITY_ROWS,
    MAX_CANDIDATE_ROWS,
    MIN_WORDS,
    WordGroup,
    pick_terms,
    word_groups,
)

PG_INDEX = "claims_attribution_text_trgm"
PG_STATISTICS = "claims_attribution_text_trgm_stats"


@dataclass(frozen=True)
class _TrigramStatistics:
    """How many rows hold each common trigram, as ANALYZE last estimated it."""

    table_rows: float
    frequencies: Mapping[str, float]  # share of rows holding the trigram
    rarest_listed: float  # trigrams not listed are in fewer rows than this share
    read_at: float

    def rows_with(self, grams: Iterable[str]) -> dict[str, float]:
        # An unlisted trigram is given half the rarest listed share; with no statistics
        # every trigram looks equally rare, which is slower but finds the same.
        unlisted = self.rarest_listed / 2
        return {g: self.table_rows * self.frequencies.get(g, unlisted) for g in grams}


# Statistics read per database; read again after the table's row count changed (as
# ANALYZE records it) or after this many seconds.
_PG_STATISTICS_MAX_AGE = 600.0
_pg_statistics: dict[tuple[str, float], _TrigramStatistics] = {}


def _pg_trigram_statistics(cursor: CursorWrapper) -> _TrigramStatistics:
    """The element frequencies that ANALYZE keeps for the ``show_trgm(text)`` statistics
    (none when never analysed, or for a role that does not own the table, as
    ``pg_stats_ext_exprs`` shows only its owner's). Reading them costs a few ms, looking
    them up in SQL far more, so they are kept in the process."""
    cursor.execute(f"SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = '{_TABLE}'::regclass")
    key = (connection.settings_dict["NAME"], float(cursor.fetchone()[0]))
    cached = _pg_statistics.get(key)
    if cached is not None and time.monotonic() - cached.read_at < _PG_STATISTICS_MAX_AGE:
        return cached
    cursor.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs "
        "FROM pg_stats_ext_exprs WHERE statistics_name = %s "
        "AND statistics_schemaname = current_schema() AND tablename = %s",
        [PG_STATISTICS, _TABLE],
    )
    row = cursor.fetchone()
    elems, freqs = row if row and row[0] else ([], [])
    # After the frequencies of the listed elements come the lowest and highest of them,
    # and the share of rows with no elements.
    stats = _TrigramStatistics(
        table_rows=key[1],
        frequencies=dict(zip(elems, freqs, strict=False)),
        rarest_listed=float(freqs[len(elems)]) if elems else 0.0,
        read_at=time.monotonic(),
    )
    _pg_statistics.clear()  # one entry per process is enough; the old one is stale
    _pg_statistics[key] = stats
    return stats


def _pg_candidates(search: _Search) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        stats = _pg_trigram_statistics(cursor)
        groups = word_groups(search.text, stats.rows_with, table_rows=stats.table_rows)
        if len(groups) >= 2:
            return _pg_group_candidates(cursor, search, groups)
        return _pg_trigram_candidates(cursor, search, stats)


def _pg_group_candidates(
    cursor: CursorWrapper, search: _Search, groups: Sequence[WordGroup]
) -> list[tuple[int, str]]:
    """Rows matching any group (every trigram standing for its words), those matching
    the most groups first."""
    where, params = _filters(search.exclude_ids, search.article_ids)
    by_length, length_params = search.order_by_length("length(text)")
    conditions, condition_params = [], []
    for group in groups:
        conditions.append("(" + " AND ".join(["text ILIKE %s"] * len(group.grams)) + ")")
        # Trigrams are letters and digits: nothing in them is a LIKE wildcard.
        condition_params += [f"%{gram}%" for gram in group.grams]
    matched = " + ".join(f"{c}::int" for c in conditions)
    # When the groups are common (a quote of common words), the rows matching as many
    # groups are many, and pg_trgm's similarity() to the whole quote breaks the tie.
    similarity, similarity_params = "", []
    if sum(g.rows for g in groups) > GROUP_SIMILARITY_ROWS:
        similarity, similarity_params = "similarity(text, %s) DESC, ", [search.text]
    # The condition on kind is written out, not bound, so that the planner sees it
    # implies the partial index's predicate.
    cursor.execute(
        f"SELECT id, text FROM {_TABLE} "
        f"WHERE kind <> '{_UNATTRIBUTED}' AND ({' OR '.join(conditions)}){where} "
        f"ORDER BY {matched} DESC, {by_length}, {similarity}id LIMIT %s",
        [
            *condition_params,
            *params,
            *condition_params,
            *length_params,
            *similarity_params,
            search.limit,
        ],
    )
    return cursor.fetchall()


def _pg_trigram_candidates(
    cursor: CursorWrapper, search: _Search, stats: _TrigramStatistics
) -> list[tuple[int, str]]:
    """Rows holding any of the query's rarest trigrams, likeliest first by similarity():
    for quotes with fewer than two words of three letters or more."""
    grams = sorted({g for word in search.words for g in word})
    where, params = _filters(search.exclude_ids, search.article_ids)
    by_length, length_params = search.order_by_length("length(text)")
    terms = pick_terms(
        search.words,
        stats.rows_with(grams),
        max_rows=MAX_CANDIDATE_ROWS["postgresql"],
        min_words=MIN_WORDS,
    )
    # One case-insensitive alternation: pg_trgm turns it into an OR of index scans, and
    # the re-check runs one regular expression per row rather than one ILIKE per trigram
    # (two to four times faster). Trigrams are letters, digits and spaces, so nothing in
    # them needs escaping.
    cursor.execute(
        f"SELECT id, text FROM {_TABLE} "
        f"WHERE kind <> '{_UNATTRIBUTED}' AND text ~* %s{where} "
        f"ORDER BY {by_length}, similarity(text, %s) DESC, id LIMIT %s",
        ["(" + "|".join(terms) + ")", *params, *length_params, search.text, search.limit],
    )
    return cursor.fetchall()
