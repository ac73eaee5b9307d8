"""The whole archive at once: :func:`archive_pairs` pairs near-identical quotes, and each
speaker's reworded ones, in one pass in memory (no database), in forked processes."""

from __future__ import annotations

import bisect
import itertools
import math
import multiprocessing
import zlib
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from crosscheck.rules import (
    MIN_QUOTE_WORDS,
    normalize_quote,
    quotable,
    reaches,
    rounded_similarity,
    score_cutoff,
)


@dataclass(frozen=True, slots=True)
class ArchiveQuote:
    """A sourced quote as :func:`archive_pairs` sees it. ``speakers`` are the quote's
    :func:`~crosscheck.rules.speaker_keys` (two quotes of one speaker share one) and
    ``direct`` whether it :func:`~crosscheck.rules.can_drift`: the rules look for drift
    only between direct quotes sharing a speaker."""

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
    found. Quotes of fewer than ``min_words`` words have no partners. The thresholds'
    edges are the rules' (:func:`~crosscheck.rules.quotable`,
    :func:`~crosscheck.rules.reaches`): pairing decides no verdict, it only finds every
    pair the rules could flag, for :func:`~crosscheck.rules.judge_pair` to judge.
    Pure: no database.

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
        if not quotable(q.text, min_words):
            continue
        norm = normalize_quote(q.text)
        normalized[q.id] = norm
        grams, words[q.id] = word_pairs(norm, word_key)
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
            prefix = bigrams[pk][: prefix_length(name, words[pk])]
            # (A word pair alone for misattribution, with the speaker for drift: the two
            # joins share one postings table without sharing a key.)
            join_keys: list[Hashable] = [
                gram if group is None else (group, gram) for group in groups for gram in prefix
            ]
            work.append((pk, threshold, join_keys))
            for join_key in join_keys:
                postings[join_key].append(pk)  # in ascending order of pk
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


def word_pairs(normalized: str, word_key: dict[str, int]) -> tuple[list[int], int]:
    """The distinct word pairs of a :func:`~crosscheck.rules.normalize_quote`'d quote,
    each a 64-bit key (two CRC-32s), in no order; and its number of words. ``word_key``
    caches each word's CRC-32 (filled here)."""
    keys: list[int] = []
    split = normalized.split()
    for w in split:
        key = word_key.get(w)
        if key is None:
            key = word_key[w] = zlib.crc32(w.encode())
        keys.append(key)
    return list({(a << 32) | b for a, b in itertools.pairwise(keys)}), len(split)


def prefix_length(join: str, words: int) -> int:
    """How many of a quote's word pairs, rarest first, are its blocking keys in ``join``
    ("misattribution" or "drift"): enough that a pair whose changes touch at most
    :data:`ARCHIVE_CHANGED_WORDS` of the words shares one."""
    return 2 * max(1, math.ceil(ARCHIVE_CHANGED_WORDS[join] * words)) + 1


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
        cutoff = score_cutoff(threshold)
        for _, score, other in process.extract(
            join.normalized[pk], choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if reaches(rounded_similarity(score), threshold):
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
