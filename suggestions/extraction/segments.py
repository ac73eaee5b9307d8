"""Segmenting an article body: control characters cleaned, paragraphs, quotations found
and masked, sentences and datelines."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from suggestions.extraction.lexicon import ABBREVIATIONS, CUE_AHEAD_RE

# Everything here works on two strings of the same length as the article body, so every
# offset found in them is an offset into the body:
#
# - ``work``: the body with control characters turned into spaces (and lone carriage
#   returns into newlines), so patterns never trip on them;
# - ``masked``: ``work`` with the inside of every quotation replaced by ``~`` and its marks
#   normalised to “ and ”, so patterns looking for speech verbs, subjects and clause
#   boundaries never look inside a quote (a quote's own "he said" is not an attribution).
#   A mark typed as two apostrophes (''We will appeal,'' as some archives store “ and ”)
#   is read like a straight double quote: its first character becomes “ (opening) or its
#   second ” (closing), the other one ``~``.

QUOTE_CHARS_RE = re.compile(r"[“”„«»「」『』\"]|''")
PARAGRAPH_SPLIT_RE = re.compile(r"\n[^\S\n]*\n\s*")
LINE_SPLIT_RE = re.compile(r"\n\s*")
SENTENCE_END_RE = re.compile(r"[.!?;。！？]+(?=[”)\]’'\s])[”)\]’']*\s+")
WORD_BEFORE_RE = re.compile(r"([\w’'.-]+)\W*$")
# A dateline opening a paragraph: "PORT SALVEN, Maravia (Meridian Wire) — ".
DATELINE_RE = re.compile(
    r"[A-Z][A-Z’'. -]{2,40}(?:,[^\S\n]*[A-Z][\w’'. -]{1,40})?(?:[^\S\n]*\([^()\n]{1,60}\))?"
    r"[^\S\n]*[—–-]{1,2}[^\S\n]+"
)

# What closes each opening mark; “ may be closed by a straight " as well (mixed marks).
OPEN_MARKS = {"“": '”"', "„": "“”", "«": "»", "「": "」", "『": "』"}
CLOSE_MARKS = frozenset("”»」』")

# --- text preparation ----------------------------------------------------------------------

_CONTROL_TABLE = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127, *range(128, 160)], " ")
_CONTROL_TABLE.update({0x2028: "\n", 0x2029: "\n"})
_LONE_CR_RE = re.compile(r"\r(?!\n)")


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\r]")


def prepare(text: str) -> str:
    """The body with control characters as spaces and line ends as ``\\n``, same length."""
    if not _CONTROL_RE.search(text):
        return text
    work = _LONE_CR_RE.sub("\n", text)
    return work.replace("\r", " ").translate(_CONTROL_TABLE)


def split_paragraphs(work: str) -> list[tuple[int, int]]:
    """Paragraph bounds: blank-line separated, or line separated when no blank line exists."""
    splitter = PARAGRAPH_SPLIT_RE if PARAGRAPH_SPLIT_RE.search(work) else LINE_SPLIT_RE
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in splitter.finditer(work):
        _append_trimmed(work, start, match.start(), bounds)
        start = match.end()
    _append_trimmed(work, start, len(work), bounds)
    return bounds


def _append_trimmed(work: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and work[start].isspace():
        start += 1
    while end > start and work[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


@dataclass
class Quote:
    """A quotation inside one paragraph. ``close`` is None when the paragraph ends first and
    the quote goes on in the next paragraph (the wire convention for long quotes)."""

    open: int
    close: int | None  # the last character of the closing mark
    para: int
    chain: int = -1
    width: int = 1  # characters in each mark: 2 for ''

    def end(self, paragraphs: list[tuple[int, int]]) -> int:
        """The offset just after the quote: after its closing mark, or the paragraph end."""
        return self.close + 1 if self.close is not None else paragraphs[self.para][1]


def find_quotes(work: str, paragraphs: list[tuple[int, int]]) -> tuple[list[Quote], int]:
    """Balanced quotations per paragraph, linked into chains across paragraphs.

    Returns the quotes in text order and the number of stray marks ignored. A quote left
    open at a paragraph's end is kept only when the next paragraph opens with a quotation
    mark (a quote running on); otherwise its mark is stray and ignored.
    """
    quotes: list[Quote] = []
    stray = 0
    for index, (start, end) in enumerate(paragraphs):
        opened: int | None = None
        closers = ""
        for match in QUOTE_CHARS_RE.finditer(work, start, end):
            pos, mark = match.start(), match.group()
            if mark in ('"', "''"):
                width = len(mark)
                if opened is None:
                    if _can_open(work, pos, start, end, width):
                        # A straight mark may be closed by a curly one: "... ” (mixed marks).
                        opened, closers = pos, mark if width == 2 else '"”'
                    else:
                        stray += 1
                elif (
                    closers == mark
                    or (width == 1 and closers == '"”')
                    or (width == 1 and mark in closers and not work[pos - 1].isspace())
                ):
                    quotes.append(Quote(opened, pos + width - 1, index, width=width))
                    opened = None
                continue
            if opened is not None and mark in closers:
                quotes.append(Quote(opened, pos, index))
                opened = None
            elif mark in OPEN_MARKS and (opened is None or mark == work[opened]):
                if opened is not None:
                    stray += 1  # a second opening mark: the first one was never closed
                opened, closers = pos, OPEN_MARKS[mark]
            elif mark in CLOSE_MARKS or mark in OPEN_MARKS:
                stray += 1
        if opened is not None:
            quotes.append(Quote(opened, None, index))
    kept: list[Quote] = []
    chain_count = 0
    for i, quote in enumerate(quotes):
        if quote.close is None:
            nxt = quotes[i + 1] if i + 1 < len(quotes) else None
            runs_on = (
                nxt is not None
                and nxt.para == quote.para + 1
                and nxt.open == paragraphs[nxt.para][0]
            )
            if not runs_on:
                stray += 1
                continue
            assert nxt is not None  # runs_on
            if quote.chain < 0:
                quote.chain = chain_count
                chain_count += 1
            nxt.chain = quote.chain
        kept.append(quote)
    return kept, stray


def _can_open(work: str, pos: int, start: int, end: int, width: int = 1) -> bool:
    before = work[pos - 1] if pos > start else " "
    after = work[pos + width] if pos + width < end else " "
    return not after.isspace() and (before.isspace() or before in "([{—–-/:")


def build_masked(work: str, quotes: list[Quote], paragraphs: list[tuple[int, int]]) -> str:
    """``work`` with each quotation's inside replaced by ``~`` and its marks normalised."""
    pieces: list[str] = []
    last = 0
    for quote in quotes:
        end = quote.end(paragraphs)
        pieces.append(work[last : quote.open])
        pieces.append("“")
        if quote.close is None:
            pieces.append("~" * (end - quote.open - 1))
        else:
            pieces.append("~" * (quote.close - quote.open - 1))
            pieces.append("”")
        last = end
    pieces.append(work[last:])
    return "".join(pieces)


class QuoteIndex:
    """Quotes looked up by position, in O(log n)."""

    def __init__(self, quotes: list[Quote], paragraphs: list[tuple[int, int]]) -> None:
        self.quotes = quotes
        self.opens = [q.open for q in quotes]
        self.paragraphs = paragraphs

    def within(self, start: int, end: int) -> list[Quote]:
        """Quotes opening in ``[start, end)``."""
        i = bisect_right(self.opens, start - 1)
        out = []
        while i < len(self.quotes) and self.quotes[i].open < end:
            out.append(self.quotes[i])
            i += 1
        return out

    def at(self, pos: int) -> Quote | None:
        """The quote opening exactly at ``pos``."""
        i = bisect_right(self.opens, pos) - 1
        if i >= 0 and self.opens[i] == pos:
            return self.quotes[i]
        return None

    def inner(self, quote: Quote, work: str) -> tuple[int, int]:
        """The words inside a quote: no marks, no surrounding space, no trailing comma."""
        start = quote.open + quote.width
        end = quote.close if quote.close is not None else self.paragraphs[quote.para][1]
        if quote.close is not None:
            end -= quote.width - 1
        while start < end and work[start].isspace():
            start += 1
        while end > start and (work[end - 1].isspace() or work[end - 1] == ","):
            end -= 1
        return start, end


MAX_SENTENCE = 3000


def split_sentences(masked: str, work: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence bounds in one paragraph of the masked text.

    Quotes are masked, so a quote never splits. A period after a known abbreviation or an
    initial does not end a sentence; a closing quote that ends in ., ? or ! ends one unless
    a speaker and verb follow ("... win!” Palsson said"). Over-long stretches without a
    boundary are cut at a space so later steps stay linear.
    """
    bounds: list[tuple[int, int]] = []
    sent_start = start
    for match in SENTENCE_END_RE.finditer(masked, start, end):
        dot = match.start()
        if masked[dot] == "." and _is_abbreviation(masked, dot, sent_start):
            continue
        nxt = match.end()
        if nxt < end and masked[nxt].islower() and masked[dot] != ";":
            continue
        _append_trimmed(masked, sent_start, match.end(), bounds)
        sent_start = match.end()
    _append_trimmed(masked, sent_start, end, bounds)
    bounds = _split_after_quotes(masked, work, bounds)
    out: list[tuple[int, int]] = []
    for s, e in bounds:
        while e - s > MAX_SENTENCE:
            cut = masked.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
            cut = cut if cut > s else s + MAX_SENTENCE
            _append_trimmed(masked, s, cut, out)
            s = cut
        _append_trimmed(masked, s, e, out)
    return out


def _is_abbreviation(masked: str, dot: int, floor: int) -> bool:
    match = WORD_BEFORE_RE.search(masked, max(floor, dot - 20), dot)
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    return (len(word) == 1 and word.isalpha()) or word in ABBREVIATIONS


def _split_after_quotes(
    masked: str, work: str, bounds: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in bounds:
        pos = s
        cursor = masked.find("”", s, e)
        while cursor != -1:
            after = cursor + 1
            # "“We will win!” Palsson said" is one sentence when the quote opens it; a quote
            # closing a sentence that began earlier ends it whatever follows.
            opens_sentence = masked.rfind("“", pos, cursor) == pos
            last = cursor - 1
            if work[last] == "'" and work[cursor] == "'":
                last -= 1  # the first character of a closing ''
            if (
                after < e
                and masked[after].isspace()
                and work[last] in ".!?"
                and not (opens_sentence and CUE_AHEAD_RE.match(masked, after, min(e, after + 120)))
            ):
                nxt = after
                while nxt < e and masked[nxt].isspace():
                    nxt += 1
                if nxt < e and not masked[nxt].islower() and masked[nxt] not in ",.;:":
                    _append_trimmed(masked, pos, after, out)
                    pos = nxt
            cursor = masked.find("”", after, e)
        _append_trimmed(masked, pos, e, out)
    return out


def dateline_end(masked: str, start: int, end: int) -> int:
    """Where the body text starts after a dateline at the paragraph start (or ``start``)."""
    match = DATELINE_RE.match(masked, start, min(end, start + 140))
    return match.end() if match else start
