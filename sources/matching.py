"""Whether two names are one source: the comparison source resolution and the duplicate
finder share.

Names are compared in a *key* form: case folded, titles dropped ("Sen.", "Mr.",
"President"), middle names and initials dropped for people ("Donald J. Trump" → "donald
trump"), dots taken out of acronyms ("F.B.I." → "fbi") and a leading "the" dropped. Then:

=====================================================  ==========  =======================
case                                                   confidence  reason
=====================================================  ==========  =======================
same key                                               1.0         ``same name``
people with the same first and last name               0.95        ``same first and last``
a surname alone, and the article names the person      0.9         ``surname, named in
in full                                                            the article``
a surname alone (one person in the archive has it)     0.7         ``surname only``
an organisation's acronym and its full name, the       0.9         ``acronym, both in the
article holding both                                               article``
an organisation's acronym and its full name            0.75        ``acronym``
=====================================================  ==========  =======================

Pure: no Django, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sources.names import fold_accents

_TITLE_WORDS = """
mr mrs ms miss dr prof sen senator rep representative gov governor pres president vice
secretary gen general col lt sgt adm mayor judge justice rev sir dame lord lady former
candidate nominee chairman chairwoman speaker leader
"""
TITLES = frozenset(_TITLE_WORDS.split())
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_FUNCTION = frozenset({"of", "the", "and", "for", "on", "in", "at", "&"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class NameMatch:
    confidence: float
    reason: str


def _words(name: str) -> list[str]:
    # Accents dropped: "Calderón" and "Calderon" are one name.
    name = fold_accents(unicodedata.normalize("NFKC", name)).replace("’", "'")
    # "F.B.I." and "U.S." are one word each.
    name = re.sub(r"\b((?:[A-Za-z]\.){2,})", lambda m: m.group(1).replace(".", ""), name)
    return _WORD.findall(name)


def name_key(name: str, *, person: bool = False) -> str:
    """The form two names of one source share (see the module's text)."""
    words = [w.casefold() for w in _words(name)]
    if words and words[0] == "the":
        words = words[1:]
    if person:
        words = [w for w in words if w not in TITLES and w not in _SUFFIXES]
        if len(words) > 2:
            words = [words[0], words[-1]]
        elif len(words) == 2 and len(words[1]) == 1:
            words = words[:1]
    return " ".join(words)


def _person_words(name: str) -> list[str]:
    return [
        w.casefold()
        for w in _words(name)
        if w.casefold() not in TITLES and w.casefold() not in _SUFFIXES and len(w) > 1
    ]


def person_parts(name: str) -> tuple[str, str]:
    """(first name, surname), case folded; ("", surname) for a surname alone."""
    words = name_key(name, person=True).split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    return words[0], words[-1]


def acronym(name: str) -> str:
    """The initials of an organisation's name ("Associated Press" → "ap"), "" for one
    word."""
    words = [w for w in _words(name) if w.casefold() not in _FUNCTION]
    if len(words) < 2:
        return ""
    return "".join(w[0] for w in words).casefold()


def is_acronym(name: str) -> bool:
    words = _words(name)
    return len(words) == 1 and words[0].isupper() and 2 <= len(words[0]) <= 8


def _in_text(phrase: str, text_key: str) -> bool:
    return bool(phrase) and f" {phrase} " in f" {text_key} "


def text_key(text: str) -> str:
    """An article's text in key form (case folded, words only), for "named in the article"."""
    return " ".join(w.casefold() for w in _words(text))


def compare_names(
    proposed: str, existing: str, *, kind: str, article_text_key: str = ""
) -> NameMatch | None:
    """How sure it is that ``proposed`` (as an article names a source) and ``existing`` (a
    source's name or alias) are one source of ``kind``, or None."""
    person = kind == "person"
    a, b = name_key(proposed, person=person), name_key(existing, person=person)
    if not a or not b:
        return None
    if a == b:
        return NameMatch(1.0, "same name")
    if person:
        full_a, full_b = _person_words(proposed), _person_words(existing)
        fewer, more = sorted((full_a, full_b), key=len)
        if len(fewer) >= 2 and len(more) > len(fewer) and more[-len(fewer) :] == fewer:
            # "Billionaire Donald Trump", "Democrat Hillary Clinton": a description before
            # the full name.
            return NameMatch(0.95, "same name after a description")
        (first_a, last_a), (first_b, last_b) = person_parts(proposed), person_parts(existing)
        if last_a != last_b or not last_a:
            return None
        if first_a and first_b:
            return NameMatch(0.95, "same first and last name") if first_a == first_b else None
        full = f"{first_a or first_b} {last_a}"
        if _in_text(full, article_text_key):
            return NameMatch(0.9, "surname, named in full in the article")
        return NameMatch(0.7, "surname only")
    if kind in ("organization", "official_account"):
        short, long = (proposed, existing) if is_acronym(proposed) else (existing, proposed)
        if is_acronym(short) and acronym(long) == short.casefold():
            both = _in_text(name_key(long), article_text_key) and _in_text(
                name_key(short), article_text_key
            )
            return (
                NameMatch(0.9, "acronym, both in the article")
                if both
                else NameMatch(0.75, "acronym")
            )
    return None
