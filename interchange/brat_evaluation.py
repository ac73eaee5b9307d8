"""Score the extractor against a folder of BRAT files (``evaluate_extraction --brat``).

Each article of the folder (either layout of ``interchange.brat.brat_pairs``) is read, the
extractor runs on its text and ``interchange.brat_scoring`` compares the spans. Articles go
to their fixed split (``split_of``: development or held out); each split asked for has its
own total, never mixed with another. Lines the reader cannot use are kept as problems with
their file and line.

Pure Python: no Django imports, no database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interchange.brat import BratProblem, brat_pairs, read_brat_pair
from interchange.brat_scoring import (
    KINDS,
    ROLES,
    SPLITS,
    BratScore,
    score_brat_article,
    split_of,
)
from suggestions.extraction.extractor import extract
from suggestions.extraction.types import Suggestion

TESTS = ("overlap", "exact", "loose")
# Reported when no --split is given: each on its own.
DEFAULT_SPLITS = ("development", "heldout")


class BratEvaluationError(ValueError):
    """The folder cannot be scored: missing, without pairs, or an unknown split."""


def extract_suggestions(text: str, method: str = "combined") -> Sequence[Suggestion]:
    """The extractor's suggestions for one article text, by ``method`` ("rules", "tagger"
    or "combined", as ``extract()``)."""
    return extract(text, method=method).suggestions


@dataclass(frozen=True)
class FileProblem:
    file: str
    problem: BratProblem

    def __str__(self) -> str:
        return f"{self.file}:{self.problem.line}: {self.problem.message}"


@dataclass
class BratEvaluation:
    folder: str
    scores: dict[str, BratScore]  # by split, in the order asked
    problems: list[FileProblem] = field(default_factory=list)
    articles: int = 0  # read, in every split
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "brat": self.folder,
            "sets": [
                {"name": name, "total": score.as_dict()} for name, score in self.scores.items()
            ],
            "problems": [
                {"file": p.file, "line": p.problem.line, "message": p.problem.message}
                for p in self.problems
            ],
            "articles": self.articles,
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.rate, 1),
        }


def evaluate_brat(
    folder: str | Path,
    split: str | None = None,
    *,
    extractor: Callable[[str], Sequence[Suggestion]] | None = None,
    on_article: Callable[[str], None] | None = None,
) -> BratEvaluation:
    """Score ``extractor`` on the folder's articles of ``split`` (development, heldout or
    all; by default development and heldout, each with its own total).

    Raises ``BratEvaluationError`` for a missing folder, a folder without pairs or an
    unknown split; an ``ExtractionError`` from the extractor is left to the caller."""
    if split is not None and split not in SPLITS:
        raise BratEvaluationError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    path = Path(folder)
    if not path.is_dir():
        raise BratEvaluationError(f"{folder}: no such folder")
    pairs = brat_pairs(path)
    if not pairs:
        raise BratEvaluationError(
            f"{folder}: no BRAT pairs (NAME.txt with NAME.ann, or text/NAME.txt with "
            "attributions/NAME_ANNOTATOR.ann)"
        )
    splits = DEFAULT_SPLITS if split is None else (split,)
    result = BratEvaluation(folder=str(folder), scores={name: BratScore() for name in splits})
    started = time.perf_counter()
    for txt, ann in pairs:
        name = txt.stem
        target = "all" if split == "all" else split_of(name)
        if target not in result.scores:
            continue
        document = read_brat_pair(txt, ann)
        result.problems += [FileProblem(_display(ann, path), p) for p in document.problems]
        if on_article is not None:
            on_article(name)
        suggestions = (extractor or extract_suggestions)(document.text)
        result.scores[target].add(score_brat_article(document, suggestions))
        result.articles += 1
    result.seconds = time.perf_counter() - started
    return result


def _display(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def _prf(counts) -> tuple[str, ...]:
    return tuple(f"{v:.2f}" for v in (counts.precision, counts.recall, counts.f1))


def _kinds(score: BratScore) -> str:
    parts = []
    for kind in KINDS:
        matched, gold = score.recall_by_kind[kind]
        value = f"{matched / gold:.2f}" if gold else "-"
        parts.append(f"{kind} {value} ({matched}/{gold})")
    return ", ".join(parts)


def _rows(score: BratScore) -> list[tuple[str, ...]]:
    rows = []
    for role in ROLES:
        for test in TESTS:
            c = score.counts_for(role, test)
            rows.append((role, test, str(c.predicted), str(c.gold), str(c.matched_gold), *_prf(c)))
    return rows


HEADER = ("span", "test", "pred", "gold", "matched", "P", "R", "F1")


def as_table(evaluation: BratEvaluation) -> str:
    out = [
        f"Extractor against the BRAT folder {evaluation.folder}: spans of each role matched "
        "one to one (overlap, exact, loose; see --help)."
    ]
    for name, score in evaluation.scores.items():
        rows = _rows(score)
        widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]

        def line(row: tuple[str, ...], widths: list[int] = widths) -> str:
            cells = [c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(row)]
            return "  ".join(cells).rstrip()

        n = score.articles
        out += [
            "",
            f"[{name}] {n} article{'' if n == 1 else 's'}, {_n(score.problems, 'problem')} read",
        ]
        out += [line(HEADER), *(line(r) for r in rows)]
        out.append(f"content recall by kind (overlap): {_kinds(score)}")
    out.append("")
    out.append(_speed(evaluation))
    return "\n".join(out)


def as_markdown(evaluation: BratEvaluation) -> str:
    out: list[str] = []
    for name, score in evaluation.scores.items():
        out += [f"`{evaluation.folder}`, {name} ({score.articles} articles):", ""]
        out.append("| " + " | ".join(HEADER) + " |")
        out.append("| --- | --- |" + " ---: |" * (len(HEADER) - 2))
        out += ["| " + " | ".join(row) + " |" for row in _rows(score)]
        out += ["", f"Content recall by kind (overlap): {_kinds(score)}.", ""]
    out.append(_speed(evaluation))
    return "\n".join(out)


def _speed(evaluation: BratEvaluation) -> str:
    return (
        f"{evaluation.articles} articles in {evaluation.seconds:.1f} s "
        f"({evaluation.rate:.1f} articles per second); "
        f"{_n(len(evaluation.problems), 'problem')} read."
    )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
