"""Scoring suggestions against annotated articles: precision, recall and F1."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claims.extraction.extractor import fold_mention
from claims.extraction.types import Extraction, Suggestion

# --- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """Precision, recall and F1 with the counts behind them."""

    precision: float
    recall: float
    f1: float
    predicted: int
    gold: int
    matched_predicted: int
    matched_gold: int

    def __str__(self) -> str:
        return f"P={self.precision:.2f} R={self.recall:.2f} F1={self.f1:.2f}"


def _metric(matched_pred: int, n_pred: int, matched_gold: int, n_gold: int) -> Metric:
    precision = matched_pred / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = matched_gold / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metric(precision, recall, f1, n_pred, n_gold, matched_pred, matched_gold)


def score(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Suggestion],
    *,
    speaker_of: Callable[[Suggestion], str | None] | None = None,
) -> dict[str, Metric]:
    """Compare suggestions with gold attributions (annotation-format dicts).

    Unattributed gold items are left out. Metrics: ``span_exact`` (same start and end),
    ``span_overlap`` (any shared character), and, over overlapping pairs, ``speaker``
    (``speaker_of(suggestion)`` equals the gold ``source`` key), ``cue`` (same cue, case
    ignored) and ``kind``; ``exact_speaker`` asks for the exact span and the right speaker.
    A prediction counts once toward precision; a gold item once toward recall.
    """
    items = [g for g in gold if g.get("kind") != "unattributed"]
    resolve = speaker_of or (lambda s: None)
    checks: dict[str, Callable[[Mapping[str, Any], Suggestion], bool]] = {
        "span_exact": lambda g, p: (g["start"], g["end"]) == (p.start, p.end),
        "span_overlap": lambda g, p: True,
        "speaker": lambda g, p: resolve(p) == g.get("source"),
        "exact_speaker": lambda g, p: (
            (g["start"], g["end"]) == (p.start, p.end) and resolve(p) == g.get("source")
        ),
        "cue": lambda g, p: (g.get("cue") or "").casefold() == p.cue.casefold(),
        "kind": lambda g, p: g.get("kind") == p.kind,
    }
    pairs = [
        (gi, pi)
        for gi, g in enumerate(items)
        for pi, p in enumerate(predicted)
        if p.start < g["end"] and g["start"] < p.end
    ]
    result = {}
    for name, check in checks.items():
        ok = [(gi, pi) for gi, pi in pairs if check(items[gi], predicted[pi])]
        result[name] = _metric(
            len({pi for _, pi in ok}), len(predicted), len({gi for gi, _ in ok}), len(items)
        )
    return result


def speaker_resolver(
    extraction: Extraction,
    gold_sources: Sequence[Mapping[str, Any]],
    known_ids: Mapping[str, int] | None = None,
) -> Callable[[Suggestion], str | None]:
    """Map a suggestion's speaker to a gold source key, for :func:`score`.

    Known sources map through ``known_ids`` (gold key -> id). A proposed source maps to the
    gold source with the same name or alias, else the same description (one may extend the
    other: "A rescuer" / "A rescuer who took part ..."); each gold source is matched once.
    """
    by_id = {v: k for k, v in (known_ids or {}).items()}
    taken = set(by_id.values())
    mapping: dict[str, str] = {}
    for proposed in extraction.proposed_sources:
        forms = {fold_mention(f) for f in (proposed.name, *proposed.aliases) if f}
        description = fold_mention(proposed.description)
        best = None
        for source in gold_sources:
            key = source["key"]
            if key in taken:
                continue
            gold_forms = {
                fold_mention(f) for f in (source.get("name") or "", *source.get("aliases", ())) if f
            }
            gold_description = fold_mention(source.get("description") or "")
            if forms & gold_forms or (
                proposed.kind in ("anonymous", "group") and description in gold_forms
            ):
                best = key
                break
            if (
                description
                and gold_description
                and (
                    gold_description.startswith(description)
                    or description.startswith(gold_description)
                )
            ):
                best = best or key
        if best is not None:
            mapping[proposed.key] = best
            taken.add(best)

    def resolve(suggestion: Suggestion) -> str | None:
        if suggestion.source_id is not None:
            return by_id.get(suggestion.source_id)
        return mapping.get(suggestion.proposed_source or "")

    return resolve
