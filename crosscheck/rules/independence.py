"""Independence groups (which supporting attributions count as one source), and the
predicates a claim status is built from: which attributions count, support or deny.
The status itself is decided in ``status``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crosscheck.rules.data import (
    AttributionInput,
    AttributionKind,
    NotCountedReason,
    SourceInput,
    SourceKind,
    Stance,
)
from crosscheck.rules.quotes import normalize_quote


def _top_affiliation(source: SourceInput, sources: Mapping[int, SourceInput]) -> int | None:
    top, seen, current = None, {source.id}, source.affiliation_id
    while current is not None and current not in seen:  # seen: a cycle must not hang us
        seen.add(current)
        top = current
        parent = sources.get(current)
        current = parent.affiliation_id if parent else None
    return top


def _label(source_id: int, sources: Mapping[int, SourceInput]) -> str:
    source = sources.get(source_id)
    return source.label if source else f"source #{source_id}"


def _scope(attribution: AttributionInput) -> str:
    """Where an article-bound source lives: its wire story, or else its article."""
    if attribution.story_key:
        return f"story:{attribution.story_key}"
    return f"article:{attribution.article_id}"


def independence_group(
    attribution: AttributionInput, sources: Mapping[int, SourceInput]
) -> tuple[str, str] | None:
    """(group key, label) of an attribution's source; ``None`` when it has no source.

    The group is the source's top affiliated organisation, else the source itself. An
    official account speaks for its owner, so it takes the owner's group. Unaffiliated
    anonymous sources of one article (or of the copies of one wire story) form one group,
    as do copies of one unnamed group across a wire story's copies.
    """
    if attribution.source_id is None:
        return None
    speaker = sources.get(attribution.source_id)
    if speaker is None:
        return f"source:{attribution.source_id}", f"source #{attribution.source_id}"
    if (
        speaker.kind == SourceKind.OFFICIAL_ACCOUNT
        and speaker.owner_id is not None
        and speaker.owner_id in sources
    ):
        speaker = sources[speaker.owner_id]
    top = _top_affiliation(speaker, sources)
    if top is not None:
        return f"source:{top}", _label(top, sources)
    scope = _scope(attribution)
    if speaker.kind == SourceKind.ANONYMOUS:
        return f"anonymous:{scope}", f"anonymous sources ({scope.replace(':', ' ')})"
    if speaker.kind == SourceKind.GROUP and attribution.story_key:
        return f"group:{scope}:{normalize_quote(speaker.description)}", speaker.label
    return f"source:{speaker.id}", speaker.label


def is_anonymous(attribution: AttributionInput, sources: Mapping[int, SourceInput]) -> bool:
    """Whether the attribution's source is an anonymous one."""
    source = sources.get(attribution.source_id) if attribution.source_id is not None else None
    return source is not None and source.kind == SourceKind.ANONYMOUS


def not_counted_reason(attribution: AttributionInput) -> NotCountedReason | None:
    """Why the attribution counts toward nothing in its claim's status, whatever the other
    attributions say: its article was retracted, its source declined to comment, a body
    edit orphaned its span, or it is a suggestion no editor has confirmed (extracted and
    never reviewed, or linked to its claim by the claim matcher only). ``None`` when it
    counts."""
    if attribution.retracted:
        return NotCountedReason.RETRACTED
    if attribution.kind == AttributionKind.DECLINED:
        return NotCountedReason.DECLINED
    if attribution.orphaned:
        return NotCountedReason.ORPHANED
    if attribution.unreviewed_suggestion:
        return NotCountedReason.UNREVIEWED_SUGGESTION
    if attribution.claim_is_suggested:
        return NotCountedReason.SUGGESTED_LINK
    return None


def counted(attribution: AttributionInput) -> bool:
    """Whether the attribution counts for or against its claim: see
    :func:`not_counted_reason`."""
    return not_counted_reason(attribution) is None


def supports(attribution: AttributionInput) -> bool:
    """Whether the attribution supports its claim: counted, sourced and not a denial."""
    return (
        counted(attribution)
        and attribution.source_id is not None
        and attribution.stance != Stance.DENIES
    )


def denies(attribution: AttributionInput) -> bool:
    """Whether the attribution is a counted denial of its claim."""
    return counted(attribution) and attribution.stance == Stance.DENIES


def rests_on_anonymous_only(
    attributions: Iterable[AttributionInput], sources: Mapping[int, SourceInput]
) -> bool:
    """Whether these attributions (of one claim) support it and every one that does has
    an anonymous source: what makes a claim ``anonymous_only`` unless it is contested."""
    supporting = [a for a in attributions if supports(a)]
    return bool(supporting) and all(is_anonymous(a, sources) for a in supporting)
