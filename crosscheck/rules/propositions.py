"""Whether two statements say the same thing: the score claim suggestions are made from.

An attribution's words and a claim's text (or another attribution's words) are compared as
propositions, not as strings: their content words (stop words dropped, plurals and verb
endings folded), named entities and figures. Lexical matching of this kind is what
same-language claim matching systems use (BM25-style term overlap is reported to equal
sentence embeddings there), and it runs anywhere, with no model to download.

- **score** (0-1): a weighted Dice coefficient of the two sets of terms, where a named
  entity (a capitalised word not opening the sentence) or a figure weighs
  :data:`ENTITY_WEIGHT` and any other content word 1; or, when one statement's terms are
  nearly all in the other (a quote inside a longer one), that containment, scaled by
  :data:`CONTAINMENT_FACTOR`, whichever is higher. Terms that occur in many texts can be
  weighted down with ``idf``.
- **figures**: whether the figures agree; two statements of the same event with different
  figures are still the same proposition (that is what a numeric conflict is), so a
  mismatch costs only :data:`FIGURE_PENALTY`.
- **negated**: exactly one of the two denies what the other says ("not", "never", "no",
  "n't"); the link is then made with the stance *denies*.

Pure: no Django, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

ENTITY_WEIGHT = 2.0
CONTAINMENT_FACTOR = 0.95
FIGURE_PENALTY = 0.9
# Containment counts only when the smaller statement has this many terms or more: "the
# economy" is inside many statements without being what they say.
MIN_CONTAINED_TERMS = 5

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_]+(?:['’][^\W\d_]+)*")
_NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "neither", "nor", "none"})
_STOP_TEXT = """
a about above after again against all also am an and any are as
at be because been before being below between both but by can could did
do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is
it its itself just me more most my myself of off on once only
or other our ours ourselves out over own same she should so some such
than that the their theirs them themselves then there these they this those through
to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves said says say
saying told tell according mr mrs ms dr
"""
STOP_WORDS = frozenset(_STOP_TEXT.split()) | _NEGATIONS


@dataclass(frozen=True)
class Proposition:
    """A statement's terms: content words and entities (folded), figures, negation."""

    terms: frozenset[str]
    entities: frozenset[str]
    figures: frozenset[str]
    negated: bool


@dataclass(frozen=True)
class PropositionMatch:
    score: float
    shared: tuple[str, ...]
    figures_agree: bool
    negated: bool
    contained: bool


def _fold(word: str) -> str:
    word = word.casefold().replace("’", "'")
    if word.endswith("n't"):
        word = word[:-3]
    elif word.endswith("'s"):
        word = word[:-2]
    for suffix, keep in (("ies", 4), ("ing", 5), ("ed", 4), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= keep and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@lru_cache(maxsize=32_768)
def proposition(text: str) -> Proposition:
    """The terms of ``text`` as :func:`proposition_similarity` compares them."""
    text = unicodedata.normalize("NFKC", text)
    terms: set[str] = set()
    entities: set[str] = set()
    figures: set[str] = set()
    negated = False
    sentence_start = True
    for match in _TOKEN.finditer(text):
        word = match.group()
        lower = word.casefold().replace("’", "'")
        if lower in _NEGATIONS or lower.endswith("n't"):
            negated = not negated if lower != "nor" else negated
        if word[0].isdigit():
            figure = word.rstrip("%").replace(",", "")
            figures.add(figure)
            terms.add(figure)
        elif lower not in STOP_WORDS and len(lower) > 1:
            folded = _fold(word)
            terms.add(folded)
            if word[0].isupper() and not sentence_start:
                entities.add(folded)
        tail = text[match.end() : match.end() + 2]
        sentence_start = any(ch in ".!?:" for ch in tail)
    return Proposition(frozenset(terms), frozenset(entities), frozenset(figures), negated)


def _weight(term: str, p: Proposition, idf: Mapping[str, float] | None) -> float:
    base = ENTITY_WEIGHT if term in p.entities or term in p.figures else 1.0
    return base * (idf.get(term, 1.0) if idf else 1.0)


def proposition_similarity(
    a: str, b: str, *, idf: Mapping[str, float] | None = None
) -> PropositionMatch:
    """How far statements ``a`` and ``b`` say the same thing (see the module's text)."""
    pa, pb = proposition(a), proposition(b)
    shared = pa.terms & pb.terms
    figures_agree = not (pa.figures and pb.figures) or bool(pa.figures & pb.figures)
    negated = pa.negated != pb.negated
    if not pa.terms or not pb.terms or not shared:
        return PropositionMatch(0.0, (), figures_agree, negated, False)
    merged = Proposition(
        pa.terms | pb.terms, pa.entities | pb.entities, pa.figures | pb.figures, False
    )
    w_shared = sum(_weight(t, merged, idf) for t in shared)
    w_a = sum(_weight(t, merged, idf) for t in pa.terms)
    w_b = sum(_weight(t, merged, idf) for t in pb.terms)
    dice = 2 * w_shared / (w_a + w_b)
    smaller = pa if w_a <= w_b else pb
    contained = len(smaller.terms) >= MIN_CONTAINED_TERMS and w_shared / min(w_a, w_b) >= 0.9
    score = max(dice, CONTAINMENT_FACTOR * w_shared / min(w_a, w_b) if contained else 0.0)
    if not figures_agree:
        score *= FIGURE_PENALTY
    return PropositionMatch(
        round(score, 4), tuple(sorted(shared)), figures_agree, negated, contained
    )


def proposed_claim_text(statement: str) -> str:
    """A claim's text proposed from an attribution's words: without quotation marks or a
    leading "that", starting with a capital and ending with a full stop."""
    text = " ".join(statement.split()).strip("\"“”„‟«»'‘’ ")
    if text[:5].casefold() == "that ":
        text = text[5:]
    text = text.rstrip(",;: ")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
