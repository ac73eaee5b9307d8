"""Figures in news text read as intervals: "at least four" is [4, ∞), "nearly 500" is [450, 500).

Pure Python, no Django: the cross-check engine (``crosscheck``) uses it to tell
whether two attributions' figures can both hold. The readings are deliberately generous
(a vague "thousands" spans [2,000, 100,000)) so that a conflict is only reported when the
figures really cannot both be true.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crosscheck.number_words import (
    _TOKEN_RE,
    SCALES,
    TENS,
    UNITS,
    VAGUE_AMOUNTS,
    _is_number_word,
    _Number,
    _parse_number,
    _Token,
)

# "about", "around" ... widen a figure by this fraction on each side.
APPROXIMATE_MARGIN = 0.10
# "nearly 500", "almost 500", "just under 500": a little below, [500 * (1 - margin), 500).
NEARLY_MARGIN = 0.10


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


MONTHS = _wordset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# A four-digit number after these words is a year, not a count ("in 2019", "since 2014").
YEAR_PREPOSITIONS = _wordset(
    "in since of by until till from to before after during early late mid around circa "
    "spring summer autumn fall winter"
)

# Qualifier phrases, longest first so "no more than" wins over "more than".
QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    (
        (tuple(phrase.split()), kind)
        for kind, phrases in {
            "at_least": ["at least", "no fewer than", "no less than", "a minimum of", "upwards of"],
            "more_than": ["more than", "over", "greater than", "in excess of", "above"],
            "just_over": ["just over", "just more than", "slightly more than"],
            "nearly": ["nearly", "almost", "just under", "just short of", "approaching"],
            "approx": [
                "about", "around", "roughly", "some", "approximately", "an estimated",
                "estimated", "close to", "circa", "an approximate",
            ],
            "up_to": ["up to", "as many as", "no more than", "not more than", "at most"],
            "less_than": ["less than", "fewer than", "under", "below"],
            "between": ["between"],
            "from": ["from"],
        }.items()
        for phrase in phrases
    ),
    key=lambda item: -len(item[0]),
)  # fmt: skip


def _by_first_word(
    qualifiers: list[tuple[tuple[str, ...], str]],
) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Qualifiers indexed by their first word: a look-up per token, not a scan of all."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, kind in qualifiers:
        index.setdefault(words[0], []).append((words, kind))
    return index


_QUALIFIERS_BY_FIRST_WORD = _by_first_word(QUALIFIERS)

# Words that end the noun phrase after a figure: "four SDF fighters | were killed".
_STOP_WORDS = _wordset(
    "a an the and or but nor of in on at to from by with for as since during after before "
    "into onto than per were was are is be been being have has had will would could should "
    "may might must can who whom which that this these those said say says told also still "
    "ago later earlier each alone who's they them their there here it its he she we you i"
)
_MODIFIERS = _wordset("more other additional further extra new")
_DETERMINERS = _wordset("the these those his her their its our your my")
_PRONOUNS = _wordset("them us whom which it you those these")
_IRREGULAR_PLURALS = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "police": "police",
    "feet": "foot",
}
_ONE_BLOCKERS = _wordset("no the any every each this that which someone anyone")

# The only tokens a figure can start with (see _parse_at and _parse_number): a qualifier's
# first word, a currency sign, a vague amount's first word, "a", "half" or a number word;
# numerals apart. Other tokens are passed over without trying to read a figure there.
_STARTERS = frozenset(
    {
        *_QUALIFIERS_BY_FIRST_WORD,
        *"$€£",
        *(phrase.split()[0] for phrase in VAGUE_AMOUNTS),
        "a",
        "half",
        *UNITS,
        *TENS,
    }
)

# Every figure holds a numeral or one of these words ("a dozen", "half a million", "at least
# four", "hundreds of"): a text with neither has no figure, and is not tokenised.
_FIGURE_WORDS = frozenset(
    {
        *UNITS,
        *TENS,
        *SCALES,
        "dozen",
        "hundred",
        *(phrase.split()[0] for phrase in VAGUE_AMOUNTS),
    }
)
_DIGIT_RE = re.compile(r"\d")
_LETTERS_RE = re.compile(r"[^\W\d_]+")


def _may_hold_a_figure(text: str) -> bool:
    if _DIGIT_RE.search(text):
        return True
    return not _FIGURE_WORDS.isdisjoint(w.casefold() for w in _LETTERS_RE.findall(text))


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure as written and the interval of values it allows.

    ``high`` is ``inf`` for an open upper bound. ``unit`` is "" for counts, "%"
    for percentages or a currency sign; only quantities with the same unit are compared.
    ``noun`` is the counted thing's head word, singular and casefolded ("fighter"), or "".
    """

    written: str
    start: int
    end: int
    low: float
    high: float
    low_inclusive: bool
    high_inclusive: bool
    unit: str = ""
    noun: str = ""

    @property
    def interval(self) -> str:
        """The interval in the usual notation: "[4, ∞)", "(10,000, ∞)", "[450, 500)"."""
        left = "[" if self.low_inclusive and math.isfinite(self.low) else "("
        right = "]" if self.high_inclusive and math.isfinite(self.high) else ")"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"

    @property
    def reading(self) -> str:
        """How the figure was read, for people: "at least four → [4, ∞)"."""
        unit = f" ({self.unit})" if self.unit else ""
        return f"{self.written} → {self.interval}{unit}"

    def intersects(self, other: Quantity) -> bool:
        """Whether some value satisfies both quantities (units are not checked here)."""
        if self.low > other.low:
            low, low_in = self.low, self.low_inclusive
        elif other.low > self.low:
            low, low_in = other.low, other.low_inclusive
        else:
            low, low_in = self.low, self.low_inclusive and other.low_inclusive
        if self.high < other.high:
            high, high_in = self.high, self.high_inclusive
        elif other.high < self.high:
            high, high_in = other.high, other.high_inclusive
        else:
            high, high_in = self.high, self.high_inclusive and other.high_inclusive
        return low < high or (low == high and low_in and high_in)

    def as_dict(self) -> dict[str, object]:
        """JSON-safe evidence: open bounds are ``None`` (JSON has no infinity)."""
        return {
            "written": self.written,
            "low": _json_number(self.low),
            "high": _json_number(self.high),
            "low_inclusive": self.low_inclusive,
            "high_inclusive": self.high_inclusive,
            "interval": self.interval,
            "reading": self.reading,
            "unit": self.unit,
            "noun": self.noun,
        }


def parse_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text`` that counts something, in text order.

    Years ("in 2019"), days next to a month name ("13 March", "March 13"), clock times and
    compound adjectives ("a four-year campaign", "a 22-year-old") are not counts and are
    skipped.
    """
    if not _may_hold_a_figure(text):
        return []
    tokens = [
        _Token(m.group(), m.group().casefold(), m.start(), m.end())
        for m in _TOKEN_RE.finditer(text)
    ]
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        if tokens[i].low not in _STARTERS and not tokens[i].is_numeral:
            i += 1
            continue
        parsed = _parse_at(text, tokens, i)
        if parsed is None:
            i += 1
            continue
        quantity, i = parsed
        found.append(quantity)
    return found


def singular(word: str) -> str:
    """A crude singular form, enough to match "fighters" with "fighter"."""
    word = word.casefold()
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# --- parsing -------------------------------------------------------------------------

_CURRENCIES = frozenset("$€£")
_DASHES = frozenset("-–—")


def _parse_at(text: str, tokens: list[_Token], i: int) -> tuple[Quantity, int] | None:
    qualifier, j = _match_qualifier(tokens, i)
    unit = ""
    if j < len(tokens) and tokens[j].text in _CURRENCIES:
        unit, j = tokens[j].text, j + 1
    number = _parse_number(tokens, j, allow_and=qualifier != "between")
    if number is None or _is_not_a_count(tokens, j, number.end):
        return None
    low, high, vague, j = number.low, number.high, number.vague, number.end
    is_range = False
    if qualifier in (None, "between", "from", "approx") and j + 1 < len(tokens):
        second = _range_end(tokens, j, qualifier)
        if second is not None and second.high >= low:
            if second.high >= 1000 * high and low < 1000 and tokens[second.end - 1].low in SCALES:
                scale = SCALES[tokens[second.end - 1].low]  # "between 2 and 3 million"
                low *= scale
            high, vague, j, is_range = second.high, second.vague, second.end, True
    if qualifier in ("between", "from") and not is_range:
        return None  # "from 2014" or a dangling "between": not a figure we can read
    if j < len(tokens) and (
        tokens[j].low in ("percent", "pc")
        or (tokens[j].text == "%" and tokens[j].start == tokens[j - 1].end)
    ):
        unit, j = "%", j + 1
    elif j + 1 < len(tokens) and tokens[j].low == "per" and tokens[j + 1].low == "cent":
        unit, j = "%", j + 2
    bounds = _apply_qualifier(qualifier, low, high, vague)
    start, end = tokens[i].start, tokens[j - 1].end
    noun = _counted_noun(tokens, j)
    return Quantity(text[start:end], start, end, *bounds, unit=unit, noun=noun), j


def _range_end(tokens: list[_Token], j: int, qualifier: str | None) -> _Number | None:
    """The second number of "3 to 5", "3-5", "three or four", "between 3 and 5"."""
    joiner = tokens[j]
    if qualifier == "between":
        ok = joiner.low == "and"
    else:
        ok = joiner.low in ("to", "or") or joiner.text in _DASHES
    if not ok:
        return None
    second = _parse_number(tokens, j + 1, allow_and=True)
    if second is None or _is_not_a_count(tokens, j + 1, second.end):
        return None
    return second


def _match_qualifier(tokens: list[_Token], i: int) -> tuple[str | None, int]:
    for words, kind in _QUALIFIERS_BY_FIRST_WORD.get(tokens[i].low, ()):
        n = len(words)
        if tuple(t.low for t in tokens[i : i + n]) == words:
            return kind, i + n
    return None, i


def _is_not_a_count(tokens: list[_Token], start: int, end: int) -> bool:
    """Years, days of the month, clock times, ordinals and compound adjectives."""
    first, last = tokens[start], tokens[end - 1]
    before = tokens[start - 1] if start else None
    after = tokens[end] if end < len(tokens) else None
    if after is not None and after.start == last.end:
        if after.text == ":" or after.text[0].isalpha():
            return True  # "16:00", "2nd", "1990s"
        if after.text in _DASHES and end + 1 < len(tokens) and tokens[end + 1].text[0].isalpha():
            return True  # "four-year campaign", "22-year-old"
    if before is not None and before.text == ":" and before.end == first.start:
        return True
    if not (first.is_numeral and end - start == 1):
        return (
            first.low == "one"
            and end - start == 1
            and (
                (before is not None and before.low in _ONE_BLOCKERS)
                or (after is not None and after.low in ("of", "another"))
            )
        )  # "no one", "one of them", "one another"
    value = float(first.text.replace(",", ""))
    near_month = (before is not None and before.low in MONTHS) or (
        after is not None and after.low in MONTHS
    )
    if value.is_integer() and 1 <= value <= 31 and near_month:
        return True  # "13 March", "March 13"
    if re.fullmatch(r"[12]\d{3}", first.text) and before is not None:
        if before.low in MONTHS or before.text == ",":
            return True  # "March 2019", "13 March, 2019"
        if start >= 2 and tokens[start - 2].low in MONTHS:
            return True  # "March 13 2019"
        counted = after is not None and after.text.islower() and after.low not in _STOP_WORDS
        if before.low in YEAR_PREPOSITIONS and not counted:
            return True  # "in 2019", "since 2014" (but "of 2000 people" is a count)
    return False


def _apply_qualifier(
    qualifier: str | None, low: float, high: float, vague: bool
) -> tuple[float, float, bool, bool]:
    """(low, high, low_inclusive, high_inclusive) for a qualified figure.

    ``low == high`` for an exact figure; a range or a vague word gives low < high, and a
    vague word's top is exclusive ("hundreds" stops short of 1,000).
    """
    inf = math.inf
    exact = low == high
    match qualifier:
        case "at_least":
            return low, inf, True, False
        case "more_than":
            return (low, inf, False, False) if exact else (low, inf, True, False)
        case "just_over":
            return low, high * (1 + APPROXIMATE_MARGIN), False, True
        case "nearly":
            return low * (1 - NEARLY_MARGIN), high, True, False
        case "approx":
            return low * (1 - APPROXIMATE_MARGIN), high * (1 + APPROXIMATE_MARGIN), True, True
        case "up_to":
            return 0.0, high, True, not vague
        case "less_than":
            return 0.0, low, True, False
        case _:
            return low, high, True, not vague


def _counted_noun(tokens: list[_Token], j: int) -> str:
    """The head of the noun phrase after a figure: "four SDF fighters were" → "fighter"."""
    if j < len(tokens) and tokens[j].low == "of":
        j += 1
        if j < len(tokens) and tokens[j].low in _PRONOUNS:
            return ""
        if j < len(tokens) and tokens[j].low in _DETERMINERS:
            j += 1
    run: list[str] = []
    while j < len(tokens) and len(run) < 4:
        token = tokens[j]
        if not token.text[0].isalpha() or token.low in _STOP_WORDS or _is_number_word(token):
            break
        if run and token.low.endswith(("ed", "ing")):
            break  # "12 people killed": the verb ends the phrase
        run.append(token.low)
        j += 1
    while run and (run[-1] in _MODIFIERS or run[-1].endswith(("ed", "ing"))):
        run.pop()
    return singular(run[-1]) if run else ""


def _fmt(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    value = round(value, 6)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


def _json_number(value: float) -> float | int | None:
    if math.isinf(value):
        return None
    value = round(value, 6)
    return int(value) if value.is_integer() else value


def pair_quantities(
    first: Sequence[Quantity], second: Sequence[Quantity]
) -> list[tuple[Quantity, Quantity]]:
    """Figures about the same thing, to be checked against each other: those with the same
    unit and the same counted noun; failing any, when each side has exactly one figure,
    those two, unless both name their noun and the nouns differ ("six years" and "four
    fighters" are not about the same thing)."""
    pairs = [
        (x, y) for x in first for y in second if x.unit == y.unit and x.noun and x.noun == y.noun
    ]
    if not pairs and len(first) == 1 and len(second) == 1:
        x, y = first[0], second[0]
        if x.unit == y.unit and (not x.noun or not y.noun):
            pairs.append((x, y))
    return pairs
