"""The public quote search: candidates from the database's back end (or a scan of every quote),
re-ranked exactly with :func:`~crosscheck.rules.quote_similarity`."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from django.db import NotSupportedError, connection

from crosscheck.index.postgres import _pg_candidates
from crosscheck.index.query import _TABLE, _UNATTRIBUTED, CandidateCut, _filters, _Search
from crosscheck.index.sqlite import _sqlite_candidates
from crosscheck.rules import (
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    QuoteRelation,
    quotable,
    quote_overlap,
    quote_similarity,
    reaches,
)

# How many candidates the index hands to the exact re-ranking.
DEFAULT_LIMIT = 300

# Rows read per query by the brute-force scan.
_SCAN_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """An attribution whose text is like the query, how like (0-100) and in which way
    (see ``crosscheck.rules.quote_overlap``: ``similar`` unless found in part)."""

    attribution_id: int
    similarity: float
    relation: QuoteRelation = QuoteRelation.SIMILAR


class QuoteMatches(list[QuoteMatch]):
    """Matches, best first, and ``cut``: when the candidates for a quote of very common
    words were bounded, how (see :class:`~crosscheck.index.query.CandidateCut`); else
    None."""

    cut: CandidateCut | None = None

    def __init__(self, matches: Iterable[QuoteMatch] = (), cut: CandidateCut | None = None):
        super().__init__(matches)
        self.cut = cut


def similar_quotes(
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    min_similarity: float = DRIFT_MIN_SIMILARITY,
    exclude_ids: Collection[int] = (),
    article_ids: Collection[int] | None = None,
) -> QuoteMatches:
    """Quotes in the archive like ``text``, best first (ties by id).

    At most ``limit`` candidates are taken from the index, scored with
    ``quote_similarity`` and kept when they score ``min_similarity`` or more (the index is
    tuned for ``DRIFT_MIN_SIMILARITY`` and above). Unattributed statements, quotes shorter
    than ``MIN_QUOTE_WORDS`` words and ``exclude_ids`` are never returned;
    ``article_ids``, when given, restricts the search to those articles (both are applied
    in the index query, so they do not use up the limit). Returns no matches when
    ``text`` has fewer than ``MIN_QUOTE_WORDS`` words. For a quote of very common words
    the candidates are bounded (words too common are not searched for, at most
    ``MAX_RANKED_ROWS`` rows are ranked) and the answer's ``cut`` says how; see
    :class:`~crosscheck.index.query.CandidateCut`.

    Reads the default database, which must be migrated past ``claims/0003_quote_index``;
    PostgreSQL and SQLite only (``NotSupportedError`` elsewhere).
    """
    if not _searchable(text) or (article_ids is not None and not article_ids):
        return QuoteMatches()
    search = _Search.build(text, limit, min_similarity, exclude_ids, article_ids)
    rows, cut = _candidates(search)
    return QuoteMatches(_rank(text, rows, min_similarity), cut)


def circulating_quotes(
    text: str,
    *,
    limit: int = DEFAULT_LIMIT,
    min_similarity: float = DRIFT_MIN_SIMILARITY,
    nearest: int = 3,
    min_words: int = MIN_QUOTE_WORDS,
) -> tuple[QuoteMatches, list[QuoteMatch]]:
    """Quotes in the archive that ``text`` is, as it circulates: the same words, a
    fragment of one, one with words left out or added around it (scored by
    ``quote_overlap``), best first; and, when none reaches ``min_similarity``, the
    ``nearest`` candidates below it, best first (else []). At most ``limit`` candidates
    are taken from the index, whatever their length (a fragment is much shorter than its
    quote); the first list's ``cut`` says how the candidates were bounded, if they were
    (as :func:`similar_quotes`'). ``([], [])`` when ``text`` has fewer than ``min_words``
    words."""
    if not quotable(text, min_words):
        return QuoteMatches(), []
    search = _Search.build(text, limit, 0, (), None)
    scored = []
    rows, cut = _candidates(search)
    for pk, other in rows:
        if not quotable(other, min_words):
            continue
        overlap = quote_overlap(text, other, min_words)
        scored.append(QuoteMatch(pk, overlap.similarity, overlap.relation))
    scored.sort(key=lambda m: (-m.similarity, m.attribution_id))
    found = QuoteMatches((m for m in scored if reaches(m.similarity, min_similarity)), cut)
    return found, ([] if found else scored[:nearest])


def candidate_ids(text: str, *, limit: int = DEFAULT_LIMIT) -> list[int]:
    """The index step alone: ids of at most ``limit`` sourced attributions sharing rare
    trigrams with ``text``, likeliest first by the backend's measure (pg_trgm similarity
    or bm25, not ``quote_similarity``). [] when ``text`` has fewer than
    ``MIN_QUOTE_WORDS`` words."""
    if not _searchable(text):
        return []
    search = _Search.build(text, limit, DRIFT_MIN_SIMILARITY, (), None)
    return [pk for pk, _ in _candidates(search)[0]]


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


def _searchable(text: str) -> bool:
    return quotable(text, MIN_QUOTE_WORDS)


def _rank(text: str, rows: Iterable[tuple[int, str]], min_similarity: float) -> list[QuoteMatch]:
    matches = []
    for pk, other in rows:
        if not _searchable(other):
            continue
        similarity = quote_similarity(text, other)
        if reaches(similarity, min_similarity):
            matches.append(QuoteMatch(pk, similarity))
    matches.sort(key=lambda m: (-m.similarity, m.attribution_id))
    return matches


def _candidates(search: _Search) -> tuple[list[tuple[int, str]], CandidateCut | None]:
    if not search.words:
        return [], None
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
