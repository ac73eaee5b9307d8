"""The PostgreSQL back end of the quote index: candidates from the pg_trgm GIN index, searched
for word groups (or rare trigrams), with ANALYZE's trigram statistics to pick them."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
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

# A trigram in more than this share of the rows is not looked up in the GIN index (see
# index_grams): reading its posting list ("the": most rows) cost more than the rest of
# the query, and it narrows the rows little.
PG_COMMON_TRIGRAM_SHARE = 0.5

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


def _pg_candidates(search: _Search) -> tuple[list[tuple[int, str]], CandidateCut | None]:
    with connection.cursor() as cursor:
        stats = _pg_trigram_statistics(cursor)
        groups = word_groups(search.text, stats.rows_with, table_rows=stats.table_rows)
        if len(groups) >= 2:
            shares = {
                g: rows / max(stats.table_rows, 1.0)
                for g, rows in stats.rows_with({g for group in groups for g in group.grams}).items()
            }
            rows, ranked = _pg_group_candidates(cursor, search, groups, shares, stats.table_rows)
            return rows, CandidateCut.of(groups.too_common, ranked)
        return _pg_trigram_candidates(cursor, search, stats)


def _pg_group_candidates(
    cursor: CursorWrapper,
    search: _Search,
    groups: Sequence[WordGroup],
    shares: Mapping[str, float],
    table_rows: float,
) -> tuple[list[tuple[int, str]], int | None]:
    """Rows matching any group (every trigram standing for its words), those matching
    the most groups first; and, when more than ``MAX_RANKED_ROWS`` rows held a group's
    rarer trigrams, how many were ranked (see ``_read_in_tiers``: a ``LIMIT`` bounds the
    rows read, whatever the estimates said). ``shares``: the share of the table's
    ``table_rows`` rows holding each trigram."""
    where, params = _filters(search.exclude_ids, search.article_ids)

    def fetch(some: Sequence[WordGroup], limit: int) -> list[tuple[int, str]]:
        conditions, condition_params = [], []
        for group in some:
            grams = index_grams(group, shares, table_rows, max_share=PG_COMMON_TRIGRAM_SHARE)
            conditions.append("(" + " AND ".join(["text ILIKE %s"] * len(grams)) + ")")
            # Trigrams are letters and digits: nothing in them is a LIKE wildcard.
            condition_params += [f"%{gram}%" for gram in grams]
        # Read unordered and ordered in Python (Search.order_by_groups). The condition on
        # kind is written out, not bound, so that the planner sees it implies the partial
        # index's predicate.
        cursor.execute(
            f"SELECT id, text FROM {_TABLE} "
            f"WHERE kind <> '{_UNATTRIBUTED}' AND ({' OR '.join(conditions)}){where} LIMIT %s",
            [*condition_params, *params, limit],
        )
        return cursor.fetchall()

    rows, cut = _read_in_tiers(groups, fetch, MAX_RANKED_ROWS["postgresql"])
    return search.order_by_groups(rows, groups, whole=True), cut


def _pg_trigram_candidates(
    cursor: CursorWrapper, search: _Search, stats: _TrigramStatistics
) -> tuple[list[tuple[int, str]], CandidateCut | None]:
    """Rows holding any of the query's rarest trigrams, likeliest first by similarity():
    for quotes with no two groups of words to search for (see :func:`bounded_terms`)."""
    grams = sorted({g for word in search.words for g in word})
    where, params = _filters(search.exclude_ids, search.article_ids)
    by_length, length_params = search.order_by_length("length(text)")
    terms, too_common = bounded_terms(
        search.text,
        search.words,
        stats.rows_with(grams),
        max_rows=MAX_CANDIDATE_ROWS["postgresql"],
        min_words=MIN_WORDS,
    )
    cut = CandidateCut.of(too_common)
    if not terms:
        return [], cut
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
    return cursor.fetchall(), cut
