"""Score the extractor against BRAT-annotated articles, span by span, as attribution corpora
are scored: content, source and cue spans, each matched one to one with the gold spans of
the same role, exact and by overlap, with content recall by kind (direct, mixed, indirect).

- Gold spans are the roles of the file's attributions; predicted spans are each suggestion's
  content (``start``-``end``), speaker mention and cue. A span shared by several attributions
  (one speaker, two quotes) counts once on each side.
- A quote split by its cue is one content, as the corpora annotate it (one attribution whose
  content is discontinuous): a suggestion and the suggestions that continue it
  (``Suggestion.continues``) are one predicted content whose fragments are their spans.
- **overlap**: a predicted and a gold span of the same role share at least one character
  (between their fragments, for discontinuous ones); pairs are matched one to one (the
  largest set of pairs, larger overlaps, in shared characters, tried first).
- **exact**: the same start and end (of the first and last fragment, for discontinuous
  spans); **exact (loose)**: the same after trimming quotation marks, a leading "that",
  final punctuation and spaces from both.
- Precision = matched predicted / predicted, recall = matched gold / gold, F1 their
  harmonic mean; totals add the counts of every article (micro-average).

The **split**: an article is held out when the first byte of the SHA-1 of its name, modulo
5, is 0 (about a fifth, the same on every machine and independent of the order of files).
The extractor is developed on the other part and never tuned on the held-out one.

Pure Python: no Django imports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from interchange.brat import BratAttribution, BratDocument
from suggestions.extraction.scoring import matching
from suggestions.extraction.types import Suggestion

ROLES = ("content", "source", "cue")
KINDS = ("direct", "mixed", "indirect")
SPLITS = ("development", "heldout", "all")
_TRIM = " \t\r\n\"“”„‟«»'‘’‚‛`.,;:!?—–-"


def split_of(name: str) -> str:
    """``heldout`` or ``development`` for an article named ``name``."""
    return "heldout" if hashlib.sha1(name.encode("utf-8")).digest()[0] % 5 == 0 else "development"


def in_split(name: str, split: str) -> bool:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    return split == "all" or split_of(name) == split


@dataclass
class Counts:
    predicted: int = 0
    gold: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0

    def add(self, other: Counts) -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.matched_predicted += other.matched_predicted
        self.matched_gold += other.matched_gold

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else float(not self.gold)

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "predicted": self.predicted,
            "gold": self.gold,
            "matched": self.matched_gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class BratScore:
    """Counts per ``(role, test)`` with test in overlap / exact / loose, and content recall
    per gold kind (``recall_by_kind[kind] = [matched, gold]``)."""

    articles: int = 0
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)
    recall_by_kind: dict[str, list[int]] = field(
        default_factory=lambda: {kind: [0, 0] for kind in KINDS}
    )
    problems: int = 0

    def counts_for(self, role: str, test: str) -> Counts:
        return self.counts.setdefault((role, test), Counts())

    def kind_recalls(self, decimals: int = 0) -> str:
        """Content recall by kind as percentages, "96% / 90% / 55%" (direct, mixed,
        indirect; "-" for a kind with no gold span)."""
        return " / ".join(
            f"{100 * matched / gold:.{decimals}f}%" if gold else "-"
            for matched, gold in (self.recall_by_kind[kind] for kind in KINDS)
        )

    def add(self, other: BratScore) -> None:
        self.articles += other.articles
        self.problems += other.problems
        for key, counts in other.counts.items():
            self.counts_for(*key).add(counts)
        for kind, (matched, gold) in other.recall_by_kind.items():
            self.recall_by_kind[kind][0] += matched
            self.recall_by_kind[kind][1] += gold

    def as_dict(self) -> dict:
        return {
            "articles": self.articles,
            "problems": self.problems,
            **{
                f"{role}_{test}": self.counts[(role, test)].as_dict()
                for role in ROLES
                for test in ("overlap", "exact", "loose")
                if (role, test) in self.counts
            },
            "content_recall_by_kind": {
                kind: {
                    "matched": matched,
                    "gold": gold,
                    "recall": round(matched / gold, 4) if gold else None,
                }
                for kind, (matched, gold) in self.recall_by_kind.items()
            },
        }


Fragments = tuple[tuple[int, int], ...]  # a span's (start, end) parts, in text order
Span = tuple[Fragments, str]  # fragments, gold kind


def _gold_spans(attributions: Sequence[BratAttribution], role: str) -> list[Span]:
    seen: dict[tuple[tuple[int, int], ...], str] = {}
    for attribution in attributions:
        span = getattr(attribution, role)
        if span is not None and span.end > span.start:
            seen.setdefault(span.fragments, attribution.kind)
    return list(seen.items())


def _predicted_spans(suggestions: Sequence[Suggestion], role: str) -> list[Fragments]:
    """Each predicted span as its fragments: a content with its continuations (the
    suggestions whose ``continues`` points to it) is one span of several fragments."""
    if role == "content":
        return _predicted_contents(suggestions)
    spans: set[tuple[int, int]] = set()
    for item in suggestions:
        if role == "source":
            if item.speaker_start is None or item.speaker_end is None:
                continue
            span = (item.speaker_start, item.speaker_end)
        else:
            span = (item.cue_start, item.cue_end)
        if span[1] > span[0]:
            spans.add(span)
    return sorted((span,) for span in spans)


def _predicted_contents(suggestions: Sequence[Suggestion]) -> list[Fragments]:
    parts: dict[int, list[tuple[int, int]]] = {}
    for i, item in enumerate(suggestions):
        head = item.continues if item.continues is not None else i
        parts.setdefault(head, []).append((item.start, item.end))
    contents = {
        tuple(sorted(span for span in spans if span[1] > span[0])) for spans in parts.values()
    }
    return sorted(fragments for fragments in contents if fragments)


def _loose(text: str, start: int, end: int) -> tuple[int, int]:
    while True:
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        if text[start : start + 5].lower() != "that " or start + 5 > end:
            return start, end
        start += 5


def _match(predicted: list[Fragments], gold: list[Span], key) -> tuple[set[int], set[int]]:
    """The largest one-to-one set of pairs passing the test (as ``evaluate_extraction``
    matches annotation files); ``key`` gives a pair's weight (0 = no pair) and larger
    overlaps are tried first. The same answer every run."""
    pairs = []
    for i, parts in enumerate(predicted):
        ps, pe = parts[0][0], parts[-1][1]
        for j, (fragments, _kind) in enumerate(gold):
            if pe <= fragments[0][0] or ps >= fragments[-1][1]:
                continue
            weight = key(parts, fragments)
            if weight > 0:
                pairs.append((-weight, j, i))
    pairs.sort()
    owner = matching((j, i) for _weight, j, i in pairs)
    return set(owner), set(owner.values())


def _bounds(fragments: Fragments) -> tuple[int, int]:
    return fragments[0][0], fragments[-1][1]


def score_brat_article(document: BratDocument, suggestions: Sequence[Suggestion]) -> BratScore:
    text = document.text
    result = BratScore(articles=1, problems=len(document.problems))

    def overlap(parts: Fragments, fragments: Fragments) -> int:
        return sum(max(0, min(pe, b) - max(ps, a)) for ps, pe in parts for a, b in fragments)

    def exact(parts: Fragments, fragments: Fragments) -> int:
        return int(_bounds(parts) == _bounds(fragments))

    def loose(parts: Fragments, fragments: Fragments) -> int:
        return int(_loose(text, *_bounds(parts)) == _loose(text, *_bounds(fragments)))

    for role in ROLES:
        gold = _gold_spans(document.attributions, role)
        predicted = _predicted_spans(suggestions, role)
        for test, key in (("overlap", overlap), ("exact", exact), ("loose", loose)):
            used_p, used_g = _match(predicted, gold, key)
            counts = result.counts_for(role, test)
            counts.predicted, counts.gold = len(predicted), len(gold)
            counts.matched_predicted, counts.matched_gold = len(used_p), len(used_g)
            if role == "content" and test == "overlap":
                kinds = Counter(gold[j][1] for j in used_g)
                for _fragments, kind in gold:
                    result.recall_by_kind[kind][1] += 1
                for kind, n in kinds.items():
                    result.recall_by_kind[kind][0] += n
    return result


def score_brat(pairs: Iterable[tuple[BratDocument, Sequence[Suggestion]]]) -> BratScore:
    total = BratScore()
    for document, suggestions in pairs:
        total.add(score_brat_article(document, suggestions))
    return total
