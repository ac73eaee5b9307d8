"""Tests on the words around a cue: whether a verb's object reads as speech, whether the
words after an inverted cue can open a speaker, whether a subject agrees with a base form
or presents evidence."""

from __future__ import annotations

import re

from suggestions.extraction import lexicon as R
from suggestions.extraction.phrases import head_index, is_verb, tokenize

# Verbs whose plain object is no speech ("reported $2 billion in revenue", "responded with
# chants"): their speech must be a clause or a quote.
_CLAUSE_VERBS = R.words(
    "reported responded replied posted wrote writes announced noted maintained added declared "
    "confirmed claimed denied pledged charged testified asked reiterated demanded suggested "
    "explained"
)
_INFINITIVE_RE = re.compile(r"\bto\s+[a-z]{2,}\b")
_CALLED_SPEECH_RE = re.compile(r"(?:for|on|upon)\b|\S+(?:\s+\S+){0,4}?\s+(?:a|an)\s")
_BARE_PREPOSITIONS = R.words("to at in on during with after before for from about")
_PLURAL_PRONOUNS = R.words("i we they you")
_PLURAL_WORDS = R.words("police many most some others few several both all")


def _speaker_start_ok(toks: list[tuple[int, int, str]]) -> bool:
    """Whether words after an inverted cue can open its speaker: not "of Mr. Varga",
    "dryly", "Sunday", "there’s a", "she couldn’t see ..."."""
    if not toks:
        return False
    first, lower = toks[0][2], toks[0][2].lower()
    if lower in R.SUBJECT_PRONOUNS:
        return len(toks) == 1 or toks[1][2] == ","
    if lower in R.WEEKDAYS or lower in R.PREPOSITIONS or lower in R.CLAUSE_WORDS:
        return False
    return not (first.islower() and (lower.endswith("ly") or "’" in lower or "'" in lower))


def _object_ok(masked: str, cue: str, start: int, end: int) -> bool:
    """Whether what follows a verb that also has a plain object reads as speech: "reported
    that ...", not "reported from Washington"; "called the plan “a farce”", "called for
    calm", not "called both candidates on Tuesday"."""
    if cue == "called":
        return bool(_CALLED_SPEECH_RE.match(masked, start, end)) or "“" in masked[start:end]
    toks = tokenize(masked, start, end)
    clause = any(is_verb(toks, i) or t[2] == "“" for i, t in enumerate(toks))
    if toks and toks[0][2] in _BARE_PREPOSITIONS and not clause and cue in R.TOLD_VERBS:
        return False  # "told his audience, to rowdy applause"
    if cue not in _CLAUSE_VERBS:
        return True
    if cue == "asked" and _INFINITIVE_RE.search(masked, start, end):
        return True  # "asked the court to delay the vote": a request
    return any(is_verb(toks, i) or t[2] == "“" for i, t in enumerate(toks))


def _no_clause(masked: str, start: int, end: int) -> bool:
    """A number phrase without a verb: what a cue's object is when the cue is no cue."""
    if not masked[start].isdigit():
        return False
    toks = tokenize(masked, start, end)
    return not any(is_verb(toks, i) or t[2] == "“" for i, t in enumerate(toks))


def _plural_word(word: str) -> bool:
    """A subject a base-form verb agrees with: "they", "we", "critics", "the police"."""
    if word in _PLURAL_PRONOUNS or word in R.GROUP_HEADS or word in _PLURAL_WORDS:
        return True
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _evidence_subject(masked: str, start: int, end: int) -> bool:
    """A poll, study, report or researchers: a subject whose findings are evidence."""
    toks = tokenize(masked, start, end)
    if not toks:
        return False
    head = toks[head_index(toks)][2].lower()
    return head in R.EVIDENCE_HEADS or head in R.EVIDENCE_PEOPLE
