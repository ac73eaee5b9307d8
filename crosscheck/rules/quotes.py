"""Quotes as the rules compare them: normalised, scored for similarity, and diffed word by
word (with caches of each text's words)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from crosscheck.rules.data import DiffOp, QuoteOverlap, QuoteRelation

_QUOTE_MARKS = str.maketrans(dict.fromkeys("“”„‟«»″〝〞＂", '"') | dict.fromkeys("‘’‚‛′‹›`´", "'"))
# Numbers keep their separators ("10,000", "1.5"); words keep inner apostrophes ("we'll").
_WORD_RE = re.compile(r"(?:\d+(?:[.,]\d+)+|[^\W_]+)(?:'[^\W_]+)*")


@lru_cache(maxsize=65_536)
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as written (for showing), quote marks unified."""
    return tuple(_WORD_RE.findall(unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)))


@lru_cache(maxsize=65_536)
def _folded(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in _words(text))


def normalize_quote(text: str) -> str:
    """Text for comparing quotes: one kind of quotation mark, casefolded, punctuation
    dropped (apostrophes inside words and number separators kept), single spaces."""
    return " ".join(_folded(text))


def quote_similarity(a: str, b: str) -> float:
    """Similarity of two quotes, 0-100, rounded to two decimals; 100 only when identical
    after :func:`normalize_quote`.

    ``fuzz.ratio`` (edit distance over characters) rather than ``token_sort_ratio``: the
    latter sorts the words first, so "we will not attack unless they attack" and "unless
    they attack we will not attack" score 100, and drift by reordering would go unseen.
    """
    return _similarity(normalize_quote(a), normalize_quote(b))


def quotable(text: str, min_words: int) -> bool:
    """Whether ``text`` has words enough (``min_words`` or more, as the rules count them)
    to say who said it: shorter quotes ("we will win") are too common."""
    return len(_folded(text)) >= min_words


def reaches(similarity: float, threshold: float) -> bool:
    """Whether a similarity (as :func:`quote_similarity` reports it) reaches a threshold:
    a pair exactly at the threshold counts."""
    return similarity >= threshold


def score_cutoff(threshold: float) -> float:
    """The ``score_cutoff`` to give rapidfuzz's ``fuzz.ratio`` when only scores reaching
    ``threshold`` matter: a hair below it, so that a score that rounds up to the threshold
    is judged as :func:`quote_similarity` shows it."""
    return max(threshold - 0.005, 0.0)


def rounded_similarity(ratio: float) -> float:
    """A ``fuzz.ratio`` of two normalised quotes as :func:`quote_similarity` reports it:
    two decimals, and capped below 100 unless the texts are identical (a ratio of 100), so
    a rounded near-match is never mistaken for an identical quote."""
    return 100.0 if ratio >= 100 else min(round(ratio, 2), 99.99)


def _similarity(a: str, b: str, cutoff: float = 0.0) -> float:
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    # The cutoff lets rapidfuzz stop early (a score below it comes back as 0).
    return rounded_similarity(fuzz.ratio(a, b, score_cutoff=score_cutoff(cutoff)))


def word_diff(a: str, b: str) -> list[DiffOp]:
    """Word-level operations turning quote ``a`` into quote ``b``. Words are compared
    normalised but shown as written."""
    old, new = _words(a), _words(b)
    matcher = difflib.SequenceMatcher(None, _folded(a), _folded(b), autojunk=False)
    return [DiffOp(op, old[i1:i2], new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


# A shortened quote keeps at least this share of the longer one's words...
SHORTENED_MIN_SHARE = 0.5
# ... in at most this many runs per four of its words (an ellipsis or two, not a collage).
SHORTENED_RUNS_PER_4_WORDS = 1


def quote_overlap(text: str, stored: str, min_words: int) -> QuoteOverlap:
    """How far ``text`` (a quote being checked) is ``stored`` (a quote in the archive), as
    circulating text tends to be: the same words (``quote_similarity``); a fragment of
    it, or it a fragment of ``text`` (the shorter aligned inside the longer, character by
    character: ``fuzz.partial_ratio``); or it with words left out, or ``text`` with
    words left out (the share of the shorter's words found in the longer in order, in
    few runs, the shorter keeping at least half of the longer's words). The best of the
    three, and which it is. A fragment or a shortened quote needs ``min_words`` words:
    fewer are too common to say who said them."""
    whole = quote_similarity(text, stored)
    if whole >= 100:
        return QuoteOverlap(100.0, QuoteRelation.SAME)
    ours, theirs = _folded(text), _folded(stored)
    query_shorter = len(ours) <= len(theirs)
    shorter, longer = (ours, theirs) if query_shorter else (theirs, ours)
    best = QuoteOverlap(whole, QuoteRelation.SIMILAR)
    if len(shorter) < min_words:
        return best
    part = rounded_similarity(fuzz.partial_ratio(" ".join(shorter), " ".join(longer)))
    if part > best.similarity:
        relation = QuoteRelation.FRAGMENT if query_shorter else QuoteRelation.CONTAINS
        best = QuoteOverlap(part, relation)
    if len(shorter) >= SHORTENED_MIN_SHARE * len(longer):
        matcher = difflib.SequenceMatcher(None, shorter, longer, autojunk=False)
        runs = [block for block in matcher.get_matching_blocks() if block.size]
        kept = sum(block.size for block in runs)
        max_runs = 1 + SHORTENED_RUNS_PER_4_WORDS * len(shorter) // 4
        in_order = rounded_similarity(100 * kept / len(shorter))
        if len(runs) <= max_runs and in_order > best.similarity:
            relation = QuoteRelation.SHORTENED if query_shorter else QuoteRelation.EXPANDED
            best = QuoteOverlap(in_order, relation)
    return best
