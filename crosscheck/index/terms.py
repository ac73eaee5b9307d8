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
# ... but from this many words at least (see pick_terms), unless that makes the rows
# drawn more than this many times the budget (see bounded_terms), ...
TERMS_OVERRUN = 3
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


def bounded_terms(
    text: str,
    words: Sequence[Sequence[str]],
    rows_with: Mapping[str, float],
    *,
    max_rows: float,
    min_words: int = MIN_WORDS,
) -> tuple[list[str], tuple[str, ...]]:
    """:func:`pick_terms`, but never drawing more than :data:`TERMS_OVERRUN` times
    ``max_rows`` rows: when the words it would add whatever they cost draw more, they are
    left out. Returns the trigrams and the words of ``text`` none of whose trigrams were
    taken, when some were left out for that reason (else ())."""
    terms = pick_terms(words, rows_with, max_rows=max_rows, min_words=min_words)
    if sum(rows_with.get(t, 0) for t in terms) <= TERMS_OVERRUN * max_rows:
        return terms, ()
    terms = pick_terms(words, rows_with, max_rows=max_rows, min_words=0)
    taken = set(terms)
    left_out = []
    for run in dict.fromkeys(_ALNUM_RUN.findall(unicodedata.normalize("NFKC", text).lower())):
        grams = {run[i : i + 3] for i in range(len(run) - 2)}
        grams |= {f" {run} "} if len(run) == 1 else {f" {run[:2]}", f"{run[-2:]} "}
        if taken.isdisjoint(grams):
            left_out.append(run)
    return terms, tuple(left_out)


@dataclass(frozen=True, slots=True)
class WordGroup:
    """Words of a query searched for together: a row matches when it holds every one of
    ``grams`` (the rarest few trigrams of each word). ``rows`` estimates how many do."""

    words: tuple[str, ...]
    grams: tuple[str, ...]
    rows: float


class WordGroups(list[WordGroup]):
    """The groups to search for, and the words left out because they are too common to
    search for (``too_common``: each, alone or with the rest, in more than
    :data:`GROUP_CAP_ROWS` rows)."""

    too_common: tuple[str, ...] = ()


# A group takes words until it is expected in about this many rows or fewer, ...
GROUP_TARGET_ROWS = 30.0
# ... words of at least this many letters (shorter ones have no trigram of their own), ...
GROUP_MIN_LETTERS = 3
# ... each standing for its rarest few trigrams; ...
GRAMS_PER_WORD = 3
# ... at least this many groups, while there are words, and at most this many; ...
MIN_GROUPS = 3
MAX_GROUPS = 12
# ... past MIN_GROUPS, a group expected in more than this many rows is not searched, ...
GROUP_MAX_ROWS = 300.0
# ... and none expected in more than this many, whatever MIN_GROUPS says: every row
# matching a group is read and ranked, and at 1,000,000 quotes a short quote of common
# words ("collapse of the choices": "the") drew a third of the archive, 3 to 4 s a query.
# Its words are reported as left out (``too_common``).
GROUP_CAP_ROWS = 2_000.0
# At most this many rows matching the groups are read and ranked, whatever the
# estimates said (they take words as independent; phrases are not): the answer says
# so when more matched. A row costs PostgreSQL 20 to 50 µs (a heap page, often not in
# memory), SQLite a few µs.
MAX_RANKED_ROWS = {"sqlite": 5_000, "postgresql": 1_000}
# A group's common trigrams are looked up only while its rarer ones are expected in more
# rows than this (see index_grams).
INDEX_GRAMS_MAX_ROWS = 100.0


def word_groups(
    text: str,
    rows_with: Callable[[Iterable[str]], Mapping[str, float]],
    *,
    table_rows: float,
    exact: bool = False,
) -> WordGroups:
    """Disjoint groups of the words of ``text`` to search for, each rare together.

    Words of :data:`GROUP_MIN_LETTERS` letters or more (runs of letters and digits, folded
    as the index folds them) are taken rarest first: each starts a group and, while the
    group is expected in more than :data:`GROUP_TARGET_ROWS` rows, the commonest word
    left joins it (words are taken as independent: a group's share of the rows is the
    product of its words'). A word's rows are those of its rarest trigram, and it is
    searched for by its :data:`GRAMS_PER_WORD` rarest ones. Groups past
    :data:`MIN_GROUPS` that stay commoner than :data:`GROUP_MAX_ROWS` are dropped, and
    any commoner than :data:`GROUP_CAP_ROWS` (its words are then ``too_common``).

    The groups share no word, so a stored quote differing from ``text`` in fewer words
    than there are groups still matches one group whole: the candidates are the rows
    matching any group, those matching most first. When that leaves one group (a short
    quote whose words are rare only all together), it is searched for as overlapping
    groups of all its words but one (those within :data:`GROUP_CAP_ROWS`), so a copy with
    one of them changed still matches. ``rows_with`` maps trigrams to the rows holding
    them (an estimate), ``table_rows`` is the table's size. With ``exact`` counts
    (SQLite's), a word with a trigram in no row can match nothing and is left out.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    words = list(
        dict.fromkeys(w for w in _ALNUM_RUN.findall(folded) if len(w) >= GROUP_MIN_LETTERS)
    )
    groups = WordGroups()
    if not words:
        return groups
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

    def group(members: Sequence[str]) -> WordGroup:
        rows = total
        for word in members:
            rows *= share[word]
        grams = tuple(dict.fromkeys(g for w in members for g in stand_for[w]))
        return WordGroup(words=tuple(members), grams=grams, rows=rows)

    too_common: list[str] = []
    while pool and len(groups) < MAX_GROUPS:
        members = [pool.pop(0)]
        rows = total * share[members[0]]
        while rows > GROUP_TARGET_ROWS and pool:
            members.append(pool.pop())
            rows *= share[members[-1]]
        if rows > GROUP_MAX_ROWS and len(groups) >= MIN_GROUPS:
            break
        if rows > GROUP_CAP_ROWS:
            # Fewer groups than MIN_GROUPS: a copy with a word changed in each may be missed.
            too_common += members
            break
        groups.append(group(members))
    if len(groups) == 1 and len(groups[0].words) >= 2:
        whole = groups[0].words
        parts = [group([w for w in whole if w != left]) for left in whole]
        kept = [part for part in parts if part.rows <= GROUP_CAP_ROWS]
        if len(kept) < len(parts):
            # A word whose every partner is common: only the whole group holds it.
            kept.append(groups[0])
        groups[:] = kept
    groups.too_common = tuple(too_common)
    return groups


def index_grams(
    group: WordGroup, shares: Mapping[str, float], table_rows: float, *, max_share: float
) -> list[str]:
    """The trigrams of ``group`` to look up in the index: its words' (each standing for
    its rarest trigrams), rarest word first, until the words taken are expected in
    :data:`GROUP_TARGET_ROWS` rows or fewer; a word in more than ``max_share`` of the
    rows only while they are expected in more than :data:`INDEX_GRAMS_MAX_ROWS`. A
    common trigram's list of rows is long to read and narrows the rows little; the rows
    found are checked for the group's other trigrams after (``_Search.order_by_groups``
    with ``whole``). A word's rows are its rarest trigram's (the trigrams of one word go
    together). ``shares``: the share of the table's ``table_rows`` rows holding each
    trigram."""
    grams_of = {w: [g for g in group.grams if g in w] for w in group.words}
    share = {
        w: min((shares.get(g, 0.0) for g in grams), default=0.0) for w, grams in grams_of.items()
    }
    words = sorted(group.words, key=lambda w: (share[w], w))
    taken, rows = list(grams_of[words[0]]), table_rows * share[words[0]]
    for word in words[1:]:
        if rows <= GROUP_TARGET_ROWS:
            break
        if share[word] > max_share and rows <= INDEX_GRAMS_MAX_ROWS:
            break
        taken += grams_of[word]
        rows *= share[word]
    return list(dict.fromkeys(taken)) or list(group.grams)
