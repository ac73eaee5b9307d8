"""Numbers as news text writes them, read from its tokens: numerals ("10,000", "1.5 million"),
number words ("twenty-one", "half a dozen") and vague amounts ("hundreds"). Used by
:mod:`crosscheck.quantities`, which reads the qualifiers, units and nouns around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Vague plurals as half-open intervals [low, high). A plural means at least two of the unit;
# the top is where writers switch to the next word ("hundreds" stops at 1,000). "thousands"
# is left open to 100,000 because news copy often shortens "tens of thousands" to it.
VAGUE_AMOUNTS: dict[str, tuple[float, float]] = {
    "dozens": (24, 200),
    "scores": (40, 400),
    "hundreds": (200, 1_000),
    "thousands": (2_000, 100_000),
    "tens of thousands": (20_000, 1_000_000),
    "hundreds of thousands": (200_000, 1_000_000),
    "millions": (2_000_000, 1_000_000_000),
    "tens of millions": (20_000_000, 1_000_000_000),
    "hundreds of millions": (200_000_000, 10_000_000_000),
    "billions": (2_000_000_000, 1_000_000_000_000),
}

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

_TOKEN_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*|\S")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    low: str  # casefolded
    start: int
    end: int

    @property
    def is_numeral(self) -> bool:
        return self.text[0].isdigit()


@dataclass(frozen=True, slots=True)
class _Number:
    low: float
    high: float
    vague: bool  # a word like "hundreds": its top is exclusive
    end: int  # index of the token after it


def _parse_number(tokens: list[_Token], i: int, *, allow_and: bool) -> _Number | None:
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token.is_numeral:
        value = float(token.text.replace(",", ""))
        j = i + 1
        if j < len(tokens) and tokens[j].low in SCALES:
            value, j = value * SCALES[tokens[j].low], j + 1
        elif j < len(tokens) and tokens[j].low in ("hundred", "dozen"):
            value, j = value * (100 if tokens[j].low == "hundred" else 12), j + 1
        return _Number(value, value, False, j)
    for size in (3, 1):
        phrase = " ".join(_words(tokens, i, size))
        if i + size <= len(tokens) and phrase in VAGUE_AMOUNTS:
            low, high = VAGUE_AMOUNTS[phrase]
            return _Number(float(low), float(high), True, i + size)
    return _parse_number_words(tokens, i, allow_and=allow_and)


def _parse_number_words(tokens: list[_Token], i: int, *, allow_and: bool) -> _Number | None:
    """ "four", "twenty-one", "a dozen", "half a dozen", "two hundred and fifty"."""
    if _words(tokens, i, 3) in (["half", "a", "dozen"], ["half", "a", "million"]):
        value = 6.0 if tokens[i + 2].low == "dozen" else 500_000.0
        return _Number(value, value, False, i + 3)
    total = current = 0.0
    j = i
    seen = False
    if tokens[j].low == "a":
        nxt = tokens[j + 1].low if j + 1 < len(tokens) else ""
        if nxt not in ("dozen", "hundred") and nxt not in SCALES:
            return None
        current, j, seen = 1.0, j + 1, True
    while j < len(tokens):
        word = tokens[j].low
        if word in UNITS or word in TENS:
            if seen and current % 100 and not (word in UNITS and current % 10 == 0):
                break  # "four five" is two numbers
            current += UNITS.get(word, 0) + TENS.get(word, 0)
        elif word == "hundred" and seen:
            current *= 100
        elif word == "dozen" and seen:
            current *= 12
        elif word in SCALES and seen:
            total += (current or 1) * SCALES[word]
            current = 0.0
        elif word == "-" and seen and _is_hyphen_number(tokens, j):
            j += 1
            continue
        elif (
            word == "and"
            and allow_and
            and ((current and current % 100 == 0) or (total and not current))
            and j + 1 < len(tokens)
            and _is_number_word(tokens[j + 1])
        ):
            j += 1  # "two hundred and fifty"
            continue
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    value = total + current
    return _Number(value, value, False, j)


def _is_number_word(token: _Token) -> bool:
    return token.low in UNITS or token.low in TENS


def _is_hyphen_number(tokens: list[_Token], j: int) -> bool:
    """A hyphen inside "twenty-one", as opposed to "four-year"."""
    return (
        j + 1 < len(tokens)
        and tokens[j - 1].low in TENS
        and tokens[j + 1].low in UNITS
        and tokens[j].start == tokens[j - 1].end
        and tokens[j + 1].start == tokens[j].end
    )


def _words(tokens: list[_Token], i: int, n: int) -> list[str]:
    return [t.low for t in tokens[i : i + n]]
