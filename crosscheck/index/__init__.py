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
  matching most groups come first (ordered in Python: an ILIKE per group per row in an
  ORDER BY cost about 50 µs a row). The groups share no word, so a copy with fewer words
  changed than there are groups matches at least one of them whole. How common each
  trigram is comes from extended statistics on ``show_trgm(text)``, which ANALYZE (and
  autovacuum) keep up; the column itself has no planner statistics (migration
  ``claims/0010``: matching each ILIKE against them took 5 to 13 ms of planning a query
  at 1M, as long as running it). A quote with no two groups to search for is searched by
  its rarest trigrams instead (``text ~* '(abc|bcd| ab)'``, ordered by pg_trgm's
  ``similarity()``).
- SQLite: an FTS5 table with the trigram tokenizer over the same column (external
  content, kept in step by triggers), searched for the same word groups (an FTS5 ``AND``
  of a group's trigrams, ``OR`` between groups), ordered in Python as on PostgreSQL
  (``bm25`` would read the whole list of rows of every trigram, the commonest
  included). How common each trigram is comes from an ``fts5vocab`` table over it,
  exactly, so words in no row are left out of the groups. A quote with fewer than two
  words to group is searched by an OR of its rarest trigrams, taken spread over its
  words so that the rows read stay within a budget (:data:`MAX_CANDIDATE_ROWS`; see
  :func:`pick_terms`).

Bounded candidates, so that no quote is slow (at 1M quotes the 95th percentile on
PostgreSQL was 429 ms, and a short quote of common words, "collapse of the choices", took
3 to 4 s: its third group was "the", and the rows holding any group were all read and
sorted):

- a group expected in more than ``GROUP_CAP_ROWS`` (2,000) rows is never searched; when
  that leaves fewer than ``MIN_GROUPS`` groups, its words are reported as too common;
- a quote whose words are rare only all together (one group) is searched as the groups of
  all its words but one, so a copy with one of them changed is still found;
- in the index lookup a group stands for its rarer words only, until they are expected
  in ``GROUP_TARGET_ROWS`` rows (``index_grams``): reading the list of rows of a trigram
  such as "the" cost more than the rest of the query; the rows found are checked for the
  group's other words in Python;
- at most ``MAX_RANKED_ROWS`` rows are read (1,000 on PostgreSQL, where a row read from a
  cold page costs 20 to 50 µs; 5,000 on SQLite), those matching the rarer groups first;
- the trigram search for a quote with no two groups takes the rarest trigrams within its
  budget, and the rarest of further words only while they draw at most
  ``TERMS_OVERRUN`` times it.

When a bound left something out, :func:`similar_quotes`' answer says how in its ``cut``
(:class:`CandidateCut`: the words too common to search for, the rows ranked), and so do
the quote check's API answer and page.

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
the few thousand quotes of ``tests/claims/test_quote_index.py`` both backends find every
copy and every match of 70 or more that the full scan finds.

Quotes shorter than ``MIN_QUOTE_WORDS`` words are never matched, on either side: the
rules ignore them (such phrases are too common to say who said them first), and three
common words would draw a large part of the archive as candidates.

A recomputation of the whole archive needs no query per quote: :func:`archive_pairs`
pairs the archive's near-identical quotes, and each speaker's reworded ones, in one pass
in memory (prefix filtering on word pairs, then the same exact score).

The modules: ``search`` (the public search and the exact re-ranking), ``terms`` (word
trigrams, trigram picking, word groups), ``query`` (what both back ends share),
``postgres`` and ``sqlite`` (one back end each) and ``archive`` (:func:`archive_pairs`).
"""

from crosscheck.index.archive import ArchiveQuote, archive_pairs
from crosscheck.index.postgres import PG_INDEX, PG_STATISTICS
from crosscheck.index.query import CandidateCut
from crosscheck.index.search import (
    DEFAULT_LIMIT,
    QuoteMatch,
    QuoteMatches,
    brute_force_similar_quotes,
    candidate_ids,
    circulating_quotes,
    similar_quotes,
)
from crosscheck.index.sqlite import (
    FTS_TABLE,
    FTS_TRIGGERS,
    FTS_VOCAB,
    SQLITE_INDEX_SQL,
    SQLITE_REBUILD_SQL,
    ensure_sqlite_quote_index,
)
from crosscheck.index.terms import (
    MAX_CANDIDATE_ROWS,
    MAX_GROUPS,
    MAX_TERMS,
    MIN_GROUPS,
    MIN_WORDS,
    TERMS_PER_WORD,
    WordGroup,
    pick_terms,
    word_groups,
    word_trigrams,
)

# Settings that tests change (SQLITE_COMMON_ROWS, MAX_RANKED_ROWS, PARALLEL_MIN_QUOTES
# ...) and the caches are not re-exported: patch or read them in the module that uses them.
__all__ = [
    "DEFAULT_LIMIT",
    "FTS_TABLE",
    "FTS_TRIGGERS",
    "FTS_VOCAB",
    "MAX_CANDIDATE_ROWS",
    "MAX_GROUPS",
    "MAX_TERMS",
    "MIN_GROUPS",
    "MIN_WORDS",
    "PG_INDEX",
    "PG_STATISTICS",
    "SQLITE_INDEX_SQL",
    "SQLITE_REBUILD_SQL",
    "TERMS_PER_WORD",
    "ArchiveQuote",
    "CandidateCut",
    "QuoteMatch",
    "QuoteMatches",
    "WordGroup",
    "archive_pairs",
    "brute_force_similar_quotes",
    "candidate_ids",
    "circulating_quotes",
    "ensure_sqlite_quote_index",
    "pick_terms",
    "similar_quotes",
    "word_groups",
    "word_trigrams",
]
