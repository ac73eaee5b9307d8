"""The learned half of the extractor: a CRF sequence tagger (python-crfsuite) that marks
source, cue and content tokens, trained on PolNeAR's annotated news
(``manage.py train_tagger``), and a decoder that groups its spans into attributions.

- ``tag_article(text)`` returns ``Tagged`` attributions as plain offsets: each predicted
  content span with the nearest predicted cue (same sentence first, then the paragraph) and
  the predicted source nearest that cue, and a confidence from the tagger's marginals. In
  a paragraph where it found something, a token it labels "O" with a marginal below
  ``O_THRESHOLD`` takes its most probable other label, and a content after its cue that
  stops short of the end of its sentence (the rest untagged) runs to it.
- ``train(documents, output)`` trains a model from plain offsets (``TrainingDocument``) and
  writes it; the same documents and settings give the same model.

The model is read once per process from ``MODEL_PATH`` (committed with the code); when the
file is missing, ``tag_article`` raises ``TaggerUnavailable`` and the rules still work.

Pure Python: no Django imports.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from suggestions.extraction.tagger_features import (
    QUOTES,
    SENTENCE_ENDS,
    Featurizer,
    Fragments,
    Token,
    labels,
    sequences,
)
from suggestions.extraction.types import ExtractionError

MODEL_PATH = Path(__file__).resolve().parent / "models" / "attribution-crf.crfsuite"
DEFAULT_PARAMS = {"c1": 0.1, "c2": 0.1, "max_iterations": 200}
# A token the tagger labels "O" with a marginal probability below this takes its most
# probable other label: the CRF's best path leaves out tokens it is unsure of, and recall is
# what the combination lacks. Chosen on a sub-split of the development articles (with a split
# quote scored as one content, content F1 is flat from 0.7 to 0.9 and indirect recall
# highest at 0.9; BENCHMARKS.md).
O_THRESHOLD = 0.9
_LABELS = ("B-S", "I-S", "B-C", "I-C", "B-Q", "I-Q")
MIN_DOCUMENTS = 3  # a word becomes a feature when this many training documents hold it


class TaggerUnavailable(ExtractionError):
    """The tagger's model file is missing or unreadable (``method="rules"`` still works)."""


@dataclass(frozen=True)
class Tagged:
    """One attribution the tagger found; offsets into the text, end exclusive."""

    start: int
    end: int
    cue_start: int
    cue_end: int
    source: tuple[int, int] | None
    confidence: float
    paragraph_end: int


@dataclass
class TrainingDocument:
    """An article and its attributions: (source, cue, content) fragments, each or None."""

    name: str
    text: str
    attributions: list[tuple[Fragments | None, Fragments | None, Fragments | None]] = field(
        default_factory=list
    )


# --- model -----------------------------------------------------------------------------------

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def _tagger(path: Path | None = None):
    """The process's ``pycrfsuite.Tagger`` for ``path`` (default ``MODEL_PATH``), opened once.
    A tagger is not thread-safe, so each thread gets its own."""
    path = Path(path or MODEL_PATH)
    key = f"{path}:{threading.get_ident()}"
    tagger = _loaded.get(key)
    if tagger is not None:
        return tagger
    with _lock:
        if not path.is_file():
            raise TaggerUnavailable(
                f"the attribution tagger's model {path} is missing: run `manage.py train_tagger` "
                "(or `make tagger`), or extract with method='rules'"
            )
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        try:
            tagger.open(str(path))
        except (OSError, ValueError) as exc:
            raise TaggerUnavailable(f"cannot read the tagger's model {path}: {exc}") from exc
        _loaded[key] = tagger
        return tagger


def reset() -> None:
    """Forget the loaded models (tests, or after retraining in the same process)."""
    with _lock:
        _loaded.clear()


_FEATURIZER = Featurizer()
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


# --- tagging and decoding --------------------------------------------------------------------


def tag_article(text: str, *, model: Path | None = None) -> list[Tagged]:
    """The attributions the tagger finds in ``text``, in text order."""
    tagger = _tagger(model)
    if not text.isascii():
        # crfsuite reads UTF-8: a lone surrogate becomes "?" (the same length, so offsets hold).
        text = _SURROGATE_RE.sub("?", text)
    out: list[Tagged] = []
    last = -2  # the paragraph of the last attribution found
    for index, tokens in sequences(text):
        tags = tagger.tag(_FEATURIZER.paragraph(text, tokens, index))
        if any(t != "O" for t in tags):
            if O_THRESHOLD:
                tags = _unsure(tagger, tags)
            found = _decode(tagger, tokens, tags, out[-1] if out else None, index - last == 1)
            if found:
                out.extend(found)
                last = index
    return out


def _unsure(tagger, tags: list[str]) -> list[str]:
    """``tags`` with each "O" whose marginal is below ``O_THRESHOLD`` replaced by the most
    probable other label."""
    marginal = tagger.marginal
    out = tags
    for i, tag in enumerate(tags):
        if tag == "O" and marginal("O", i) < O_THRESHOLD:
            if out is tags:
                out = list(tags)
            out[i] = max(_LABELS, key=lambda label: marginal(label, i))
    return out


def _spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role code, first token, last token) runs: a B starts a span, an I continues the
    span of its role (or starts one after another role)."""
    spans: list[tuple[str, int, int]] = []
    current = ""
    for i, tag in enumerate(tags):
        if tag == "O":
            current = ""
            continue
        prefix, code = tag[0], tag[2:]
        if prefix == "I" and current == code:
            spans[-1] = (code, spans[-1][1], i)
        else:
            spans.append((code, i, i))
            current = code
    return spans


def _decode(
    tagger, tokens: Sequence[Token], tags: Sequence[str], before: Tagged | None, next_to: bool
) -> list[Tagged]:
    """The paragraph's contents, each with its cue and source. A content without a cue in
    its paragraph continues the attribution before it when it opens with a quotation mark
    or that attribution is in the paragraph just before (``next_to``): speech running on.
    A cue left without content takes the rest of its sentence (``_rest_of_sentence``)."""
    sentence = [0] * len(tokens)
    s = 0
    for i in range(1, len(tokens)):
        prev = tokens[i - 1][2]
        if prev in SENTENCE_ENDS and (tokens[i][2][0].isupper() or tokens[i][2] in QUOTES):
            s += 1
        sentence[i] = s
    spans = _spans(tags)
    cues = [sp for sp in spans if sp[0] == "C"]
    sources = [sp for sp in spans if sp[0] == "S"]
    out = []
    for code, a, b in spans:
        if code != "Q":
            continue
        cue = _nearest(cues, a, b, sentence)
        if cue is None:
            if before is None or not (next_to or tokens[a][2] in QUOTES):
                continue
            probs = [tagger.marginal(tags[i], i) for i in (a, b)]
            before = Tagged(
                start=tokens[a][0],
                end=tokens[b][1],
                cue_start=before.cue_start,
                cue_end=before.cue_end,
                source=before.source,
                confidence=round(sum(probs) / len(probs) * 0.8, 2),
                paragraph_end=tokens[-1][1],
            )
            out.append(before)
            continue
        if cue[2] < a and sentence[cue[2]] == sentence[b]:
            b = _to_sentence_end(tokens, tags, sentence, b)
        source = _nearest(sources, cue[1], cue[2], sentence)
        probs = [tagger.marginal(tags[i], i) for i in (a, b, cue[1])]
        before = Tagged(
            start=tokens[a][0],
            end=tokens[b][1],
            cue_start=tokens[cue[1]][0],
            cue_end=tokens[cue[2]][1],
            source=(tokens[source[1]][0], tokens[source[2]][1]) if source else None,
            confidence=round(sum(probs) / len(probs), 2),
            paragraph_end=tokens[-1][1],
        )
        out.append(before)
    # A cue the tagger gave no content: the rest of its sentence, when no other role is there.
    used = {(t.cue_start, t.cue_end) for t in out}
    added = False
    for cue in cues:
        if (tokens[cue[1]][0], tokens[cue[2]][1]) in used:
            continue
        source = _nearest(sources, cue[1], cue[2], sentence)
        span = _rest_of_sentence(tokens, tags, sentence, cue, source)
        if span is None:
            continue
        a, b = span
        added = True
        out.append(
            Tagged(
                start=tokens[a][0],
                end=tokens[b][1],
                cue_start=tokens[cue[1]][0],
                cue_end=tokens[cue[2]][1],
                source=(tokens[source[1]][0], tokens[source[2]][1]) if source else None,
                confidence=round(tagger.marginal(tags[cue[1]], cue[1]) * 0.5, 2),
                paragraph_end=tokens[-1][1],
            )
        )
    if added:
        out.sort(key=lambda t: t.start)
    return out


def _to_sentence_end(tokens, tags, sentence, b: int) -> int:
    """A content after its cue that stops short of the end of its sentence, the rest
    untagged, runs on to that end (without its final punctuation): reported speech after
    its cue ends with the sentence."""
    n = len(tokens)
    here = sentence[b]
    end = b
    while end + 1 < n and sentence[end + 1] == here:
        end += 1
    while end > b and not tokens[end][2][0].isalnum() and tokens[end][2] not in QUOTES:
        end -= 1
    if end == b or any(t != "O" for t in tags[b + 1 : end + 1]):
        return b
    return end


def _rest_of_sentence(tokens, tags, sentence, cue, source) -> tuple[int, int] | None:
    """The tokens after a cue (and a source right after it: "said Smith") and any "that", to
    the end of the sentence without its final punctuation: at least three, all untagged."""
    n = len(tokens)
    here = sentence[cue[1]]
    a = cue[2] + 1
    if source is not None and source[1] == a:
        a = source[2] + 1
    if a < n and sentence[a] == here and tokens[a][2] == "that":
        a += 1
    if a >= n or sentence[a] != here:
        return None
    b = a
    while b + 1 < n and sentence[b + 1] == here:
        b += 1
    while b > a and not tokens[b][2][0].isalnum() and tokens[b][2] not in QUOTES:
        b -= 1
    if b - a < 2 or any(t != "O" for t in tags[a : b + 1]):
        return None
    return a, b


def _nearest(candidates, a: int, b: int, sentence: list[int]):
    """The candidate span closest to tokens a..b, one in the same sentence first."""
    best, best_key = None, None
    for item in candidates:
        _code, ca, cb = item
        distance = ca - b if ca > b else a - cb if cb < a else 0
        same = sentence[ca] in (sentence[a], sentence[b])
        key = (not same, distance)
        if best_key is None or key < best_key:
            best, best_key = item, key
    return best


# --- training --------------------------------------------------------------------------------


def vocabulary(documents: Iterable[TrainingDocument], min_documents: int = MIN_DOCUMENTS):
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update({m.lower() for _i, tokens in sequences(document.text) for *_, m in tokens})
    return frozenset(word for word, n in counts.items() if n >= min_documents)


def training_sequences(
    documents: Sequence[TrainingDocument], featurizer: Featurizer
) -> Iterable[tuple[list[list[str]], list[str]]]:
    for document in documents:
        for index, tokens in sequences(document.text):
            yield (
                featurizer.paragraph(document.text, tokens, index),
                labels(tokens, document.attributions),
            )


def train(
    documents: Sequence[TrainingDocument],
    output: Path,
    *,
    c1: float = DEFAULT_PARAMS["c1"],
    c2: float = DEFAULT_PARAMS["c2"],
    max_iterations: int = int(DEFAULT_PARAMS["max_iterations"]),
) -> dict[str, int]:
    """Train on ``documents`` (in the order given) and write the model to ``output``.

    L-BFGS with L1 and L2 regularisation is deterministic: the same documents in the same
    order with the same settings give the same model file. Returns counts."""
    import pycrfsuite

    documents = list(documents)
    featurizer = Featurizer(vocabulary(documents))
    trainer = pycrfsuite.Trainer(verbose=False)
    counts = {"articles": len(documents), "sequences": 0, "tokens": 0, "labelled": 0}
    for xseq, yseq in training_sequences(documents, featurizer):
        trainer.append(xseq, yseq)
        counts["sequences"] += 1
        counts["tokens"] += len(yseq)
        counts["labelled"] += sum(1 for y in yseq if y != "O")
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
        }
    )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(output))
    reset()
    return counts
