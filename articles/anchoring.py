"""Re-anchor character-offset spans after an article body has been edited.

Attributions and other annotations point into ``Article.body`` with ``start``/``end``
offsets (code points) and the exact ``text``, so that ``body[start:end] == text``. When
the body changes, :func:`reanchor` works out where each span's text now stands:

1. The old and new bodies are diffed on word and whitespace tokens. Spans lying wholly in
   an unchanged stretch are mapped through it (ANCHORED, or MOVED if the offsets shifted).
2. Otherwise the exact text is searched for in the new body. When it occurs several times,
   the occurrence whose surroundings best match the span's old surroundings wins, and
   then the one nearest to the position the diff predicts (MOVED/ANCHORED).
3. Otherwise a close match is looked for around the predicted position (FUZZY: the text
   becomes the new body's slice and an editor should review it).
4. Otherwise the span is ORPHANED: its offsets become None and its text is kept.

Spans that are already orphaned, or whose text does not match the old body, are looked up
by their text alone and re-anchored only if it occurs exactly once (MOVED, or ANCHORED if
that is exactly where their stale offsets already pointed).

This module is deliberately free of Django so it can be used and tested on its own.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

from rapidfuzz import fuzz

__all__ = ["Anchor", "AnchorStatus", "Span", "find_occurrences", "reanchor"]


class AnchorStatus:
    """How a span was re-anchored; plain strings so they can serve as model choices."""

    ANCHORED = "anchored"
    MOVED = "moved"
    FUZZY = "fuzzy"
    ORPHANED = "orphaned"


# Spans a body edit moved to a close match, or lost: an editor has to check them.
FLAGGED_STATUSES = (AnchorStatus.FUZZY, AnchorStatus.ORPHANED)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a body: ``body[start:end] == text``, or start/end None when orphaned."""

    start: int | None
    end: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a span stands in the new body, and how confidently it was found there."""

    start: int | None
    end: int | None
    text: str
    status: str
    score: float


_TOKEN_RE = re.compile(r"\S+|\s+")

# SequenceMatcher is quadratic in the worst case (whitespace tokens are everywhere), so it
# only ever sees stretches of at most this many old x new tokens; larger stretches are
# first split on tokens that occur exactly once on both sides (patience diff).
_MAX_SEQUENCEMATCHER_CELLS = 50_000

# How many characters of surroundings are compared when choosing between occurrences, and
# how many occurrences (the nearest to the predicted position) are compared at most.
_CONTEXT_CHARS = 100
_MAX_COMPARED_OCCURRENCES = 1_000

_MIN_FUZZY_WINDOW = 500
_WHOLE_BODY_FUZZY_LIMIT = 20_000
# How far the ends of a rough fuzzy alignment may be moved while refining it.
_MIN_REFINE_RADIUS = 16
_MAX_REFINE_RADIUS = 500


def find_occurrences(body: str, text: str) -> list[int]:
    """Return every start offset of ``text`` in ``body``, overlapping ones included, in order.

    An empty ``text`` has no occurrences.
    """
    if not text:
        return []
    positions = []
    position = body.find(text)
    while position != -1:
        positions.append(position)
        position = body.find(text, position + 1)
    return positions


def reanchor(
    old_body: str,
    new_body: str,
    spans: Sequence[Span],
    *,
    fuzzy_threshold: float = 90.0,
) -> list[Anchor]:
    """Re-anchor ``spans`` of ``old_body`` in ``new_body``; one Anchor per span, in order.

    ``fuzzy_threshold`` is the lowest similarity (0-100, rapidfuzz ratio of the original
    text and the candidate slice) accepted for a FUZZY match. Every returned anchor is
    either ORPHANED with start and end None, or satisfies ``new_body[start:end] == text``.
    """
    diff: _BodyDiff | None = None
    anchors = []
    for span in spans:
        start, end, text = span.start, span.end, span.text
        # The bounds are checked because negative offsets would slice from the end.
        if (
            start is None
            or end is None
            or not text
            or not 0 <= start < end <= len(old_body)
            or old_body[start:end] != text
        ):
            anchors.append(_lookup_by_text(span, new_body))
            continue
        if diff is None:
            diff = _BodyDiff(old_body, new_body)
        anchors.append(_reanchor_span(span, start, end, old_body, new_body, diff, fuzzy_threshold))
    return anchors


def _exact_anchor(span: Span, new_start: int) -> Anchor:
    status = AnchorStatus.ANCHORED if new_start == span.start else AnchorStatus.MOVED
    return Anchor(new_start, new_start + len(span.text), span.text, status, 100.0)


def _orphan(span: Span) -> Anchor:
    return Anchor(None, None, span.text, AnchorStatus.ORPHANED, 0.0)


def _lookup_by_text(span: Span, new_body: str) -> Anchor:
    occurrences = find_occurrences(new_body, span.text)
    if len(occurrences) != 1:
        return _orphan(span)
    return _exact_anchor(span, occurrences[0])


def _reanchor_span(
    span: Span,
    start: int,
    end: int,
    old_body: str,
    new_body: str,
    diff: "_BodyDiff",
    fuzzy_threshold: float,
) -> Anchor:
    """Re-anchor a span known to match ``old_body[start:end]``."""
    text = span.text

    new_start = diff.map_span(start, end)
    if new_start is not None and new_body[new_start : new_start + len(text)] == text:
        return _exact_anchor(span, new_start)

    expected = diff.map_position(start)
    occurrences = find_occurrences(new_body, text)
    if len(occurrences) > _MAX_COMPARED_OCCURRENCES:
        nearest = bisect_left(occurrences, expected)
        first = max(0, nearest - _MAX_COMPARED_OCCURRENCES // 2)
        occurrences = occurrences[first : first + _MAX_COMPARED_OCCURRENCES]
    if occurrences:
        # Surroundings first: a moved paragraph carries its context along, whereas the
        # predicted position is where it used to be and may hold a look-alike phrase.
        best = max(
            occurrences,
            key=lambda position: (
                _shared_context(old_body, start, end, new_body, position, position + len(text)),
                -abs(position - expected),
            ),
        )
        return _exact_anchor(span, best)

    match = _fuzzy_search(text, start, end, old_body, new_body, expected, fuzzy_threshold)
    if match is None:
        return _orphan(span)
    new_start, new_end, score = match
    return Anchor(new_start, new_end, new_body[new_start:new_end], AnchorStatus.FUZZY, score)


def _shared_context(
    old_body: str, old_start: int, old_end: int, new_body: str, new_start: int, new_end: int
) -> int:
    """Number of characters (capped on each side) that match around the two spans."""
    left = 0
    while left < _CONTEXT_CHARS:
        i, j = old_start - left - 1, new_start - left - 1
        if i < 0 or j < 0:
            # Both spans at the very start of their bodies is as telling as a full match.
            if i < 0 and j < 0:
                left = _CONTEXT_CHARS
            break
        if old_body[i] != new_body[j]:
            break
        left += 1

    right = 0
    while right < _CONTEXT_CHARS:
        i, j = old_end + right, new_end + right
        if i >= len(old_body) or j >= len(new_body):
            if i >= len(old_body) and j >= len(new_body):
                right = _CONTEXT_CHARS
            break
        if old_body[i] != new_body[j]:
            break
        right += 1
    return left + right


class _BodyDiff:
    """The stretches two bodies have in common, in character offsets, ordered."""

    def __init__(self, old_body: str, new_body: str) -> None:
        self._old_length = len(old_body)
        self._new_length = len(new_body)
        if old_body == new_body:
            blocks = [(0, 0, len(old_body))] if old_body else []
        else:
            blocks = _equal_blocks(old_body, new_body)
        self._old_starts = [old_start for old_start, _, _ in blocks]
        self._new_starts = [new_start for _, new_start, _ in blocks]
        self._lengths = [length for _, _, length in blocks]

    def map_span(self, start: int, end: int) -> int | None:
        """New start of old ``[start, end)`` if it lies wholly in one unchanged stretch."""
        k = bisect_right(self._old_starts, start) - 1
        if k >= 0 and end <= self._old_starts[k] + self._lengths[k]:
            return self._new_starts[k] + start - self._old_starts[k]
        return None

    def map_position(self, position: int) -> int:
        """Best guess at where old ``position`` now stands.

        Inside an unchanged stretch this is exact; inside an edited stretch, the offset
        from the nearer unchanged neighbour is kept, clamped to the edited stretch.
        """
        k = bisect_right(self._old_starts, position) - 1
        if k >= 0:
            old_block_end = self._old_starts[k] + self._lengths[k]
            if position < old_block_end:
                return self._new_starts[k] + position - self._old_starts[k]
            old_before, new_before = old_block_end, self._new_starts[k] + self._lengths[k]
        else:
            old_before, new_before = 0, 0
        if k + 1 < len(self._old_starts):
            old_after, new_after = self._old_starts[k + 1], self._new_starts[k + 1]
        else:
            old_after, new_after = self._old_length, self._new_length
        edited_length = new_after - new_before
        if position - old_before <= old_after - position:
            return new_before + min(position - old_before, edited_length)
        return new_after - min(old_after - position, edited_length)


def _tokenise(body: str) -> tuple[list[str], list[int]]:
    """Word and whitespace-run tokens, and the offset of each (plus the body's length)."""
    tokens = _TOKEN_RE.findall(body)
    return tokens, [0, *accumulate(map(len, tokens))]


def _equal_blocks(old_body: str, new_body: str) -> list[tuple[int, int, int]]:
    """Unchanged stretches as ``(old_start, new_start, length)`` in characters, merged."""
    old_tokens, old_offsets = _tokenise(old_body)
    new_tokens, new_offsets = _tokenise(new_body)
    blocks: list[tuple[int, int, int]] = []
    for i, j, size in _matching_token_blocks(old_tokens, new_tokens):
        old_start, new_start = old_offsets[i], new_offsets[j]
        length = old_offsets[i + size] - old_start
        if blocks:
            previous_old, previous_new, previous_length = blocks[-1]
            if (
                previous_old + previous_length == old_start
                and previous_new + previous_length == new_start
            ):
                blocks[-1] = (previous_old, previous_new, previous_length + length)
                continue
        blocks.append((old_start, new_start, length))
    return blocks


def _matching_token_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Matching ``(i, j, size)`` token blocks, increasing in both i and j.

    Common prefixes and suffixes are stripped in linear time, so a single edit never
    reaches the quadratic matcher; large remaining stretches are split on tokens unique
    to both sides before SequenceMatcher aligns the small pieces between them.
    """
    blocks: list[tuple[int, int, int]] = []
    pending = [(0, len(a), 0, len(b))]
    while pending:
        a_low, a_high, b_low, b_high = pending.pop()

        prefix = 0
        while (
            a_low + prefix < a_high
            and b_low + prefix < b_high
            and a[a_low + prefix] == b[b_low + prefix]
        ):
            prefix += 1
        if prefix:
            blocks.append((a_low, b_low, prefix))
            a_low += prefix
            b_low += prefix

        suffix = 0
        while (
            a_low < a_high - suffix
            and b_low < b_high - suffix
            and a[a_high - suffix - 1] == b[b_high - suffix - 1]
        ):
            suffix += 1
        if suffix:
            a_high -= suffix
            b_high -= suffix
            blocks.append((a_high, b_high, suffix))

        if a_low == a_high or b_low == b_high:
            continue
        if (a_high - a_low) * (b_high - b_low) <= _MAX_SEQUENCEMATCHER_CELLS:
            matcher = SequenceMatcher(None, a[a_low:a_high], b[b_low:b_high], autojunk=False)
            blocks.extend(
                (a_low + i, b_low + j, size) for i, j, size in matcher.get_matching_blocks() if size
            )
            continue

        # With no token unique to both sides the stretch is left unmatched: spans in it
        # are then found by exact or fuzzy search instead.
        next_a, next_b = a_low, b_low
        for i, j in _unique_anchors(a, a_low, a_high, b, b_low, b_high):
            blocks.append((i, j, 1))
            pending.append((next_a, i, next_b, j))
            next_a, next_b = i + 1, j + 1
        if (next_a, next_b) != (a_low, b_low):
            pending.append((next_a, a_high, next_b, b_high))

    blocks.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if merged:
            previous_i, previous_j, previous_size = merged[-1]
            if previous_i + previous_size == i and previous_j + previous_size == j:
                merged[-1] = (previous_i, previous_j, previous_size + size)
                continue
        merged.append((i, j, size))
    return merged


def _unique_anchors(
    a: Sequence[str], a_low: int, a_high: int, b: Sequence[str], b_low: int, b_high: int
) -> list[tuple[int, int]]:
    """Longest in-order chain of tokens occurring exactly once in each stretch."""
    a_counts = Counter(a[a_low:a_high])
    b_counts = Counter(b[b_low:b_high])
    b_positions = {
        b[j]: j for j in range(b_low, b_high) if b_counts[b[j]] == 1 and a_counts.get(b[j]) == 1
    }
    pairs = [(i, b_positions[a[i]]) for i in range(a_low, a_high) if a[i] in b_positions]
    return _longest_increasing_chain(pairs)


def _longest_increasing_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first item) increasing in the second."""
    tail_values: list[int] = []
    tail_indexes: list[int] = []
    predecessors = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        length = bisect_left(tail_values, j)
        if length:
            predecessors[index] = tail_indexes[length - 1]
        if length == len(tail_values):
            tail_values.append(j)
            tail_indexes.append(index)
        else:
            tail_values[length] = j
            tail_indexes[length] = index
    chain = []
    index = tail_indexes[-1] if tail_indexes else -1
    while index != -1:
        chain.append(pairs[index])
        index = predecessors[index]
    chain.reverse()
    return chain


def _fuzzy_search(
    text: str,
    start: int,
    end: int,
    old_body: str,
    new_body: str,
    expected: int,
    threshold: float,
) -> tuple[int, int, float] | None:
    """Closest slice of ``new_body`` to ``text`` near ``expected``, if good enough."""
    # A span that started or ended inside a word in the old body may do so again.
    allow_mid_word = (
        not _is_word_boundary(old_body, start),
        not _is_word_boundary(old_body, end),
    )
    radius = max(3 * len(text), _MIN_FUZZY_WINDOW)
    low = max(0, expected - radius)
    high = min(len(new_body), expected + len(text) + radius)
    match = _best_fuzzy_match(text, new_body, low, high, allow_mid_word)
    searched_whole_body = low == 0 and high == len(new_body)
    if (
        (match is None or match[2] < threshold)
        and not searched_whole_body
        and len(new_body) <= _WHOLE_BODY_FUZZY_LIMIT
    ):
        match = _best_fuzzy_match(text, new_body, 0, len(new_body), allow_mid_word)
    if match is None or match[2] < threshold:
        return None
    return match


def _best_fuzzy_match(
    text: str, body: str, low: int, high: int, allow_mid_word: tuple[bool, bool]
) -> tuple[int, int, float] | None:
    """Slice of ``body[low:high]`` most similar to ``text``, with its rapidfuzz ratio.

    partial_ratio_alignment only proposes a slice as long as ``text``, so its ends are
    then moved, preferring word boundaries, to where the whole slice is most similar:
    that takes in a word inserted into a quote instead of cutting off the quote's end.
    """
    if high - low > len(text):
        alignment = fuzz.partial_ratio_alignment(text, body[low:high])
        # None only when the score is below a score_cutoff, and none is given.
        assert alignment is not None
        rough_start, rough_end = low + alignment.dest_start, low + alignment.dest_end
    else:
        rough_start, rough_end = low, high
    if rough_end <= rough_start:
        return None

    radius = min(max(len(text) // 3, _MIN_REFINE_RADIUS), _MAX_REFINE_RADIUS)
    starts = _candidate_ends(body, rough_start, low, high, radius, allow_mid_word[0])
    ends = _candidate_ends(body, rough_end, low, high, radius, allow_mid_word[1])

    def similarity(start: int, end: int) -> float:
        return fuzz.ratio(text, body[start:end])

    start, end = starts[0], ends[0]
    if end <= start:
        start, end = rough_start, rough_end
    score = similarity(start, end)
    # Candidates come nearest first and must strictly improve, so the nearest wins ties.
    for _ in range(2):
        for candidate in ends:
            if candidate > start and (candidate_score := similarity(start, candidate)) > score:
                end, score = candidate, candidate_score
        for candidate in starts:
            if candidate < end and (candidate_score := similarity(candidate, end)) > score:
                start, score = candidate, candidate_score
    return start, end, score


def _candidate_ends(
    body: str, rough: int, low: int, high: int, radius: int, allow_mid_word: bool
) -> list[int]:
    """Positions near ``rough`` where a slice may start or end, nearest first."""
    candidates = [
        position
        for position in range(max(low, rough - radius), min(high, rough + radius) + 1)
        if _is_word_boundary(body, position)
    ]
    if allow_mid_word or not candidates:
        candidates.append(rough)
    candidates = sorted(set(candidates), key=lambda position: (abs(position - rough), position))
    return candidates


def _is_word_boundary(body: str, position: int) -> bool:
    if position <= 0 or position >= len(body):
        return True
    return not (_is_word_char(body[position - 1]) and _is_word_char(body[position]))


def _is_word_char(char: str) -> bool:
    # Combining marks (e.g. Arabic harakat) belong to the word they sit on.
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")
