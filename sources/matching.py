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
from functools import lru_cache

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


# A check compares each source's name with many others': the key is computed once.
@lru_cache(maxsize=65_536)
def name_key(name: str, *, person: bool = False) -> str:
    """The form two names of one source share (see the module's text)."""
    words = [w.casefold() for w in _words(name)]
    if words and words[0] == "the":
        words = words[1:]
    if person:
        suffix = [words[-1]] if len(words) > 2 and words[-1] in _SUFFIXES else []
        words = [w for w in words if w not in TITLES and w not in _SUFFIXES]
        if len(words) > 2:
            words = [words[0], words[-1]]
        elif len(words) == 2 and len(words[1]) == 1 and words[1].isalpha():
            words = words[:1]
        # A son is not his father: "Donald Trump Jr." keeps its "jr".
        words += suffix if len(words) == 2 else []
    return " ".join(words)


def _suffix(name: str) -> str:
    words = name_key(name, person=True).split()
    return words[-1] if len(words) == 3 else ""


def _person_words(name: str) -> list[str]:
    return [
        w.casefold()
        for w in _words(name)
        if w.casefold() not in TITLES and w.casefold() not in _SUFFIXES and len(w) > 1
    ]


def person_parts(name: str) -> tuple[str, str]:
    """(first name, surname), case folded; ("", surname) for a surname alone."""
    words = name_key(name, person=True).split()[:2]
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


def has_linking_word(name: str) -> bool:
    """Whether a person's name holds a :data:`LINKING_WORDS` word ("Look At Hillary": a
    headline's words, not a name)."""
    return any(w.casefold() in LINKING_WORDS for w in name.split()[1:-1])


def in_text(phrase: str, text_key: str) -> bool:
    """Whether ``phrase`` (in key form) is a run of whole words of ``text_key``."""
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
        suffixes = _suffix(proposed), _suffix(existing)
        if suffixes[0] != suffixes[1] and all(suffixes):
            return None
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
            if first_a != first_b or suffixes[0] != suffixes[1]:
                return None
            return NameMatch(0.95, "same first and last name")
        full = f"{first_a or first_b} {last_a}"
        if in_text(full, article_text_key):
            return NameMatch(0.9, "surname, named in full in the article")
        return NameMatch(0.7, "surname only")
    if kind in ("organization", "official_account"):
        short, long = (proposed, existing) if is_acronym(proposed) else (existing, proposed)
        if is_acronym(short) and acronym(long) == short.casefold():
            both = in_text(name_key(long), article_text_key) and in_text(
                name_key(short), article_text_key
            )
            return (
                NameMatch(0.9, "acronym, both in the article")
                if both
                else NameMatch(0.75, "acronym")
            )
    return None


# Capitalised words that stand before a surname without being a first name: sentence
# openers, parties, descriptions ("When Donald Trump", "Democrat Hillary Clinton").
_NOT_FIRST_TEXT = """
    a an the and but or nor so yet if as when while after before since until because though
    although once where whether then also still even only just meanwhile however like with
    without for from to of in on at by about against between during under over than that
    this these those his her their our its my your what who whom whose which why how
    republican republicans democrat democrats democratic gop independent libertarian
    conservative liberal progressive presidential state states house white senate congress
    federal american americans us team campaign billionaire businessman mogul new
"""
NOT_FIRST_NAMES = frozenset(_NOT_FIRST_TEXT.split()) | TITLES
# Words that open a sentence before a surname without being a first name.
_OPENERS_TEXT = """
did does do is was were will would could should can may might has have had asked says said
tells told then now here there yes no why how what despite meanwhile
"""
_OPENERS = frozenset(_OPENERS_TEXT.split())
# Words that join a sentence's parts ("Pressure From Clinton") and never stand inside a
# person's name, though an organisation's may hold them ("Center for ...").
_LINKING_TEXT = """
for to with from at on in by about against into over after
"""
LINKING_WORDS = frozenset(_LINKING_TEXT.split())
_FUNCTION_IN_RUN = LINKING_WORDS | {"and", "or", "of", "the", "vs", "vs."}
_TEXT_WORD = re.compile(r"[^\W\d_][\w'’\-]*\.?")
_SUFFIX_AFTER = re.compile(r",?\s+(Jr|Sr|II|III|IV)\b\.?")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”‘’(\n])\s*$")


def _bare(word: str) -> str:
    word = fold_accents(word).casefold().replace("’", "'").rstrip(".")
    return word[:-2] if word.endswith("'s") else word


def full_names_in_text(text: str, surname: str) -> dict[str, str]:
    """The people of ``surname`` whom ``text`` names in full: their first name (case folded,
    with "jr" and the like after it for a son) → the fullest form written ("Donald J.
    Trump"). Titles, parties, descriptions and sentence openers before the name are not
    first names ("Sen. Ted Cruz", "Democrat Hillary Clinton", "When Donald Trump");
    neither is a capitalised word opening a sentence that the text also writes in lower
    case ("Did Trump ..."). Initials are not first names ("J. Trump")."""
    target = _bare(surname)
    if not target:
        return {}
    words = list(_TEXT_WORD.finditer(text))

    def opens_at(word: re.Match[str]) -> bool:
        return bool(_SENTENCE_END.search(text[max(0, word.start() - 40) : word.start()]))

    lower_words = {m.group().rstrip(".") for m in words if m.group()[0].islower()}
    found: dict[str, str] = {}
    for i, match in enumerate(words):
        if _bare(match.group()) != target or not match.group()[0].isupper():
            continue
        run: list[re.Match[str]] = []
        j = i - 1
        while j >= 0 and len(run) < 4:
            before = words[j]
            gap = text[before.end() : words[j + 1].start()]
            if gap.strip() or not before.group()[0].isupper():
                break
            if before.group().endswith(".") and not _abbreviation(before.group()):
                break  # "Bill Clinton. Did Clinton": a sentence ends between them
            run.insert(0, before)
            j -= 1
        start = None
        uncertain = False
        # After the last title, function word or possessive inside the run: "Ohio Gov.
        # Tomas Kell", "Ana Reyes And Tomas Kell", "the Harbour Board’s Tomas Kell".
        cut = [
            k
            for k, word in enumerate(run)
            if _bare(word.group()) in TITLES
            or word.group().casefold() in _FUNCTION_IN_RUN
            or word.group().endswith(("'s", "’s"))
        ]
        run = run[cut[-1] + 1 :] if cut else run
        for k, word in enumerate(run):
            plain = word.group().rstrip(".")
            if len(plain) == 1 or (plain.isupper() and len(plain) <= 3):
                continue  # an initial ("J.") or an acronym ("GOP")
            if _bare(plain) in NOT_FIRST_NAMES or re.search(r"-[a-z]", plain):
                continue  # a title, a party, "Co-moderator"
            named_after = any(
                len(w.group().rstrip(".")) > 1 and w.group()[0].isupper() for w in run[k + 1 :]
            )
            common = plain.casefold() in lower_words
            if common and named_after:
                continue  # a common word before the name: "Despite Tomas Kell"
            if plain.casefold() in _OPENERS:
                continue  # "Did Kell ...", "Despite Tomas Kell"
            if common and k == 0 and opens_at(word):
                # "Bill Kell" opening a sentence of a text that writes "bill": maybe a
                # first name, maybe not; it makes the surname undecided, never guessed.
                uncertain = True
            start = k
            break
        if start is None:
            continue
        first = ("?" if uncertain else "") + _bare(run[start].group())
        surname_as_written = match.group().rstrip(".")
        if surname_as_written.endswith(("'s", "’s")):
            surname_as_written = surname_as_written[:-2]
        form = " ".join([*(w.group() for w in run[start:]), surname_as_written])
        suffix = _SUFFIX_AFTER.match(text, match.end())
        if suffix and not match.group().endswith(("'s", "’s")):
            first = f"{first} {suffix.group(1).casefold()}"
            form = f"{form} {suffix.group(1)}."
        # Keep the fullest form written ("Donald J. Trump" over "Donald Trump").
        if first not in found or len(form) > len(found[first]):
            found[first] = form
    return found


def _abbreviation(word: str) -> bool:
    plain = word.rstrip(".")
    return len(plain) == 1 or plain.casefold() in TITLES or plain.casefold() in _SUFFIXES


def is_bare_surname(name: str) -> bool:
    """Whether a person's ``name`` is a surname alone, with or without a title ("Trump",
    "Mr. Trump", "Sen. Cruz")."""
    return len(name_key(name, person=True).split()) == 1
