"""Tokens and noun phrases: the speaker's noun phrase before or after a cue, and whether a
stretch of words reads as a noun phrase or a clause."""

from __future__ import annotations

import re

from suggestions.extraction.lexicon import (
    ANON_PLURALS,
    ANON_ROLE_HEADS,
    AUX_TAIL_RE,
    CHANNEL_RE,
    CLAUSE_WORDS,
    DETERMINERS,
    ED_ADJECTIVES,
    FINITE_WORDS,
    GROUP_HEADS,
    MONTHS,
    NEGATIVE_SUBJECTS,
    NON_SUBJECT_OPENERS,
    ORG_HEADS,
    PARENTHETICALS,
    POSTMODIFIER_STARTS,
    PREPOSITIONS,
    QUANTIFIERS,
    RELATIVE_WORDS,
    SPEECH_VERBS,
    SUBJECT_PRONOUNS,
    WEEKDAYS,
    WHEN_RE,
)

TOKEN_RE = re.compile(r"[^\W_][\w’'.&/-]*|[,“”:;()—–]|~+")


def tokenize(masked: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Word and punctuation tokens with their offsets."""
    return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(masked, start, end)]


def is_verb(tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Whether the token reads as a finite verb (so the phrase is a clause, not a name)."""
    word = tokens[i][2]
    if word[0].isupper():
        return False  # "May", "Will": names and months, not verbs, inside a noun phrase
    lower = word.lower()
    if lower in FINITE_WORDS:
        return True
    if (
        len(lower) > 3
        and lower.endswith("ed")
        and not lower.endswith("eed")
        and "-" not in lower
        and word[0].islower()
        and lower not in ED_ADJECTIVES
        and i > 0
    ):
        prev = tokens[i - 1][2].lower()
        return not (
            prev in DETERMINERS
            or prev in QUANTIFIERS
            or prev in PREPOSITIONS
            or prev.endswith("ly")
            or prev in {",", "and", "or", "“", "newly"}
        )
    return False


def head_index(tokens: list[tuple[int, int, str]]) -> int:
    """Index of the head noun: the last word before a preposition, comma or relative."""
    head = -1
    for i, (_, _, word) in enumerate(tokens):
        lower = word.lower()
        if i > 0 and (
            lower in PREPOSITIONS
            or lower in RELATIVE_WORDS
            or lower in POSTMODIFIER_STARTS
            or word in ",(:;"
        ):
            break
        if word[0].isalnum():
            head = i
    return head


def np_like(tokens: list[tuple[int, int, str]]) -> bool:
    """Whether tokens read as a subject noun phrase (no verb, a plausible first word)."""
    if not tokens or len(tokens) > 16:
        return False
    first = tokens[0][2]
    lower = first.lower()
    if lower in SUBJECT_PRONOUNS:
        return len(tokens) == 1
    if lower in NEGATIVE_SUBJECTS:
        return False  # "No one said ...", "Nobody said ...": nobody speaks
    if lower in NON_SUBJECT_OPENERS or lower in CLAUSE_WORDS or lower in WEEKDAYS:
        return False
    if lower in MONTHS and len(tokens) > 1 and tokens[1][2][0].isdigit():
        return False
    for i, (_, _, word) in enumerate(tokens):
        if word.lower() in CLAUSE_WORDS or word in ":;“" or is_verb(tokens, i):
            return False
        if i > 0 and word.lower() in SPEECH_VERBS:
            return False
    if first[0].isupper() or first[0].isdigit() or lower in DETERMINERS or lower in QUANTIFIERS:
        return True
    head = tokens[head_index(tokens)][2].lower()
    if head in ANON_ROLE_HEADS or head in GROUP_HEADS or head in ORG_HEADS:
        return True
    # A bare lowercase plural ("stall holders", "medics") can be a subject; a bare word that
    # might be a verb or an adverb cannot.
    return len(tokens) <= 3 and head.endswith("s") and not first.endswith("ing")


def _segments(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Stretches of ``[lo, hi)`` between commas, closing quotes, colons and dashes."""
    out: list[tuple[int, int]] = []
    start = lo
    for i in range(lo, hi):
        if masked[i] in ",”:;—–(":
            out.append((start, i))
            start = i + 1
    out.append((start, hi))
    return out


def np_backward(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject noun phrase ending at ``hi`` (just before a speech verb), or None.

    Takes up to three comma-separated noun phrases in apposition ("A spokesman for the
    forces, Adnan Afrin,"), skipping a relative or participle clause between the phrase and
    the verb ("Whitlock, who led the club ..., said"), and stops at anything that is not a
    noun phrase (a clause, an adverbial opener).
    """
    lo = max(lo, hi - 400)
    aux = AUX_TAIL_RE.search(masked, lo, hi)
    if aux:
        hi = aux.start()
    while hi > lo and masked[hi - 1].isspace():
        hi -= 1
    if hi <= lo:
        return None
    segments = _segments(masked, lo, hi)
    accepted: list[tuple[int, int]] = []
    skipped_clause = False
    for s, e in reversed(segments):
        toks = tokenize(masked, s, e)
        if not toks:
            if accepted or skipped_clause:
                break
            continue
        if len(toks) <= 3 and " ".join(t[2].lower() for t in toks) in PARENTHETICALS:
            continue  # "The council, however, said ..."
        first = toks[0][2].lower()
        if (
            not accepted
            and not skipped_clause
            and (first in RELATIVE_WORDS or (first.endswith("ing") and toks[0][2][0].islower()))
        ):
            skipped_clause = True
            continue
        if np_like(toks):
            if accepted and (
                toks[0][2].lower() in SUBJECT_PRONOUNS
                or masked[e] != ","
                or _is_pronoun_segment(masked, accepted[0])
            ):
                break
            accepted.insert(0, (toks[0][0], toks[-1][1]))
            if len(accepted) == 3:
                break
            continue
        if not accepted:
            restricted = _before_relative(toks)
            if restricted is not None:
                accepted.insert(0, restricted)
                break
            suffix = _np_suffix(toks)
            if suffix is not None:
                accepted.insert(0, suffix)
        break
    if not accepted:
        return None
    return accepted[0][0], accepted[-1][1]


def _is_pronoun_segment(masked: str, span: tuple[int, int]) -> bool:
    return masked[span[0] : span[1]].lower() in SUBJECT_PRONOUNS


def _before_relative(toks: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """ "A rescuer who took part in the operation": the phrase before a relative clause that
    has its own verb. ("a decision that stall holders" has none: the subject is later.)"""
    for i in range(1, len(toks)):
        if toks[i][2].lower() in ("who", "that", "which"):
            clause = toks[i + 1 :]
            if np_like(toks[:i]) and any(is_verb(clause, j) for j in range(len(clause))):
                return toks[0][0], toks[i - 1][1]
            return None
    return None


def _np_suffix(toks: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The longest noun-phrase suffix of a stretch ("On Tuesday the ministry" -> "the
    ministry"), starting with a determiner, a capitalised word or a known head noun."""
    for i in range(max(1, len(toks) - 12), len(toks)):
        word = toks[i][2]
        lower = word.lower()
        if lower in WEEKDAYS or lower in MONTHS or lower in CLAUSE_WORDS:
            continue
        starts_well = (
            lower in DETERMINERS
            or lower in QUANTIFIERS
            or word[0].isupper()
            or lower in GROUP_HEADS
            or lower in ANON_PLURALS
            or lower in ORG_HEADS
        )
        if starts_well and np_like(toks[i:]):
            return toks[i][0], toks[-1][1]
    return None


def np_forward(
    masked: str, lo: int, hi: int, *, until_verb: bool = False
) -> tuple[int, int, int] | None:
    """A speaker noun phrase starting at ``lo`` (after an inverted verb or "according to").

    Returns ``(start, end, stop)``: the phrase and where it stopped (a relative clause, a
    time or channel phrase, ", adding", a quote, the sentence end), or None when a verb
    shows that a clause, not a speaker, follows. With ``until_verb`` the phrase before the
    verb is returned instead: the subject of a clause ("Sarv called ... and said ...").
    """
    hi = min(hi, lo + 400)
    toks = tokenize(masked, lo, hi)
    if not toks:
        return None
    end = -1
    count = 0
    for i, (s, _, word) in enumerate(toks):
        lower = word.lower()
        if lower in RELATIVE_WORDS or word in ":;“(—–" or lower == "adding":
            return _np_result(toks, end, s)
        if count and (WHEN_RE.match(masked, s, hi) or CHANNEL_RE.match(masked, s, hi)):
            return _np_result(toks, end, s)
        if word == ",":
            nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
            nlow = nxt.lower()
            # An apposition follows a comma: "Simone Awad, a fighter", "Irena Dobos, editor
            # of the Daily", "Pieter Olm, 64, ..."; a participle or relative clause does not.
            if (
                not nxt
                or not nxt[0].isalnum()
                or nlow in RELATIVE_WORDS
                or nlow in {"adding", "according", "speaking", "and", "but"}
                or (nxt[0].islower() and (nlow.endswith("ing") or is_verb(toks, i + 1)))
            ):
                return _np_result(toks, end, s)
            continue
        if is_verb(toks, i) or (count and lower in SPEECH_VERBS):
            return _np_result(toks, end, s) if until_verb else None
        if i == 0 and (lower in NON_SUBJECT_OPENERS or lower in CLAUSE_WORDS):
            return None
        count += 1
        if count > 24:
            return None
        end = i
    return _np_result(toks, end, hi)


def _np_result(
    toks: list[tuple[int, int, str]], end: int, stop: int
) -> tuple[int, int, int] | None:
    if end < 0:
        return None
    return toks[0][0], toks[end][1], stop
