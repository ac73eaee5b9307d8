"""Independence groups (which supporting attributions count as one source) and the status of
a claim they decide."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from crosscheck.rules.data import (
    AttributionInput,
    AttributionKind,
    ClaimStatus,
    IndependenceGroup,
    RelationInput,
    RelationKind,
    Snapshot,
    SourceInput,
    SourceKind,
    Stance,
    Status,
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


def counted(attribution: AttributionInput) -> bool:
    """Whether the attribution counts for or against its claim: not from a retracted
    article, and not "declined to comment" (on the record, but saying nothing)."""
    return not attribution.retracted and attribution.kind != AttributionKind.DECLINED


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


def claim_status(
    claim_id: int,
    attributions: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    relations: Iterable[RelationInput] = (),
) -> ClaimStatus:
    """The verification status of one claim from its attributions and relations.

    Attributions of other claims and relations not touching the claim are ignored.
    Precedence: contested > anonymous_only > corroborated > single_source > unsupported.
    Contested comes first because a denial or contradiction is what a reader most needs to
    know. Anonymous-only outranks corroborated because anonymous sources in two articles
    are two groups that a reader cannot check are independent: counting them as
    confirmation would let unnamed voices look corroborated.
    """
    own = sorted((a for a in attributions if a.claim_id == claim_id), key=lambda a: a.id)
    supporting = [a for a in own if supports(a)]
    denials = tuple(a.id for a in own if denies(a))
    contradicting = tuple(
        sorted(
            {
                r.to_claim_id if r.from_claim_id == claim_id else r.from_claim_id
                for r in relations
                if r.kind == RelationKind.CONTRADICTS
                and claim_id in (r.from_claim_id, r.to_claim_id)
            }
        )
    )
    members: dict[str, list[AttributionInput]] = defaultdict(list)
    labels: dict[str, str] = {}
    for a in supporting:
        key, label = independence_group(a, sources) or ("", "")
        members[key].append(a)
        labels.setdefault(key, label)
    groups = tuple(
        IndependenceGroup(
            key=key,
            label=labels[key],
            attribution_ids=tuple(a.id for a in group),
            source_ids=tuple(sorted({a.source_id for a in group if a.source_id is not None})),
            anonymous=all(is_anonymous(a, sources) for a in group),
        )
        for key, group in sorted(members.items())
    )
    if denials or contradicting:
        status = Status.CONTESTED
    elif rests_on_anonymous_only(own, sources):
        status = Status.ANONYMOUS_ONLY
    elif len(groups) >= 2:
        status = Status.CORROBORATED
    elif groups:
        status = Status.SINGLE_SOURCE
    else:
        status = Status.UNSUPPORTED
    return ClaimStatus(claim_id, status, groups, denials, contradicting)


def claim_statuses(snapshot: Snapshot) -> dict[int, ClaimStatus]:
    """The status of every claim in the snapshot (or referenced by its attributions)."""
    sources = {s.id: s for s in snapshot.sources}
    by_claim: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in snapshot.attributions:
        if a.claim_id is not None:
            by_claim[a.claim_id].append(a)
    contradicts: dict[int, list[RelationInput]] = defaultdict(list)
    for r in snapshot.relations:
        if r.kind == RelationKind.CONTRADICTS:
            contradicts[r.from_claim_id].append(r)
            contradicts[r.to_claim_id].append(r)
    claim_ids = {c.id for c in snapshot.claims} | set(by_claim)
    return {
        cid: claim_status(cid, by_claim.get(cid, ()), sources, contradicts.get(cid, ()))
        for cid in sorted(claim_ids)
    }
