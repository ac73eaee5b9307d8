"""Which trigrams and word groups of a quote the index searches for, whatever the back end:
:func:`word_trigrams`, :func:`pick_terms` and :func:`word_groups`, and their budgets."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

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

# Runs of letters and digits: what pg_trgm and FTS5 see alike in a stored quote and in a
# query, whatever their punctuation and quote marks.
_ALNUM_RUN = re.compile(r"[^\W_]+")


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
        group_grams = tuple(dict.fromkeys(g for w in members for g in stand_for[w]))
        groups.append(WordGroup(words=tuple(members), grams=group_grams, rows=rows))
    return groups
