"""Scoring suggestions against annotated articles: precision, recall and F1."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from suggestions.extraction.mentions import fold_mention
from suggestions.extraction.types import Extraction, Suggestion

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


def combine(metrics: Iterable[Metric]) -> Metric:
    """Micro-average: add up the counts of several metrics and compute P, R and F1 anew."""
    matched_pred = n_pred = matched_gold = n_gold = 0
    for m in metrics:
        matched_pred += m.matched_predicted
        n_pred += m.predicted
        matched_gold += m.matched_gold
        n_gold += m.gold
    return _metric(matched_pred, n_pred, matched_gold, n_gold)


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two spans share at least one character."""
    return start < other_end and other_start < end


def matching(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """A maximum one-to-one matching of (gold, prediction) pairs: the most pairs that can be
    chosen with each gold item and each prediction in at most one of them, as a map from
    prediction to gold item."""
    edges: dict[int, list[int]] = {}
    for g, p in pairs:
        edges.setdefault(g, []).append(p)
    owner: dict[int, int] = {}  # prediction -> the gold item it is matched to
    for root in edges:
        # Look for an augmenting path from ``root`` (Kuhn's algorithm), without recursion:
        # ``stack`` holds the gold items on the path, ``path`` the predictions between them.
        visited: set[int] = set()
        stack = [(root, iter(edges[root]))]
        path: list[int] = []
        while stack:
            options = stack[-1][1]
            pick = next((q for q in options if q not in visited), None)
            if pick is None:
                stack.pop()
                if path:
                    path.pop()
                continue
            visited.add(pick)
            if pick in owner:
                path.append(pick)
                stack.append((owner[pick], iter(edges[owner[pick]])))
                continue
            for (gold, _), prediction in zip(stack, [*path, pick], strict=True):
                owner[prediction] = gold
            break
    return owner


def score(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Suggestion],
    *,
    speaker_of: Callable[[Suggestion], str | None] | None = None,
) -> dict[str, Metric]:
    """Compare suggestions with gold attributions (annotation-format dicts).

    Unattributed gold items are left out: they are not what the extractor is asked to find.
    A suggestion and a gold item are a candidate pair when their spans share a character.
    Each metric keeps the candidate pairs that pass its test:

    - ``span_exact``: same start and end;
    - ``span_overlap``: any shared character;
    - ``speaker``: ``speaker_of(suggestion)`` equals the gold ``source`` key;
    - ``exact_speaker``: same start and end, and the right speaker;
    - ``cue``: the same cue, case ignored;
    - ``kind``: the same kind (direct, indirect, mixed);

    and matches them one to one (a maximum matching: each suggestion and each gold item in at
    most one pair). Precision is matches / suggestions, recall matches / gold items, F1 their
    harmonic mean. With no suggestions, precision is 1.0 if there was nothing to find, else
    0.0; with no gold items, recall is 1.0; F1 is 0.0 when precision and recall are both 0.
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
        if overlaps(p.start, p.end, g["start"], g["end"])
    ]
    result = {}
    for name, check in checks.items():
        matched = len(matching((gi, pi) for gi, pi in pairs if check(items[gi], predicted[pi])))
        result[name] = _metric(matched, len(predicted), matched, len(items))
    return result


def speaker_resolver(
    extraction: Extraction,
    gold_sources: Sequence[Mapping[str, Any]],
    known_ids: Mapping[str, int] | None = None,
) -> Callable[[Suggestion], str | None]:
    """Map a suggestion's speaker to a gold source key, for :func:`score`.

    A suggestion naming a known source maps through ``known_ids`` (gold key -> id). Proposed
    sources are taken in the extractor's order (first mention first); each maps to the first
    gold source, in the annotation's order and not yet taken, that shares a name or alias
    with it (compared by ``fold_mention``: case, spacing, straight apostrophes and a leading
    "the" ignored), or, for an anonymous source or unnamed group, has its description as a
    name or alias; failing that, to the first gold source whose description starts with the
    proposed one's or the other way round ("A rescuer" / "A rescuer who took part ...").
    Each gold source is taken at most once, and gold sources in ``known_ids`` are not
    available to proposed sources, so a source the extractor splits in two, or proposes
    anew although the archive holds it, gets a wrong speaker (None) for the second part.
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
