"""Realistic invented quotes: a word model of real news sentences, fitted at run time.

The benchmarks' archive quotes must read like news quotes, not like words drawn one by
one: how often a quote shares a phrase with another (and so how many candidates a
trigram index draws) depends on it. This module reads the sentences of PolNeAR's
training split (``../shared/corpora/polnear-train/text``, real news of the 2016 US
election; read where it lies, never copied into the repository), and fits a second-order
Markov model over their words as written (punctuation and quote marks included). A
sentence is then drawn word by word, each word given the two before it, from the start
of a sentence to a word that ends one, with its length kept when it falls within the
real sentences' range (6 to 40 words); so lengths and word frequencies follow the real
ones, phrases recur as they do in news, and the same seed draws the same sentences. A
drawn sentence that is one of the real ones is drawn again: the quotes are new sentences.

It also gives a :class:`corpus.Vocabulary` of the corpus' words by frequency (what
``corpus.reworded`` swaps words for), and :func:`install`, which makes
``corpus.build`` use both instead of its own Zipf-drawn words.

Without the corpus folder, :func:`load` stops with a message saying where it looked.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared/corpora/polnear-train"

MIN_WORDS, MAX_WORDS = 6, 40
_SENTENCE_END = re.compile(r"[.!?][\"”’']?$")
_SPLIT = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bDr\.)\s+(?=[“\"A-Z])")
_START = ("", "")


@dataclass
class SentenceModel:
    """Second-order word model of real sentences (see the module docstring)."""

    following: dict[tuple[str, str], list[str]]
    sentences: int
    words: Counter[str]
    # The real sentences, never drawn as they are: the quotes are new sentences.
    real: frozenset[str]

    def sentence(self, rng: random.Random) -> str:
        """One sentence of 6 to 40 words, drawn from the model with ``rng``."""
        while True:
            state, out = _START, []
            while len(out) <= MAX_WORDS:
                word = rng.choice(self.following[state])
                out.append(word)
                if _SENTENCE_END.search(word) or (state[1], word) not in self.following:
                    break
                state = (state[1], word)
            if MIN_WORDS <= len(out) <= MAX_WORDS and _SENTENCE_END.search(out[-1]):
                text = " ".join(out)
                if text not in self.real:
                    return text

    def vocabulary(self):
        """The corpus' words (folded, letters only) by frequency, as ``corpus.Vocabulary``."""
        import itertools

        import corpus

        folded = Counter()
        for word, n in self.words.items():
            bare = word.strip(".,;:!?\"“”‘’'()").lower()
            if bare.isalpha():
                folded[bare] += n
        ranked = sorted(folded.items(), key=lambda item: (-item[1], item[0]))
        return corpus.Vocabulary(
            [w for w, _ in ranked], list(itertools.accumulate(n for _, n in ranked))
        )


def real_sentences(folder: Path = DEFAULT_CORPUS) -> list[str]:
    """The sentences of 6 to 40 words in the corpus' article texts, in file order."""
    text_folder = folder / "text"
    if not text_folder.is_dir():
        raise SystemExit(
            f"{text_folder} is not a folder: this benchmark fits its quotes on PolNeAR's "
            "training split, which lives outside the project (../shared/corpora/polnear-train)."
        )
    found = []
    for path in sorted(text_folder.glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").splitlines():
            for sentence in _SPLIT.split(paragraph.strip()):
                words = sentence.split()
                # Markup (embedded tweets) is not a sentence.
                if "<" in sentence or ">" in sentence:
                    continue
                if MIN_WORDS <= len(words) <= MAX_WORDS and _SENTENCE_END.search(words[-1]):
                    found.append(" ".join(words))
    return found


def load(folder: Path = DEFAULT_CORPUS) -> SentenceModel:
    """Fit the model on the corpus' sentences (a few seconds)."""
    following: dict[tuple[str, str], list[str]] = {}
    words: Counter[str] = Counter()
    sentences = real_sentences(folder)
    for sentence in sentences:
        state = _START
        for word in sentence.split():
            following.setdefault(state, []).append(word)
            words[word] += 1
            state = (state[1], word)
    return SentenceModel(
        following=following, sentences=len(sentences), words=words, real=frozenset(sentences)
    )


def install(model: SentenceModel) -> None:
    """Make ``corpus.build`` draw its quotes from ``model`` and its rewording words from
    the corpus' vocabulary (a figure phrase, when asked for, goes in between two words)."""
    import corpus

    def sentence(rng: random.Random, vocabulary, figure: str = "") -> str:
        text = model.sentence(rng)
        if not figure:
            return text
        words = text.split()
        cut = rng.randint(2, len(words) - 1)
        return " ".join([*words[:cut], figure, *words[cut:]])

    corpus.sentence = sentence
    corpus.Vocabulary.english = classmethod(lambda cls, rng: model.vocabulary())
