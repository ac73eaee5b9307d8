"""Scoring the extractor against annotated articles (``manage.py evaluate_extraction``).

Each gold article is a parsed annotation article (``interchange.annotations.parse_annotation``
output, or the same shape): its ``body``, ``sources`` and ``attributions``. The extractor runs
on the body and its suggestions are scored with :func:`suggestions.extraction.scoring.score`:

- **Targets.** Gold attributions with a source (direct, indirect, mixed). Unattributed
  statements are not targets: they count toward no recall. A suggestion that overlaps an
  unattributed statement and no attributed one is a false positive like any other, and is
  also counted on its own (``on_unattributed``): the extractor gave a source to a statement
  the article gives none.
- **Matching.** A suggestion and a gold attribution are a candidate pair when their spans
  share a character. Each metric keeps the pairs that pass its test and matches them one to
  one (the largest set of pairs with each suggestion and each gold attribution in at most
  one): ``span_exact`` same start and end; ``span_overlap`` any shared character;
  ``speaker`` overlapping and the suggestion's speaker resolves to the gold source;
  ``exact_speaker`` both; ``cue`` overlapping and the same cue (case ignored); ``kind``
  overlapping and the same kind. Precision = matches / suggestions, recall = matches / gold
  attributions. Totals add up the counts of their articles (micro-average).
- **Speakers.** By default the archive is empty, as for an article whose sources are all
  new: every speaker is a source the extractor proposes, and a proposed source resolves to
  a gold source by name, alias or description (``speaker_resolver``). With
  ``with_archive=True`` the article's named sources (person, organisation, official account,
  document: the kinds an archive shares between articles) are given to the extractor as
  known sources, with their aliases, role and affiliation, as for a follow-up story; a
  suggestion is then right only if it links to that known source (or, for an anonymous
  source or unnamed group, which belong to one article and are never in the archive,
  proposes one that resolves to it).

Pure Python: no Django imports, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from suggestions.extraction.extractor import extract
from suggestions.extraction.scoring import (
    Metric,
    combine,
    matching,
    overlaps,
    score,
    speaker_resolver,
)
from suggestions.extraction.types import KnownSource, Suggestion

# The kinds of source an archive shares between articles; anonymous sources and unnamed
# groups belong to the one article that quotes them.
ARCHIVED_KINDS = ("person", "organization", "official_account", "document")

# Metric names in the order reported, with their column headings.
METRICS = {
    "span_exact": "span exact",
    "span_overlap": "span overlap",
    "speaker": "speaker",
    "exact_speaker": "exact + speaker",
    "cue": "cue",
    "kind": "kind",
}


@dataclass(frozen=True)
class ArticleScore:
    """How the extractor did on one article, or in total over several."""

    label: str
    gold: int  # attributions with a source: the targets
    unattributed: int  # gold statements with no source: not targets
    predicted: int  # suggestions
    on_unattributed: int  # suggestions overlapping only unattributed statements
    metrics: dict[str, Metric]
    articles: int = 1
    file: str = ""
    errors: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "file": self.file,
            "articles": self.articles,
            "gold": self.gold,
            "unattributed": self.unattributed,
            "predicted": self.predicted,
            "on_unattributed": self.on_unattributed,
            "errors": list(self.errors),
            "metrics": {
                name: {
                    "precision": round(m.precision, 4),
                    "recall": round(m.recall, 4),
                    "f1": round(m.f1, 4),
                    "predicted": m.predicted,
                    "gold": m.gold,
                    "matched": m.matched_gold,
                }
                for name, m in self.metrics.items()
            },
        }


def archive_from(
    sources: Sequence[Mapping[str, Any]],
) -> tuple[list[KnownSource], dict[str, int]]:
    """The article's archived kinds of source as known sources, numbered 1, 2, ... in the
    annotation's order, and the map from gold key to that number."""
    ids = {
        source["key"]: number
        for number, source in enumerate(sources, start=1)
        if source["kind"] in ARCHIVED_KINDS
    }
    known = [
        KnownSource(
            id=ids[source["key"]],
            kind=source["kind"],
            name=source.get("name") or "",
            aliases=tuple(source.get("aliases") or ()),
            role=source.get("role") or "",
            affiliation_id=ids.get(source.get("affiliation") or ""),
        )
        for source in sources
        if source["key"] in ids
    ]
    return known, ids


def score_article(
    article: Mapping[str, Any],
    *,
    label: str = "",
    file: str = "",
    with_archive: bool = False,
    method: str = "combined",
) -> ArticleScore:
    """Run the extractor (``method``: rules, tagger or combined) on a gold article's body
    and score it (see the module help)."""
    sources = article.get("sources") or ()
    known, ids = archive_from(sources) if with_archive else ([], {})
    extraction = extract(article["body"], known_sources=known, method=method)
    resolver = speaker_resolver(extraction, sources, ids)
    gold = article.get("attributions") or ()
    metrics = score(gold, extraction.suggestions, speaker_of=resolver)
    return ArticleScore(
        label=label or article.get("key", ""),
        file=file,
        gold=sum(1 for g in gold if g["kind"] != "unattributed"),
        unattributed=sum(1 for g in gold if g["kind"] == "unattributed"),
        predicted=len(extraction.suggestions),
        on_unattributed=count_on_unattributed(gold, extraction.suggestions),
        metrics=metrics,
        errors=tuple(explain(gold, extraction.suggestions, resolver)),
    )


def explain(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Suggestion],
    speaker_of: Callable[[Suggestion], str | None],
) -> list[str]:
    """What kept the scores below 1.0, in text order: gold attributions missed or given the
    wrong speaker, spans that overlap without being exact, cues and kinds that differ, and
    suggestions that match nothing."""
    items = [g for g in gold if g["kind"] != "unattributed"]
    pairs = [
        (gi, pi)
        for gi, g in enumerate(items)
        for pi, p in enumerate(predicted)
        if overlaps(p.start, p.end, g["start"], g["end"])
    ]
    by_overlap = matching(pairs)
    gold_to_pred = {gi: pi for pi, gi in by_overlap.items()}
    by_speaker = matching(
        (gi, pi) for gi, pi in pairs if speaker_of(predicted[pi]) == items[gi]["source"]
    )
    right_speaker = set(by_speaker.values())
    found: list[tuple[int, str]] = []
    for gi, g in enumerate(items):
        where = f"{g['start']}-{g['end']}"
        if gi not in gold_to_pred:
            found.append((g["start"], f"missed {where} ({g['source']}): {_clip(g['text'])}"))
            continue
        p = predicted[gold_to_pred[gi]]
        problems = []
        if (p.start, p.end) != (g["start"], g["end"]):
            problems.append(f"span {p.start}-{p.end}: {_clip(p.text)}")
        if gi not in right_speaker:
            said = speaker_of(p) or "no gold source"
            problems.append(f"speaker {said} (from “{p.speaker_mention}”), not {g['source']}")
        if (g.get("cue") or "").casefold() != p.cue.casefold():
            problems.append(f"cue {p.cue!r}, not {g.get('cue')!r}")
        if g["kind"] != p.kind:
            problems.append(f"kind {p.kind}, not {g['kind']}")
        if problems:
            found.append(
                (g["start"], f"at {where} ({_clip(g['text'], 40)}): " + "; ".join(problems))
            )
    unattributed = [g for g in gold if g["kind"] == "unattributed"]
    for pi, p in enumerate(predicted):
        if pi in by_overlap:
            continue
        on = _only_on_unattributed(p, items, unattributed)
        what = "on an unattributed statement" if on else "spurious"
        found.append(
            (p.start, f"{what} {p.start}-{p.end} (“{p.speaker_mention}” {p.cue}): {_clip(p.text)}")
        )
    return [message for _, message in sorted(found, key=lambda f: f[0])]


def _clip(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return f"“{text}”" if len(text) <= limit else f"“{text[: limit - 1]}…”"


def count_on_unattributed(
    gold: Sequence[Mapping[str, Any]], predicted: Sequence[Suggestion]
) -> int:
    """Suggestions that overlap an unattributed gold statement and no attributed one."""
    attributed = [g for g in gold if g["kind"] != "unattributed"]
    unattributed = [g for g in gold if g["kind"] == "unattributed"]
    return sum(1 for p in predicted if _only_on_unattributed(p, attributed, unattributed))


def _only_on_unattributed(
    p: Suggestion,
    attributed: Sequence[Mapping[str, Any]],
    unattributed: Sequence[Mapping[str, Any]],
) -> bool:
    return any(overlaps(p.start, p.end, g["start"], g["end"]) for g in unattributed) and not any(
        overlaps(p.start, p.end, g["start"], g["end"]) for g in attributed
    )


def total(scores: Iterable[ArticleScore], label: str = "total") -> ArticleScore:
    """The micro-averaged total of several article scores: counts added up."""
    scores = list(scores)
    return ArticleScore(
        label=label,
        articles=sum(s.articles for s in scores),
        gold=sum(s.gold for s in scores),
        unattributed=sum(s.unattributed for s in scores),
        predicted=sum(s.predicted for s in scores),
        on_unattributed=sum(s.on_unattributed for s in scores),
        metrics={name: combine(s.metrics[name] for s in scores) for name in METRICS},
    )
