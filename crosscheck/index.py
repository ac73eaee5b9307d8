"""Near-duplicate quotes found through a database index, then re-ranked exactly.

Comparing a quote with every quote in the archive grows with the archive, so candidates
come from a trigram index instead, and only those (at most ``limit``, 300 by default) are
scored with :func:`crosscheck.rules.quote_similarity`, the score the rules use.

The candidates come from one query on each backend, at most ``limit`` of them, rows of a
length that cannot reach the minimum similarity last:

- PostgreSQL: a GIN ``gin_trgm_ops`` index on ``claims_attribution.text``, partial on
  ``kind <> 'unattributed'``. The query's words are put in disjoint groups that are rare
  together (:func:`word_groups`: a rare word alone, a commoner one with the commonest
  words until the group is expected in about 30 rows), and a row is a candidate when it
  holds every trigram standing for one group's words (``text ILIKE '%abc%' AND ...``, an
  AND of a few rare trigrams, which GIN answers from their short posting lists). Rows
  matching most groups come first. The groups share no word, so a copy with fewer words
  changed than there are groups matches at least one of them whole. How common each
  trigram is comes from extended statistics on ``show_trgm(text)``, which ANALYZE (and
  autovacuum) keep up. A quote with fewer than two words of three letters or more is
  searched by its rarest trigrams instead (``text ~* '(abc|bcd| ab)'``, ordered by
  pg_trgm's ``similarity()``).
- SQLite: an FTS5 table with the trigram tokenizer over the same column (external
  content, kept in step by triggers), searched for the same word groups (an FTS5 ``AND``
  of a group's trigrams, ``OR`` between groups), ordered by ``bm25``. How common each
  trigram is comes from an ``fts5vocab`` table over it, exactly, so words in no row are
  left out of the groups. A quote with fewer than two words to group is searched by an
  OR of its rarest trigrams, taken spread over its words so that the rows read stay
  within a budget (:data:`MAX_CANDIDATE_ROWS`; see :func:`pick_terms`).

Why not an OR of single trigrams on PostgreSQL too: each row read costs 15-20 µs there
(heap fetch, re-check, ``similarity()``), and on an archive of a million quotes of
common words even a quote's rarest trigrams are each in thousands of rows (a median of
397 ms a query at 1M, against 21.5 ms for the word groups; see BENCHMARKS.md). On SQLite
an OR of single trigrams was fast enough (62 ms at 1M), but its budget left quotes of
common words with too few trigrams: in one benchmark query, three for 21 words, and the
edited copy (98% alike) was not among the candidates. Why not
pg_trgm's ``%`` operator: for quotes that score 60 to stay candidates, its threshold must
be about 0.15. (Measured on 60,000 invented near-duplicate pairs with up to three stacked
edits: the lowest trigram similarity of a pair scoring 60 or more was 0.167; 70 or more,
0.25; 90 or more, 0.48.) At that threshold nearly every row shares enough common
trigrams ("  t", " th", "the") to pass the index, and pg_trgm re-checks each one: a
median of 1 s a query on 100,000 rows (0.8 s at 0.2, 0.28 s at 0.25).

What it finds, measured on invented quotes: every copy scoring 90 or more, and nearly all
of those scoring 60-90 (changed, added or dropped words, typos, punctuation, quote marks,
case, reordered clauses); what it misses are short quotes of the commonest words with
several edits. Unrelated quotes that score 60-70 by chance, sharing a few common words,
are mostly not found: each competes for the limit with every row holding those words. On
the few thousand quotes of ``tests/crosscheck/test_quote_index.py`` both backends find every
copy and every match of 70 or more that the full scan finds.

Quotes shorter than ``MIN_QUOTE_WORDS`` words are never matched, on either side: the
rules ignore them (such phrases are too common to say who said them first), and three
common words would draw a large part of the archive as candidates.

A recomputation of the whole archive needs no query per quote: :func:`archive_pairs`
pairs the archive's near-identical quotes, and each speaker's reworded ones, in one pass
in memory (prefix filtering on word pairs, then the same exact score).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import multiprocessing
import re
import time
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db import NotSupportedError, connection, transaction
from django.db.backends.utils import CursorWrapper
from rapidfuzz import fuzz, process

from crosscheck.rules import (
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    AttributionKind,
    normalize_quote,
    quote_similarity,
)

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_CANDIDATE_ROWS",
    "MAX_TERMS",
    "MIN_WORDS",
    "TERMS_PER_WORD",
    "ArchiveQuote",
    "QuoteMatch",
    "WordGroup",
    "archive_pairs",
    "brute_force_similar_quotes",
    "candidate_ids",
    "ensure_sqlite_quote_index",
    "pick_terms",
    "similar_quotes",
    "word_groups",
    "word_trigrams",
]

logger = logging.getLogger(__name__)

# How many candidates the index hands to the exact re-ranking.
DEFAULT_LIMIT = 300
# At most this many trigrams are searched for...
MAX_TERMS = 24
# ... and fewer when the rows holding them would add up to more than this (counted once
# per trigram). A row costs about 1.5 µs in SQLite's bm25 and 15-20 µs in PostgreSQL
# (re-check, similarity()), hence the budgets: about 50 ms a query on either at 100,000
# quotes. Halving them missed one more near-duplicate in 400 to 800. The cost follows
# the budget, not the table: on 10,000 quotes PostgreSQL takes as long as a full scan.
MAX_CANDIDATE_ROWS = {"sqlite": 20_000, "postgresql": 3_000}
# ... but from this many words at least (see pick_terms), ...
MIN_WORDS = 3
# ... and at first no more than this many from one word.
TERMS_PER_WORD = 3

# Rows read per query by the brute-force scan.
_SCAN_CHUNK = 5_000

_UNATTRIBUTED = str(AttributionKind.UNATTRIBUTED)
_TABLE = "claims_attribution"
PG_INDEX = "claims_attribution_text_trgm"
PG_STATISTICS = "claims_attribution_text_trgm_stats"
FTS_TABLE = "claims_attribution_quote_fts"
FTS_VOCAB = "claims_attribution_quote_fts_vocab"
FTS_TRIGGERS = (
    "claims_attribution_quote_fts_ai",
    "claims_attribution_quote_fts_ad",
    "claims_attribution_quote_fts_au",
)

# Runs of letters and digits: what pg_trgm and FTS5 see alike in a stored quote and in a
# query, whatever their punctuation and quote marks.
_ALNUM_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """An attribution whose text is like the query, and how like (0-100)."""

    attribution_id: int
    similarity: float


def similar_quotes(
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    min_similarity: float = DRIFT_MIN_SIMILARITY,
    exclude_ids: Collection[int] = (),
    article_ids: Collection[int] | None = None,
) -> list[QuoteMatch]:
    """Quotes in the archive like ``text``, best first (ties by id).

    At most ``limit`` candidates are taken from the index, scored with
    ``quote_similarity`` and kept when they score ``min_similarity`` or more (the index is
    tuned for ``DRIFT_MIN_SIMILARITY`` and above). Unattributed statements, quotes shorter
    than ``MIN_QUOTE_WORDS`` words and ``exclude_ids`` are never returned;
    ``article_ids``, when given, restricts the search to those articles (both are applied
    in the index query, so they do not use up the limit). Returns [] when ``text`` has
    fewer than ``MIN_QUOTE_WORDS`` words.

    Reads the default database, which must be migrated past ``claims/0003_quote_index``;
    PostgreSQL and SQLite only (``NotSupportedError`` elsewhere).
    """
    if not _searchable(text) or (article_ids is not None and not article_ids):
        return []
    search = _Search.build(text, limit, min_similarity, exclude_ids, article_ids)
    return _rank(text, _candidates(search), min_similarity)


def candidate_ids(text: str, *, limit: int = DEFAULT_LIMIT) -> list[int]:
    """The index step alone: ids of at most ``limit`` sourced attributions sharing rare
    trigrams with ``text``, likeliest first by the backend's measure (pg_trgm similarity
    or bm25, not ``quote_similarity``). [] when ``text`` has fewer than
    ``MIN_QUOTE_WORDS`` words."""
    if not _searchable(text):
        return []
    search = _Search.build(text, limit, DRIFT_MIN_SIMILARITY, (), None)
    return [pk for pk, _ in _candidates(search)]


def brute_force_similar_quotes(
    text: str,
    *,
    min_similarity: float = DRIFT_MIN_SIMILARITY,
    exclude_ids: Collection[int] = (),
    article_ids: Collection[int] | None = None,
) -> list[QuoteMatch]:
    """What :func:`similar_quotes` answers with no limit, found by scoring every sourced
    quote in the table (read in pages of ids). The baseline for benchmarks and the
    reference the tests hold the index to; far too slow for a request on a large archive.
    """
    if not _searchable(text) or (article_ids is not None and not article_ids):
        return []
    return _rank(text, _scan(exclude_ids, article_ids), min_similarity)


# --- shared ------------------------------------------------------------------------------


def _word_count(text: str) -> int:
    return len(normalize_quote(text).split())


def _searchable(text: str) -> bool:
    return _word_count(text) >= MIN_QUOTE_WORDS


def _rank(text: str, rows: Iterable[tuple[int, str]], min_similarity: float) -> list[QuoteMatch]:
    matches = []
    for pk, other in rows:
        if _word_count(other) < MIN_QUOTE_WORDS:
            continue
        similarity = quote_similarity(text, other)
        if similarity >= min_similarity:
            matches.append(QuoteMatch(pk, similarity))
    matches.sort(key=lambda m: (-m.similarity, m.attribution_id))
    return matches


def _filters(
    exclude_ids: Collection[int], article_ids: Collection[int] | None, alias: str = ""
) -> tuple[str, list[object]]:
    """Extra WHERE conditions and their parameters, in the ``%s`` style of Django's
    cursors."""
    prefix = f"{alias}." if alias else ""
    sql, params = "", []
    if article_ids is not None:
        ids = sorted(set(article_ids))
        sql += f" AND {prefix}article_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    if exclude_ids:
        ids = sorted(set(exclude_ids))
        sql += f" AND {prefix}id NOT IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    return sql, params


@dataclass(frozen=True)
class _Search:
    """One candidate query: what to look for and where, whichever the backend."""

    text: str
    words: list[list[str]]
    limit: int
    # Lengths of stored text that can score the minimum similarity, with room to spare.
    shortest: int
    longest: int
    exclude_ids: Collection[int]
    article_ids: Collection[int] | None

    @classmethod
    def build(
        cls,
        text: str,
        limit: int,
        min_similarity: float,
        exclude_ids: Collection[int],
        article_ids: Collection[int] | None,
    ) -> _Search:
        if limit < 1:
            raise ValueError("limit must be 1 or more")
        # fuzz.ratio is 2 * (characters in common, in order) / (both lengths), so a quote
        # of normalised length n scores s or more only against one between n / f and
        # n * f, f = (200 - s) / s: from 0.43 n to 2.33 n at 60. Stored text is longer than
        # its normalised form by its punctuation and quote marks, hence the room to spare.
        n = len(normalize_quote(text))
        if min_similarity > 0:
            factor = (200 - min_similarity) / min_similarity
            shortest, longest = int(n / factor * 0.8), int(n * factor * 1.25) + 4
        else:
            shortest, longest = 0, 2**31 - 1
        return cls(
            text=text,
            words=word_trigrams(text),
            limit=limit,
            shortest=shortest,
            longest=longest,
            exclude_ids=exclude_ids,
            article_ids=article_ids,
        )

    def order_by_length(self, column: str) -> tuple[str, list[object]]:
        """An ORDER BY term that puts rows of a length that can match first. Only an
        ordering, not a filter: a length is a strong hint, but no proof."""
        return f"({column} NOT BETWEEN %s AND %s)", [self.shortest, self.longest]


def _candidates(search: _Search) -> list[tuple[int, str]]:
    if not search.words:
        return []
    if connection.vendor == "postgresql":
        return _pg_candidates(search)
    if connection.vendor == "sqlite":
        return _sqlite_candidates(search)
    raise NotSupportedError(f"No quote index for the {connection.vendor} backend.")


def _scan(
    exclude_ids: Collection[int], article_ids: Collection[int] | None
) -> Iterator[tuple[int, str]]:
    where, params = _filters(exclude_ids, article_ids)
    last = 0
    with connection.cursor() as cursor:
        while True:
            # Keyset pages on the primary key: each page is one range read of the index.
            cursor.execute(
                f"SELECT id, text FROM {_TABLE} WHERE kind <> %s AND id > %s{where} "
                "ORDER BY id LIMIT %s",
                [_UNATTRIBUTED, last, *params, _SCAN_CHUNK],
            )
            rows = cursor.fetchall()
            yield from rows
            if len(rows) < _SCAN_CHUNK:
                return
            last = rows[-1][0]


def word_trigrams(text: str) -> list[list[str]]:
    """The trigrams of each word of ``text`` (a run of letters and digits), lower-cased as
    both indexes fold them: the word's own trigrams, then its start and its end with the
    space next to them (" wo", "wo "; " a " for a one-letter word). A trigram already
    taken by an earlier word is left out.

    The words' own trigrams match whatever punctuation and quote marks surround them. The
    start and end ones let short words count ("it is as it is" has no other), and match
    wherever the stored quote has a plain space on that side of the word.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    words: list[list[str]] = []
    seen: set[str] = set()
    for run in _ALNUM_RUN.findall(folded):
        inner = [run[i : i + 3] for i in range(len(run) - 2)]
        edges = [f" {run} "] if len(run) == 1 else [f" {run[:2]}", f"{run[-2:]} "]
        fresh = [g for g in dict.fromkeys([*inner, *edges]) if g not in seen]
        seen.update(fresh)
        if fresh:
            words.append(fresh)
    return words


def pick_terms(
    words: Sequence[Sequence[str]],
    rows_with: Mapping[str, float],
    *,
    max_rows: float,
    max_terms: int = MAX_TERMS,
    min_words: int = MIN_WORDS,
) -> list[str]:
    """The trigrams to search for: rarest first, spread over the words.

    ``rows_with`` estimates how many rows hold each trigram (missing: 0). Trigrams are
    taken rarest first, but first at most :data:`TERMS_PER_WORD` of each word, then the
    next as many, and so on, while fewer than ``max_terms`` and while the rows they draw
    stay within ``max_rows``. Spreading them over the words means a copy with some words
    changed still shares several; taking several of a word, one with a typo in it.
    Finally, if fewer than ``min_words`` words have a trigram taken, the rarest trigram of
    the rarest other words is added whatever it costs: a quote made of common words is
    slower to look up, rather than likely to miss its own copies.
    """

    def rows(gram: str) -> float:
        return rows_with.get(gram, 0)

    by_word = [sorted(grams, key=lambda g: (rows(g), g)) for grams in words if grams]
    tiers = {g: i // TERMS_PER_WORD for grams in by_word for i, g in enumerate(grams)}
    picked: list[str] = []
    total = 0.0
    for gram in sorted(tiers, key=lambda g: (tiers[g], rows(g), g)):
        if len(picked) == max_terms:
            break
        if total + rows(gram) <= max_rows:
            picked.append(gram)
            total += rows(gram)
    chosen = set(picked)
    uncovered = sorted((g for g in by_word if chosen.isdisjoint(g)), key=lambda g: (rows(g[0]), g))
    missing = max(0, min(min_words, len(by_word)) - (len(by_word) - len(uncovered)))
    return picked + [grams[0] for grams in uncovered[:missing]]


@dataclass(frozen=True, slots=True)
class WordGroup:
    """Words of a query searched for together: a row matches when it holds every one of
    ``grams`` (the rarest few trigrams of each word). ``rows`` estimates how many do."""

    words: tuple[str, ...]
    grams: tuple[str, ...]
    rows: float


# A group takes words until it is expected in about this many rows or fewer, ...
GROUP_TARGET_ROWS = 30.0
# ... words of at least this many letters (shorter ones have no trigram of their own), ...
GROUP_MIN_LETTERS = 3
# ... each standing for its rarest few trigrams; ...
GRAMS_PER_WORD = 3
# ... at least this many groups, while there are words, and at most this many; ...
MIN_GROUPS = 3
MAX_GROUPS = 12
# ... past MIN_GROUPS, a group expected in more than this many rows is not searched.
GROUP_MAX_ROWS = 300.0
# Above this many rows expected in all, the candidates are also ordered by similarity()
# (bm25 on SQLite).
GROUP_SIMILARITY_ROWS = 2_000.0
# On SQLite, at most this many rows matching the groups are ordered in Python (more,
# though fewer were expected, and bm25 orders them in SQL).
SQLITE_GROUP_ROWS = 5_000


def word_groups(
    text: str,
    rows_with: Callable[[Iterable[str]], Mapping[str, float]],
    *,
    table_rows: float,
    exact: bool = False,
) -> list[WordGroup]:
    """Disjoint groups of the words of ``text`` to search for, each rare together.

    Words of :data:`GROUP_MIN_LETTERS` letters or more (runs of letters and digits, folded
    as the index folds them) are taken rarest first: each starts a group and, while the
    group is expected in more than :data:`GROUP_TARGET_ROWS` rows, the commonest word
    left joins it (words are taken as independent: a group's share of the rows is the
    product of its words'). A word's rows are those of its rarest trigram, and it is
    searched for by its :data:`GRAMS_PER_WORD` rarest ones. Groups past
    :data:`MIN_GROUPS` that stay commoner than :data:`GROUP_MAX_ROWS` are dropped.

    The groups share no word, so a stored quote differing from ``text`` in fewer words
    than there are groups still matches one group whole: the candidates are the rows
    matching any group, those matching most first. ``rows_with`` maps trigrams to the
    rows holding them (an estimate), ``table_rows`` is the table's size. With ``exact``
    counts (SQLite's), a word with a trigram in no row can match nothing and is left out.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    words = list(
        dict.fromkeys(w for w in _ALNUM_RUN.findall(folded) if len(w) >= GROUP_MIN_LETTERS)
    )
    if not words:
        return []
    grams_of = {w: sorted({w[i : i + 3] for i in range(len(w) - 2)}) for w in words}
    counts = rows_with({g for grams in grams_of.values() for g in grams})
    share: dict[str, float] = {}
    stand_for: dict[str, tuple[str, ...]] = {}
    total = max(float(table_rows), 1.0)
    for word, grams in grams_of.items():
        ranked = sorted(grams, key=lambda g: (counts.get(g, 0.0), g))
        stand_for[word] = tuple(ranked[:GRAMS_PER_WORD])
        share[word] = min(counts.get(ranked[0], 0.0) / total, 1.0)
    if exact:
        words = [w for w in words if share[w] > 0]
    pool = sorted(words, key=lambda w: (share[w], w))
    groups: list[WordGroup] = []
    while pool and len(groups) < MAX_GROUPS:
        members = [pool.pop(0)]
        rows = total * share[members[0]]
        while rows > GROUP_TARGET_ROWS and pool:
            members.append(pool.pop())
            rows *= share[members[-1]]
        if rows > GROUP_MAX_ROWS and len(groups) >= MIN_GROUPS:
            break
        grams = tuple(dict.fromkeys(g for w in members for g in stand_for[w]))
        groups.append(WordGroup(words=tuple(members), grams=grams, rows=rows))
    return groups


# --- PostgreSQL ----------------------------------------------------------------------------


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


# --- SQLite --------------------------------------------------------------------------------

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


def _sqlite_candidates(search: _Search) -> list[tuple[int, str]]:
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
            return _sqlite_group_candidates(cursor, search, groups)
        return _sqlite_trigram_candidates(cursor, search, rows_with)


def _sqlite_group_candidates(
    cursor: CursorWrapper, search: _Search, groups: Sequence[WordGroup]
) -> list[tuple[int, str]]:
    """Rows matching any group (every trigram standing for its words: an FTS5 AND within
    the group, OR between groups), those matching the most groups first.

    When the groups are expected in few rows, all matching rows are read, unordered, and
    ordered here by the groups each holds (bm25's ranking would read every trigram's
    whole row list, the commonest included, to weigh them: three times slower at 1M).
    When many rows match, bm25 orders them in SQL, as pg_trgm's similarity() does."""
    where, params = _filters(search.exclude_ids, search.article_ids, alias="a")
    match = " OR ".join(
        "(" + " AND ".join(_fts_string(g) for g in group.grams) + ")" for group in groups
    )
    # Joined back to the table for kind and the filters: the FTS index covers every row,
    # unattributed ones included (an external-content index cannot be partial).
    select = (
        f"SELECT a.id, a.text FROM {FTS_TABLE} f JOIN {_TABLE} a ON a.id = f.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND a.kind <> %s{where} "
    )
    if sum(g.rows for g in groups) <= GROUP_SIMILARITY_ROWS:
        cursor.execute(select + "LIMIT %s", [match, _UNATTRIBUTED, *params, SQLITE_GROUP_ROWS + 1])
        rows = cursor.fetchall()
        if len(rows) <= SQLITE_GROUP_ROWS:

            def order(row: tuple[int, str]) -> tuple[int, bool, int]:
                folded = unicodedata.normalize("NFKC", row[1]).lower()
                matched = sum(all(g in folded for g in group.grams) for group in groups)
                fits = search.shortest <= len(row[1]) <= search.longest
                return (-matched, not fits, row[0])

            return sorted(rows, key=order)[: search.limit]
    by_length, length_params = search.order_by_length("length(a.text)")
    cursor.execute(
        select + f"ORDER BY {by_length}, f.rank, a.id LIMIT %s",
        [match, _UNATTRIBUTED, *params, *length_params, search.limit],
    )
    return cursor.fetchall()


def _sqlite_trigram_candidates(
    cursor: CursorWrapper, search: _Search, rows_with: Mapping[str, int]
) -> list[tuple[int, str]]:
    """Rows holding any of the query's rarest trigrams (see :func:`pick_terms`), best
    ranked first by bm25: for quotes with fewer than two words to group. ``rows_with``:
    the rows holding each of the query's trigrams."""
    # A trigram in no row cannot find anything (the counts are exact here, but for
    # the commonest trigrams, which are remembered for a while).
    present = [[g for g in word if g in rows_with] for word in search.words]
    terms = pick_terms(
        present, rows_with, max_rows=MAX_CANDIDATE_ROWS["sqlite"], min_words=MIN_WORDS
    )
    if not terms:
        return []
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
    return cursor.fetchall()


# --- the whole archive at once -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchiveQuote:
    """A sourced quote as :func:`archive_pairs` sees it. ``speakers`` are keys that two
    quotes of one speaker share (the source; for a wire story's unnamed sources, the
    story): the rules look for drift only between those."""

    id: int
    text: str
    direct: bool
    speakers: tuple[Hashable, ...]


# Pairs of quotes whose changes touch at most this share of the words (and at least one
# word) are sure to be found by archive_pairs: near-identical ones (misattribution) and
# one speaker's reworded ones (drift). Pairs with more words changed are usually found too.
ARCHIVE_CHANGED_WORDS = {"misattribution": 0.2, "drift": 0.4}


def archive_pairs(
    quotes: Iterable[ArchiveQuote],
    *,
    drift_min_similarity: float,
    misattribution_min_similarity: float,
    min_words: int = MIN_QUOTE_WORDS,
    workers: int = 1,
) -> dict[int, set[int]]:
    """For a recomputation of the whole archive: each quote's partners, the quotes the
    rules must compare it with, found without a query per quote.

    - Any two quotes scoring ``misattribution_min_similarity`` or more;
    - direct quotes sharing a speaker key scoring ``drift_min_similarity`` or more.

    Candidates share a word pair among the rarest few of each quote's word pairs (prefix
    filtering: every quote's word pairs sorted in one global order, rarest first), and
    are then scored exactly with the score of
    :func:`~crosscheck.rules.quote_similarity`. Each changed word breaks at most
    two word pairs, so two quotes differing in at most ``c`` words share all but ``2c``
    of their word pairs, and one of those lies among the first ``2c + 1`` of each: a pair
    whose changes touch at most :data:`ARCHIVE_CHANGED_WORDS` of the words is sure to be
    found. Quotes of fewer than ``min_words`` words have no partners. Pure: no database.

    The scoring runs in ``workers`` processes (forked, where the platform can) when there
    are :data:`PARALLEL_MIN_QUOTES` quotes or more; the pairs are the same either way.
    """
    normalized: dict[int, str] = {}
    bigrams: dict[int, list[int]] = {}
    words: dict[int, int] = {}
    speakers: dict[int, tuple[Hashable, ...]] = {}
    holding: dict[int, int] = defaultdict(int)
    # Word pairs are keyed by a CRC-32 of each word (the same in every process and run,
    # unlike hash(), so that ties in the order below, and so the pairs found beyond the
    # guaranteed edits, do not change between runs on the same archive). Two words that
    # share a CRC only make a few more candidates, which scoring then drops.
    word_key: dict[str, int] = {}
    for q in quotes:
        norm = normalize_quote(q.text)
        split = norm.split()
        if len(split) < min_words:
            continue
        normalized[q.id], words[q.id] = norm, len(split)
        keys = [word_key.get(w) for w in split]
        for i, key in enumerate(keys):
            if key is None:
                keys[i] = word_key[split[i]] = zlib.crc32(split[i].encode())
        grams = list({(a << 32) | b for a, b in itertools.pairwise(keys)})
        bigrams[q.id] = grams
        for gram in grams:
            holding[gram] += 1
        if q.direct:
            speakers[q.id] = q.speakers
    # One global order of the word pairs: by how many quotes hold them, then by value.
    # (Counts are replaced by ranks in place: the archive's word pairs are many.)
    for i, gram in enumerate(sorted(holding, key=lambda g: (holding[g], g))):
        holding[gram] = i
    rank = holding
    for grams in bigrams.values():
        grams.sort(key=rank.__getitem__)
    # A speaker with one direct quote has nothing to drift from.
    quoted = Counter(key for keys in speakers.values() for key in keys)
    joins = (
        ("misattribution", misattribution_min_similarity, lambda pk: (None,)),
        (
            "drift",
            drift_min_similarity,
            lambda pk: tuple(key for key in speakers.get(pk, ()) if quoted[key] > 1),
        ),
    )
    work: list[tuple[int, float, list[Hashable]]] = []
    postings: dict[Hashable, list[int]] = defaultdict(list)
    for name, threshold, groups_of in joins:
        for pk in sorted(bigrams):
            groups = groups_of(pk)
            if not groups:
                continue
            changed = max(1, math.ceil(ARCHIVE_CHANGED_WORDS[name] * words[pk]))
            prefix = bigrams[pk][: 2 * changed + 1]
            # (A word pair alone for misattribution, with the speaker for drift: the two
            # joins share one postings table without sharing a key.)
            keys = [gram if group is None else (group, gram) for group in groups for gram in prefix]
            work.append((pk, threshold, keys))
            for key in keys:
                postings[key].append(pk)  # in ascending order of pk
    # Each quote is scored against the quotes before it that share a key: every pair once.
    global _JOIN
    _JOIN = _Join(normalized, postings, work)
    try:
        found = _run_join(len(work), workers if len(normalized) >= PARALLEL_MIN_QUOTES else 1)
    finally:
        _JOIN = None
    partners: dict[int, set[int]] = defaultdict(set)
    for pk, other in found:
        partners[pk].add(other)
        partners[other].add(pk)
    return dict(partners)


# Below this many quotes to pair, starting processes costs more than it saves.
PARALLEL_MIN_QUOTES = 20_000


@dataclass(frozen=True)
class _Join:
    normalized: Mapping[int, str]
    postings: Mapping[Hashable, list[int]]
    work: Sequence[tuple[int, float, list[Hashable]]]  # (quote, threshold, its keys)


# What the join's worker processes read: set before they are forked, so that they share
# it with the parent rather than receive a copy through a pipe.
_JOIN: _Join | None = None


def _join_chunk(start: int, stop: int) -> list[tuple[int, int]]:
    join = _JOIN
    assert join is not None
    found = []
    for pk, threshold, keys in join.work[start:stop]:
        earlier: set[int] = set()
        for key in keys:
            held = join.postings[key]
            earlier.update(held[: bisect.bisect_left(held, pk)])
        if not earlier:
            continue
        choices = {other: join.normalized[other] for other in earlier}
        cutoff = max(threshold - 0.005, 0.0)
        for _, score, other in process.extract(
            join.normalized[pk], choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if _rounded(score) >= threshold:
                found.append((pk, other))
    return found


def _run_join(size: int, workers: int) -> list[tuple[int, int]]:
    """Score the join's work in ``workers`` forked processes (or in this one); the pairs
    found. Only ranges of the work go through the pipes: the processes read it, and what
    it is scored against, from memory they share with this one."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _join_chunk(0, size)
    # Small chunks, handed to whichever process is free: later quotes have more earlier
    # ones to be scored against.
    ranges = [(i, min(i + 2_000, size)) for i in range(0, size, 2_000)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return [pair for part in pool.starmap(_join_chunk, ranges, chunksize=1) for pair in part]


def _rounded(score: float) -> float:
    """A fuzz.ratio score as quote_similarity reports it."""
    return min(round(score, 2), 99.99) if score < 100 else 100.0
