"""Tokens, features and labels for the attribution tagger (``tagger.py``).

An article is read paragraph by paragraph (a line of text); each paragraph is one sequence
for the CRF, because a content span often runs over several sentences. Tokens are words
(letters and digits, with inner apostrophes, dots and hyphens: "don't", "U.S", "anti-war")
and single punctuation characters, each with its character offsets into the body.

Features are lists of strings (what ``pycrfsuite`` reads fastest). What depends only on the
word (its lowercase form, shape, suffixes, whether it is in the speech-verb lexicon) is
computed once per word type and kept in a cache, with the variants a neighbour at -2 .. +2
contributes; what depends on the position (inside a quotation, sentence start and end,
distance to the nearest lexicon word of the sentence on each side and that word, heading)
is added per token. The cost is linear in the length of the text. Words count as features
only when the training articles hold them often enough (``tagger.MIN_DOCUMENTS``); the
lexicon words and a few function words are also seen two tokens away.

Labels are BIO over three roles: ``B-S``/``I-S`` (source), ``B-C``/``I-C`` (cue) and
``B-Q``/``I-Q`` (content), ``O`` elsewhere. Where roles of nested attributions overlap, a cue
wins over a source and a source over a content.

Pure Python: no Django imports; spans come in as plain offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from suggestions.extraction.lexicon import SPEECH_VERBS, words

TOKEN_RE = re.compile(r"[^\W_]+(?:[’'.&-][^\W_]+)*|\S")
LINE_RE = re.compile(r"[^\n]+")
OPENING = frozenset("“«„")
CLOSING = frozenset("”»")
STRAIGHT = frozenset('"')
QUOTES = OPENING | CLOSING | STRAIGHT
SENTENCE_ENDS = frozenset(".!?")
# Verbs and nouns of saying and believing beyond the rules' lexicon: PolNeAR annotates
# beliefs, plans and reports as attributions too.
CUE_WORDS = SPEECH_VERBS | words(
    "say saying according believe believes believed think thinks thought want wants wanted "
    "hope hopes hoped expect expects expected plan plans planned show shows showed found "
    "finds report reports claim claims accused accuses called calls urged urges vowed vows "
    "promised promises denied denies suggests suggest argue argument statement interview "
    "noted note announcement pledged criticized blamed praised insist tell wrote poll polls "
    "survey feel feels felt know knows knew agree agrees agreed"
)
# Words whose presence two tokens away tells something (the rest only at +-1).
_FAR_WORDS = CUE_WORDS | words(
    "that the a an he she they it we i you his her their of to in for on by as who which "
    "and but or not no if would will could should may might has have had is was are were "
    "mr mrs ms"
)
ROLE_CODES = {"source": "S", "cue": "C", "content": "Q"}
_PRIORITY = {"C": 3, "S": 2, "Q": 1}

Token = tuple[int, int, str]
# One attribution as plain offsets: each role a tuple of (start, end) fragments, or None.
Fragments = tuple[tuple[int, int], ...]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines: each is one sequence."""
    return [(m.start(), m.end()) for m in LINE_RE.finditer(text) if not m.group().isspace()]


def tokenize(text: str, start: int, end: int) -> list[Token]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text, start, end)]


def _shape(word: str) -> str:
    if not word[0].isalnum():
        return word
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out[:4])


class Featurizer:
    """Per-token feature lists. ``vocabulary`` limits word features to the words given
    (training keeps only words seen in several documents); ``None`` allows every word."""

    def __init__(self, vocabulary: frozenset[str] | None = None) -> None:
        self.vocabulary = vocabulary
        self._cache: dict[str, tuple[list[str], list[str], list[str], list[str], list[str]]] = {}

    def _type(self, word: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        entry = self._cache.get(word)
        if entry is not None:
            return entry
        low = word.lower()
        shape = _shape(word)
        known = self.vocabulary is None or low in self.vocabulary
        own = ["s=" + shape]
        near = ["s=" + shape]
        far = []
        if known:
            own.append("w=" + low)
            near.append("w=" + low)
            if low in _FAR_WORDS or not word[0].isalnum():
                far.append("w=" + low)
        if len(low) > 3 and word[0].isalpha():
            own.append("x3=" + low[-3:])
        if low in CUE_WORDS:
            own.append("lex")
            near.append("lex")
        entry = (
            own,
            ["-1" + f for f in near],
            ["+1" + f for f in near],
            ["-2" + f for f in far],
            ["+2" + f for f in far],
        )
        self._cache[word] = entry
        return entry

    def paragraph(self, text: str, tokens: Sequence[Token], index: int) -> list[list[str]]:
        """The feature lists of one paragraph's tokens (``index``: the paragraph's number)."""
        n = len(tokens)
        lookup = self._type
        types = [lookup(t[2]) for t in tokens]
        words_ = [t[2] for t in tokens]
        cue = [t[0][-1] == "lex" for t in types]
        # Sentence starts: after ., ! or ? (and any closing quote) before a capital or a quote.
        sentence = [0] * n
        s = 0
        for i in range(1, n):
            prev = words_[i - 1]
            if (
                prev in SENTENCE_ENDS
                or (prev in QUOTES and i > 1 and words_[i - 2] in SENTENCE_ENDS)
            ) and (words_[i][0].isupper() or words_[i] in QUOTES):
                s += 1
            sentence[i] = s
        # Distance to the nearest lexicon word of the same sentence, to the left and right.
        left = [0] * n  # 0: no lexicon word that way
        left_word = ["lw=-"] * n
        last, last_s = -1, -1
        for i in range(n):
            if last_s == sentence[i]:
                left[i] = min(i - last, 99)
                left_word[i] = "lw=" + words_[last].lower()
            if cue[i]:
                last, last_s = i, sentence[i]
        right = [0] * n
        right_word = ["rw=-"] * n
        last, last_s = -1, -1
        for i in range(n - 1, -1, -1):
            if last_s == sentence[i]:
                right[i] = min(last - i, 99)
                right_word[i] = "rw=" + words_[last].lower()
            if cue[i]:
                last, last_s = i, sentence[i]
        heading = n < 25 and words_[-1] not in SENTENCE_ENDS and words_[-1] not in QUOTES
        base = ["g=h" if heading else "g=0" if index == 0 else "g=b"]
        inside = False
        out: list[list[str]] = []
        for i in range(n):
            word = words_[i]
            feats = base + types[i][0]
            if i > 0:
                feats += types[i - 1][1]
                if i > 1:
                    feats += types[i - 2][3]
            else:
                feats.append("bop")
            if i + 1 < n:
                feats += types[i + 1][2]
                if i + 2 < n:
                    feats += types[i + 2][4]
            else:
                feats.append("eop")
            if word in QUOTES:
                if word in OPENING or (word in STRAIGHT and not inside):
                    inside = True
                    feats.append("qo")
                else:
                    inside = False
                    feats.append("qc")
            elif inside:
                feats.append("in")
            if i == 0 or sentence[i] != sentence[i - 1]:
                feats.append("bos")
            elif i + 1 == n or sentence[i + 1] != sentence[i]:
                feats.append("eos")
            feats.append(_LEFT[left[i]])
            feats.append(_RIGHT[right[i]])
            feats.append(left_word[i])
            feats.append(right_word[i])
            out.append(feats)
        return out


def _bucket(distance: int) -> str:
    if distance == 0:
        return "-"
    if distance <= 3:
        return str(distance)
    return "4" if distance <= 6 else "7" if distance <= 12 else "13"


_LEFT = ["cl=" + _bucket(d) for d in range(100)]
_RIGHT = ["cr=" + _bucket(d) for d in range(100)]


def sequences(text: str) -> list[tuple[int, list[Token]]]:
    """``(paragraph number, tokens)`` for each paragraph with tokens."""
    out = []
    for index, (start, end) in enumerate(paragraphs(text)):
        tokens = tokenize(text, start, end)
        if tokens:
            out.append((index, tokens))
    return out


def labels(
    tokens: Sequence[Token], attributions: Iterable[tuple[Fragments | None, ...]]
) -> list[str]:
    """BIO labels of one paragraph's tokens; ``attributions`` holds (source, cue, content)
    fragments per attribution, each None when the role is missing."""
    n = len(tokens)
    best = [(0, -1, "")] * n  # (priority, span id, code)
    if not n:
        return []
    para_start, para_end = tokens[0][0], tokens[-1][1]
    span_id = 0
    starts = [t[0] for t in tokens]
    for attribution in attributions:
        for role, fragments in zip(("source", "cue", "content"), attribution, strict=True):
            if not fragments:
                continue
            span_id += 1
            code = ROLE_CODES[role]
            for a, b in fragments:
                if b <= para_start or a >= para_end:
                    continue
                for i in range(_first_at(starts, a), n):
                    if starts[i] >= b:
                        break
                    if _PRIORITY[code] > best[i][0]:
                        best[i] = (_PRIORITY[code], span_id, code)
    out = []
    for i, (_priority, ident, code) in enumerate(best):
        if not code:
            out.append("O")
        elif i > 0 and best[i - 1][1] == ident:
            out.append("I-" + code)
        else:
            out.append("B-" + code)
    return out


def _first_at(starts: list[int], pos: int) -> int:
    from bisect import bisect_left

    return bisect_left(starts, pos)
