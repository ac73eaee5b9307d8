"""The words of a speaker mention: its comma-separated parts, the proper name and title in
it, and comparable forms of names."""

from __future__ import annotations

import re
from functools import lru_cache

from suggestions.extraction import lexicon as R

_WORD_RE = re.compile(r"[\w-]+")
_NAME_PARTICLES = R.words("al al- bin ibn de da di du van von der den la le el abu")


def _split_tokens(toks: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Comma-separated parts of a mention; ", or SDF" (another name for the affiliation just
    mentioned) is dropped, the affiliation parser reads it."""
    segments: list[list[tuple[int, int, str]]] = [[]]
    for tok in toks:
        if tok[2] == ",":
            segments.append([])
        else:
            segments[-1].append(tok)
    return [s for s in segments if s and s[0][2] != "or"]


def _is_name_word(word: str) -> bool:
    lower = word.lower()
    if lower in _NAME_PARTICLES:
        return True
    return (
        word[:1].isupper()
        and lower not in R.TITLE_WORDS
        and lower not in R.ORG_HEADS
        and lower not in R.DETERMINERS
        and lower not in R.QUANTIFIERS
        and lower not in R.GROUP_HEADS
        and lower not in R.ANON_ROLE_HEADS
        and lower not in R.WEEKDAYS
    )


def _name_segment(
    segments: list[list[tuple[int, int, str]]],
) -> tuple[int, list[tuple[int, int, str]] | None, list[tuple[int, int, str]]]:
    """The segment holding a proper name: (its index, name tokens, title tokens)."""
    for index, seg in enumerate(segments):
        part = seg
        for i, tok in enumerate(seg):
            if i > 0 and tok[2].lower() in R.PREPOSITIONS:
                part = seg[:i]
                break
        run = 0
        while run < len(part) and _is_name_word(part[len(part) - 1 - run][2]):
            run += 1
        if not run:
            continue
        prefix = part[: len(part) - run]
        # Titles and lowercase descriptors before a name: "Council leader", "opposition
        # leader", "Dr."; a determiner makes it a description ("a third commander").
        if all(
            t[2].lower() in R.TITLE_WORDS
            or (t[2].isalpha() and t[2].islower() and t[2] not in R.DETERMINERS)
            or (t[2][:1].isupper() and prefix[-1][2].lower() in R.TITLE_WORDS)
            for t in prefix
        ):
            return index, part[len(part) - run :], prefix
        if len(prefix) == 1 and prefix[0][2].lower() == "the":
            return index, part, []  # "The Pentagon": a name with an article is no person
    return -1, None, []


def _org_name(name_toks: list[tuple[int, int, str]]) -> bool:
    words = [t[2] for t in name_toks]
    if words[0].lower() == "the":
        return True
    if len(words) == 1 and len(words[0]) >= 2 and words[0].isupper():
        return True  # an acronym: "SDF", "NATO"
    return words[-1].lower() in R.ORG_HEADS


# Names and descriptions recur across an article and across articles; caching their
# normalised forms keeps resolution cheap. Bounded, so memory stays flat.
@lru_cache(maxsize=8192)
def fold_mention(text: str) -> str:
    """Comparable form of a name: case-folded, straight apostrophes, no leading "the"."""
    text = " ".join(text.replace("’", "'").casefold().split())
    return text[4:] if text.startswith("the ") else text


def _strip_lower_article(text: str) -> str:
    return text[4:] if text.startswith("the ") else text


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip())


def _last_word(text: str) -> str:
    words = re.findall(r"[\w’'-]+", text)
    return words[-1].lower() if words else ""


@lru_cache(maxsize=8192)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(
        w for w in _WORD_RE.findall(fold_mention(text)) if w not in R.DETERMINERS and w != "s"
    )
