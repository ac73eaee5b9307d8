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
    PARTICIPLE_CUES,
    POSTMODIFIER_STARTS,
    PREPOSITIONS,
    QUANTIFIERS,
    RELATIVE_WORDS,
    SPEECH_VERBS,
    SUBJECT_PRONOUNS,
    WEEKDAYS,
    WHEN_RE,
    words,
)

# Words that open a subordinate clause after a speaker: "... said Ortiz as he left".
SUBORDINATORS = words(
    "as while when after before because since although though until unless whereas"
)
_SUBORDINATE_JOINS = words("and but when after because as since while although though before")
_ADVERB_TAIL_RE = re.compile(r"\s+([a-z]{2,}ly)\s*$")
_LY_NOUNS = words("family ally rally assembly supply monopoly bully tally daily weekly monthly")
# What may stand between a subject and its verb: an adverb, a relative clause between
# commas, a short parenthesis.
_SKIPPABLE_RE = re.compile(
    r"(?:also|then|later|again|still|now|quickly|[a-z]{3,}ly)\b"
    r"|(?:who|which)\b[^,;“”]{1,120},|\([^()]{1,30}\)"
)
_ASIDE_STARTS = words("after before during in at on with without like despite for")
_QUANTITY_LEAD_RE = re.compile(r"at (?:least|most)|(?:more|less|fewer) than|as many|nearly all")
_SHORT_PAREN_RE = re.compile(r"\([A-Z0-9][\w.&/-]*(?: [\w.&/-]+){0,2}\)")
_PRONOUN_OPENERS = words("But And Yet So Then Now Still Instead Later Earlier")
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
            or (prev.endswith("ly") and prev not in _LY_NOUNS)
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
    if len(tokens) > 2 and _QUANTITY_LEAD_RE.fullmatch(f"{tokens[0][2]} {tokens[1][2]}".lower()):
        tokens = tokens[2:]  # "at least a dozen members", "more than 200 residents"
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
    if _described_name(tokens):
        return True  # "screenwriter Cole Haddon", "chief executive Lowell McAdam"
    # A bare lowercase plural ("stall holders", "medics") can be a subject; a bare word that
    # might be a verb or an adverb cannot.
    return len(tokens) <= 3 and head.endswith("s") and not first.endswith("ing")


def _described_name(tokens: list[tuple[int, int, str]]) -> bool:
    """Lowercase descriptor words before a capitalised name, nothing else."""
    names = 0
    while names < len(tokens) and tokens[len(tokens) - 1 - names][2][0].isupper():
        names += 1
    prefix = tokens[: len(tokens) - names]
    # "super PAC spokeswoman Kellyanne Conway": acronyms may qualify the role word.
    return (
        0 < names <= 5
        and 0 < len(prefix) <= 4
        and prefix[-1][2].islower()
        and all(
            t[2].isalpha()
            and (t[2].islower() or (t[2].isupper() and len(t[2]) > 1))
            and not t[2].endswith("ly")
            and t[2] not in DETERMINERS
            and t[2] not in PREPOSITIONS
            and t[2] not in NON_SUBJECT_OPENERS
            and t[2] not in CLAUSE_WORDS
            and t[2] not in SUBORDINATORS
            and t[2] not in ("and", "or", "to", "not")
            for t in prefix
        )
    )


def _segments(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Stretches of ``[lo, hi)`` between commas, closing quotes, colons, dashes and
    parentheses; a short parenthesis that names ("(D-Nev.)", "(SOHR)") does not split."""
    out: list[tuple[int, int]] = []
    start = lo
    for i in range(lo, hi):
        char = masked[i]
        if char == "(" and _SHORT_PAREN_RE.match(masked, i, min(hi, i + 32)):
            continue
        if char in ",”:;—–(":
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
    adverb = _ADVERB_TAIL_RE.search(masked, lo, hi)
    if adverb and adverb.group(1) not in _LY_NOUNS:
        hi = adverb.start()  # "Ms. Ruiz firmly declared": the adverb is not in the subject
    while hi > lo and masked[hi - 1].isspace():
        hi -= 1
    if hi <= lo:
        return None
    segments = _segments(masked, lo, hi)
    accepted: list[tuple[int, int]] = []
    skipped_clause = False
    tentative = False  # a bare role phrase, kept only if a name comes before it
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
            and (
                first in RELATIVE_WORDS
                or (first.endswith("ing") and toks[0][2][0].islower())
                or (first.endswith("ed") and len(toks) > 1 and toks[1][2] == "by")
                # "Sandvik, after a long pause, said": a phrase between commas
                or (first in _ASIDE_STARTS and s > lo and masked[s - 1] == "," and len(toks) < 8)
            )
        ):
            skipped_clause = True
            continue
        if np_like(toks):
            if (
                accepted
                and (
                    toks[0][2].lower() in SUBJECT_PRONOUNS
                    or masked[e] != ","
                    or _is_pronoun_segment(masked, accepted[0])
                    # Two descriptions are no apposition: "The job marks ..., one friend said".
                    or (_described(toks[0][2]) and _described(masked[accepted[0][0] : e]))
                )
            ):
                break
            accepted.insert(0, (toks[0][0], toks[-1][1]))
            tentative = False
            if len(accepted) == 3:
                break
            continue
        if tentative:
            accepted.pop(0)
            break
        if not accepted:
            restricted = _before_relative(toks)
            if restricted is not None:
                accepted.insert(0, restricted)
                continue  # an apposition may come before: "Ana Ruiz, a nurse who ..."
            if masked[e] == "," and _apposition(toks):
                # "Vikram Amar, dean of the law school, said": kept if a name comes first.
                accepted.insert(0, (toks[0][0], toks[-1][1]))
                tentative = True
                continue
            suffix = _np_suffix(toks)
            if suffix is not None:
                accepted.insert(0, suffix)
        break
    if tentative and accepted:
        accepted.pop(0)
    if not accepted:
        return None
    return accepted[0][0], accepted[-1][1]


def _described(text: str) -> bool:
    """Whether a phrase opens with a determiner or quantifier ("the", "one", "a")."""
    first = text.split(None, 1)[0].lower() if text.strip() else ""
    return first in DETERMINERS or first in QUANTIFIERS


def _apposition(toks: list[tuple[int, int, str]]) -> bool:
    """A bare role phrase in apposition: "dean of the law school", "editor of the Daily"."""
    first = toks[0][2]
    if not first.isalpha() or not first.islower() or len(toks) > 16:
        return False
    if first in NON_SUBJECT_OPENERS or first in CLAUSE_WORDS or first.endswith(("ing", "ly")):
        return False
    return not any(
        t[2].lower() in CLAUSE_WORDS or t[2] in ":;“" or is_verb(toks, i) or t[2] in SPEECH_VERBS
        for i, t in enumerate(toks)
    )


def _is_pronoun_segment(masked: str, span: tuple[int, int]) -> bool:
    return masked[span[0] : span[1]].lower() in SUBJECT_PRONOUNS


def _before_relative(toks: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """ "A rescuer who took part in the operation": the phrase before a relative clause that
    has its own verb. ("a decision that stall holders" has none: the subject is later.)"""
    for i in range(1, len(toks)):
        if toks[i][2].lower() in ("who", "that", "which"):
            clause = toks[i + 1 :]
            verb = any(is_verb(clause, j) for j in range(len(clause)))
            if not verb and toks[i][2].lower() == "who" and clause:
                # "who want ...", "who now studies ...": "who" is followed by its verb.
                nxt = clause[0][2]
                verb = nxt.isalpha() and nxt.islower() and nxt not in DETERMINERS
            if np_like(toks[:i]) and verb:
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
            (i + 1 < len(toks) and _QUANTITY_LEAD_RE.fullmatch(f"{lower} {toks[i + 1][2]}".lower()))
            or lower in DETERMINERS
            or lower in QUANTIFIERS
            or word[0].isupper()
            or word[0].isdigit()
            or lower in GROUP_HEADS
            or lower in ANON_PLURALS
            or lower in ORG_HEADS
        )
        if (i == 1 and toks[0][2] in _PRONOUN_OPENERS) and np_like(toks[i:]):
            return toks[i][0], toks[-1][1]  # "But attorneys and legal experts said"
        if toks[i - 1][2].lower() in PREPOSITIONS and any(t[2] == "and" for t in toks[i:]):
            continue  # "copied on the letters and Orvik said": the object is no subject
        if starts_well and np_like(toks[i:]):
            return toks[i][0], toks[-1][1]
    last = toks[-1][2]
    if len(toks) > 1 and last.lower() in SUBJECT_PRONOUNS and toks[-2][2] in _PRONOUN_OPENERS:
        return toks[-1][0], toks[-1][1]  # "But he said ..."
    if len(toks) == 2 and last.lower() in SUBJECT_PRONOUNS and toks[0][2] in ("and", "but"):
        return toks[-1][0], toks[-1][1]  # "..., and he says ..."
    if len(toks) > 3 and last.lower() in SUBJECT_PRONOUNS and toks[-2][2] in _SUBORDINATE_JOINS:
        return toks[-1][0], toks[-1][1]  # "... caught flak when she said ..."
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
    skip_to = -1
    for i, (s, _, word) in enumerate(toks):
        lower = word.lower()
        if skip_to > s:
            continue  # inside "(D-Md.)"
        if word == "(" and count and _SHORT_PAREN_RE.match(masked, s, hi):
            skip_to = masked.find(")", s, hi)
            continue
        if lower in RELATIVE_WORDS or word in ":;“(—–" or lower in PARTICIPLE_CUES:
            return _np_result(toks, end, s)
        if count and (
            lower in SUBORDINATORS
            or WHEN_RE.match(masked, s, hi)
            or CHANNEL_RE.match(masked, s, hi)
        ):
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
                or (nxt[0].islower() and (nlow.endswith(("ing", "ed")) or is_verb(toks, i + 1)))
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


def verb_follows(masked: str, subject: tuple[int, int], end: int) -> bool:
    """Whether a finite verb follows the subject before ``end``, past commas, a time
    phrase, an adverb or a relative clause between commas: "Ruiz on Tuesday dismissed ...",
    "Ana Feld, the mayor, drew ...", "Orla Dunne, who is a lawyer, also faulted ..."."""
    pos = subject[1]
    for _ in range(6):
        while pos < end and masked[pos] in " ,":
            pos += 1
        skip = WHEN_RE.match(masked, pos, end) or _SKIPPABLE_RE.match(masked, pos, end)
        if skip is None or skip.end() == pos:
            break
        pos = skip.end()
    toks = tokenize(masked, pos, min(end, pos + 40))
    return bool(toks) and is_verb([(0, 0, "x"), *toks], 1)
