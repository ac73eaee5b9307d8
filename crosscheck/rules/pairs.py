"""Verdicts on a pair of attributions: misattribution (one quote, two speakers) and quote
drift (one speaker's quote reworded, with the word diff)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crosscheck.rules.data import (
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    MISATTRIBUTION_MIN_SIMILARITY,
    QUOTE_KINDS,
    AttributionInput,
    AttributionKind,
    Finding,
    FindingKind,
    SourceInput,
    SourceKind,
    _finding,
    _unique,
)
from crosscheck.rules.independence import _label, independence_group
from crosscheck.rules.quotes import _folded, _similarity, normalize_quote, word_diff


def _same_speaker(
    a: AttributionInput, b: AttributionInput, sources: Mapping[int, SourceInput]
) -> bool:
    """One source, or the re-entered copy of one unnamed source in a wire story's copies
    (anonymous sources belong to one article, so each copy has its own row)."""
    if a.source_id == b.source_id:
        return True
    sa, sb = sources.get(a.source_id or -1), sources.get(b.source_id or -1)
    return (
        sa is not None
        and sb is not None
        and sa.kind == sb.kind
        and sa.kind in (SourceKind.ANONYMOUS, SourceKind.GROUP)
        and bool(a.story_key)
        and a.story_key == b.story_key
    )


def _comparable_quotes(
    a: AttributionInput, b: AttributionInput, min_words: int, min_similarity: float
) -> float | None:
    """The similarity of two sourced quotes from different articles, if it may matter."""
    if a.id == b.id or a.source_id is None or b.source_id is None:
        return None
    if a.article_id == b.article_id:
        return None
    if len(_folded(a.text)) < min_words or len(_folded(b.text)) < min_words:
        return None
    similarity = _similarity(normalize_quote(a.text), normalize_quote(b.text), min_similarity)
    return similarity if similarity >= min_similarity else None


def _misattribution(
    a: AttributionInput,
    b: AttributionInput,
    sources: Mapping[int, SourceInput],
    min_similarity: float,
    min_words: int,
) -> Finding | None:
    if not (a.kind in QUOTE_KINDS or b.kind in QUOTE_KINDS) or _same_speaker(a, b, sources):
        return None
    if AttributionKind.DECLINED in (a.kind, b.kind):
        return None  # "declined to comment" is said by many, and says nothing
    similarity = _comparable_quotes(a, b, min_words, min_similarity)
    if similarity is None:
        return None
    first, second = sorted((a, b), key=lambda x: x.id)
    groups = [independence_group(x, sources) for x in (first, second)]
    evidence = [
        {
            "id": x.id,
            "article_id": x.article_id,
            "source_id": x.source_id,
            "source": _label(x.source_id or 0, sources),
            "kind": str(x.kind),
            "group": group[0] if group else "",
        }
        for x, group in zip((first, second), groups, strict=True)
    ]
    details = {
        "similarity": similarity,
        "same_group": groups[0] == groups[1],
        "attributions": evidence,
    }
    return _finding(
        FindingKind.MISATTRIBUTION, f"attributions={first.id},{second.id}", (a, b), details
    )


def find_misattributions(
    attribution: AttributionInput,
    candidates: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    *,
    min_similarity: float = MISATTRIBUTION_MIN_SIMILARITY,
    min_words: int = MIN_QUOTE_WORDS,
) -> list[Finding]:
    """Near-identical quotes attributed to a different source in another article.

    A pair is compared when both have a source, they are in different articles (one span
    credited to two speakers in one article is a joint statement, not a mix-up), at least
    one is a direct or mixed quote (two paraphrases of one event may well match), and both
    have ``min_words`` words or more. Similarity is :func:`quote_similarity`.

    Sources in one independence group (an organisation and its spokesman) are still
    reported, with ``details["same_group"] = True``: a spokesman reading out the
    organisation's statement is normal, but crediting one member's words to another is
    the same mistake as any other, and only the caller knows which it wants to show.
    """
    found = (
        _misattribution(attribution, c, sources, min_similarity, min_words) for c in candidates
    )
    return _unique(f for f in found if f is not None)


def _drift(
    a: AttributionInput,
    b: AttributionInput,
    sources: Mapping[int, SourceInput],
    min_similarity: float,
    min_words: int,
) -> Finding | None:
    if a.kind != AttributionKind.DIRECT or b.kind != AttributionKind.DIRECT:
        return None
    if not _same_speaker(a, b, sources):
        return None
    similarity = _comparable_quotes(a, b, min_words, min_similarity)
    if similarity is None or similarity >= 100:
        return None
    first, second = sorted((a, b), key=lambda x: x.id)
    details = {
        "similarity": similarity,
        "source": _label(first.source_id or 0, sources),
        "article_ids": [first.article_id, second.article_id],
        "diff_from": first.id,
        "diff_to": second.id,
        "diff": [op.as_dict() for op in word_diff(first.text, second.text)],
    }
    return _finding(
        FindingKind.QUOTE_DRIFT, f"attributions={first.id},{second.id}", (a, b), details
    )


def find_quote_drift(
    attribution: AttributionInput,
    candidates: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    *,
    min_similarity: float = DRIFT_MIN_SIMILARITY,
    min_words: int = MIN_QUOTE_WORDS,
) -> list[Finding]:
    """The same source's direct quote worded differently in another article.

    Drift is a similarity from ``min_similarity`` up to, not including, 100: identical
    after normalising (quote marks, case, punctuation) is the same quote. The diff runs
    from the lower attribution id to the higher.
    """
    found = (_drift(attribution, c, sources, min_similarity, min_words) for c in candidates)
    return _unique(f for f in found if f is not None)
