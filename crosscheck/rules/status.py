"""A claim's status, decided here and nowhere else, with its reasons as data.

:func:`claim_status` takes a claim's attributions, its relations and the conflict findings
that name its attributions (with their triage), and answers which independence groups
count, which attributions count toward nothing and why, and what contests the claim:

1. **Counted for nothing, whatever else is said**: an attribution from a retracted
   article, a source declining to comment, an orphaned span, an extracted suggestion no
   editor reviewed, an attribution linked to the claim by the claim matcher only
   (:func:`~crosscheck.rules.not_counted_reason`). Nor does an unattributed statement
   support anything.
2. **Against the claim**: a denial, and an attribution whose figure cannot hold with the
   claim's own ("three fighters were killed" against "at least four"), by the figures the
   numeric-conflict rule compares (:func:`~crosscheck.rules.conflicting_figures`).
3. **In doubt**: a conflict finding (misattribution, quote drift, numeric conflict) that is
   open or confirmed and names one of the claim's attributions contests the claim; the
   supporting attributions it names count toward nothing until it is dismissed. A finding
   that also names an attribution counted for nothing (an orphaned span, a retracted
   article, or for figures a claim link only suggested) contests nothing.
4. **One piece of evidence**: supporting attributions that repeat each other word for
   word, or near-identically as the misattribution rule judges a pair
   (:func:`~crosscheck.rules.judge_pair`), under different sources are one piece of
   evidence whichever of them is right: it counts once, in the group that already
   supports the claim if one does, else in the earliest one's; the others are copies.
5. **The status**: contested (2 or 3), else anonymous only (every counted attribution
   anonymous), corroborated (two or more groups), single source (one), unsupported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from crosscheck.rules.conflicts import conflicting_figures
from crosscheck.rules.data import (
    CONFLICT_KINDS,
    DEFAULT_THRESHOLDS,
    PAIR_FINDING_KINDS,
    AttributionInput,
    ClaimInput,
    ClaimStatus,
    FigureContradiction,
    Finding,
    FindingInput,
    FindingKind,
    IndependenceGroup,
    NotCounted,
    NotCountedReason,
    PairVerdict,
    RelationInput,
    RelationKind,
    SourceInput,
    Stance,
    Status,
    Thresholds,
    TriageState,
)
from crosscheck.rules.independence import independence_group, is_anonymous, not_counted_reason
from crosscheck.rules.pairs import judge_pair


def said_order(attribution: AttributionInput) -> tuple[bool, float, int]:
    """Earlier first: by when its article was published (undated last), then by id."""
    when = attribution.published_at
    return (when is None, when.timestamp() if when else 0.0, attribution.id)


def voids(finding_kind: str, attribution: AttributionInput) -> bool:
    """Whether naming this attribution keeps a conflict finding from contesting a claim:
    it counts toward nothing itself (an orphaned span is no longer in its article, a
    retracted article is withdrawn), except that a claim link only suggested voids a
    numeric conflict only (the figures were compared because of that link; a
    misattribution or a drift holds whichever claim the quote is linked to)."""
    reason = not_counted_reason(attribution)
    if reason is NotCountedReason.SUGGESTED_LINK:
        return finding_kind == FindingKind.NUMERIC_CONFLICT
    return reason is not None


def holding_conflicts(
    stored: Iterable[FindingInput],
    found: Iterable[Finding],
    compared: set[tuple[int, int]],
) -> list[FindingInput]:
    """The conflict findings that hold after a recomputation: those ``found`` (with the
    triage state stored under their key, else open), and the ``stored`` current pair
    findings whose pair was not ``compared`` this time (nothing was judged that could end
    them). A stored finding not found again whose pair was compared, and a stored numeric
    conflict not found again, no longer hold. Sorted by key."""
    stored = list(stored)
    state = {f.key: f.state for f in stored}
    holding = {
        f.key: FindingInput(f.key, f.kind, f.attribution_ids, state.get(f.key, TriageState.OPEN))
        for f in found
        if f.kind in CONFLICT_KINDS
    }
    for f in stored:
        if f.key in holding or f.resolved or f.kind not in PAIR_FINDING_KINDS:
            continue
        ids = sorted(f.attribution_ids)
        if len(ids) == 2 and (ids[0], ids[1]) in compared:
            continue
        holding[f.key] = f
    return [holding[k] for k in sorted(holding)]


def claim_status(
    claim: int | ClaimInput,
    attributions: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    relations: Iterable[RelationInput] = (),
    conflicts: Iterable[FindingInput] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ClaimStatus:
    """The status of one claim and its reasons (see the module help).

    ``claim`` is its id, or a :class:`ClaimInput` whose text gives the figures to check
    the attributions against. ``attributions`` may hold other claims' attributions: they
    are ignored, except that those a conflict finding names tell whether it holds.
    ``conflicts``: the conflict findings that name its attributions, with their triage;
    others are ignored. Relations not touching the claim are ignored.
    """
    if isinstance(claim, int):
        claim = ClaimInput(claim)
    known = {a.id: a for a in attributions}
    own = [a for a in known.values() if a.claim_id == claim.id]
    return _status(claim, own, known, sources, relations, conflicts, thresholds)


def _status(
    claim: ClaimInput,
    own: Sequence[AttributionInput],
    known: Mapping[int, AttributionInput],
    sources: Mapping[int, SourceInput],
    relations: Iterable[RelationInput],
    conflicts: Iterable[FindingInput],
    thresholds: Thresholds,
    repeats: set[tuple[int, int]] | None = None,
) -> ClaimStatus:
    """:func:`claim_status` over the claim's own attributions. ``repeats``: the id pairs
    (lower id first) the misattribution rule flags, when already judged (:func:`check`
    judges every pair of a claim's attributions); else they are judged here."""
    not_counted: list[NotCounted] = []
    live: list[AttributionInput] = []
    for a in sorted(own, key=lambda a: a.id):
        reason = not_counted_reason(a)
        if reason is not None:
            not_counted.append(NotCounted(a.id, reason))
        elif a.source_id is not None or a.stance == Stance.DENIES:
            live.append(a)
    live_ids = {a.id for a in live}

    denials = tuple(a.id for a in live if a.stance == Stance.DENIES)
    figures: list[FigureContradiction] = []
    supporting: list[AttributionInput] = []
    for a in live:
        if a.stance == Stance.DENIES:
            continue
        pairs = conflicting_figures(claim.text, a.text) if claim.text else []
        if pairs:
            figures.append(
                FigureContradiction(a.id, tuple((x.written, y.written) for x, y in pairs))
            )
        else:
            supporting.append(a)

    contesting: list[str] = []
    held: dict[int, list[str]] = defaultdict(list)
    for finding in sorted(conflicts, key=lambda f: f.key):
        if finding.kind not in CONFLICT_KINDS or not finding.holds:
            continue
        mine = [i for i in finding.attribution_ids if i in live_ids]
        if not mine or any(
            voids(finding.kind, known[i]) for i in finding.attribution_ids if i in known
        ):
            continue
        contesting.append(finding.key)
        for i in mine:
            held[i].append(finding.key)
    for a in supporting:
        not_counted.extend(
            NotCounted(a.id, NotCountedReason.CONFLICT, finding_key=k) for k in held.get(a.id, ())
        )
    supporting = [a for a in supporting if a.id not in held]

    copies = _copies(supporting, sources, thresholds, repeats)
    not_counted.extend(
        NotCounted(a.id, NotCountedReason.COPY, copy_of=copies[a.id])
        for a in supporting
        if a.id in copies
    )
    counted = [a for a in supporting if a.id not in copies]
    groups = _groups(counted, sources)

    contradicting = tuple(
        sorted(
            {
                r.to_claim_id if r.from_claim_id == claim.id else r.from_claim_id
                for r in relations
                if r.kind == RelationKind.CONTRADICTS
                and claim.id in (r.from_claim_id, r.to_claim_id)
            }
        )
    )
    if denials or figures or contradicting or contesting:
        status = Status.CONTESTED
    elif counted and all(is_anonymous(a, sources) for a in counted):
        # Anonymous-only outranks corroborated: anonymous sources in two articles are two
        # groups that a reader cannot check are independent.
        status = Status.ANONYMOUS_ONLY
    elif len(groups) >= 2:
        status = Status.CORROBORATED
    elif groups:
        status = Status.SINGLE_SOURCE
    else:
        status = Status.UNSUPPORTED
    return ClaimStatus(
        claim_id=claim.id,
        status=status,
        groups=groups,
        denying_attribution_ids=denials,
        contradicting_claim_ids=contradicting,
        contradicting_figures=tuple(figures),
        conflict_finding_keys=tuple(contesting),
        not_counted=tuple(sorted(not_counted, key=lambda n: n.attribution_id)),
    )


def _groups(
    counted: Sequence[AttributionInput], sources: Mapping[int, SourceInput]
) -> tuple[IndependenceGroup, ...]:
    members: dict[str, list[AttributionInput]] = defaultdict(list)
    labels: dict[str, str] = {}
    for a in counted:
        key, label = independence_group(a, sources) or ("", "")
        members[key].append(a)
        labels.setdefault(key, label)
    return tuple(
        IndependenceGroup(
            key=key,
            label=labels[key],
            attribution_ids=tuple(sorted(a.id for a in group)),
            source_ids=tuple(sorted({a.source_id for a in group if a.source_id is not None})),
            anonymous=all(is_anonymous(a, sources) for a in group),
        )
        for key, group in sorted(members.items())
    )


def _copies(
    supporting: Sequence[AttributionInput],
    sources: Mapping[int, SourceInput],
    thresholds: Thresholds,
    repeats: set[tuple[int, int]] | None = None,
) -> dict[int, int]:
    """Copies among a claim's supporting attributions: each copy's id -> the id of the
    attribution counted in its place.

    Attributions the misattribution rule would pair (near-identical words, two speakers,
    two articles) are one piece of evidence, and so is every attribution linked to them
    by such pairs. Each such set counts once: in the group of its earliest member whose
    group already counts for the claim (by an attribution outside every set, or by a set
    decided before it), else in its earliest member's. Members in that group count as
    they would anyway (a group is counted once); the others are copies of that member.
    Quadratic in the claim's supporting attributions, which are few.
    """
    ordered = sorted(supporting, key=said_order)
    parent = {a.id: a.id for a in ordered}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def repeat(x: AttributionInput, y: AttributionInput) -> bool:
        if repeats is not None:
            return (min(x.id, y.id), max(x.id, y.id)) in repeats
        return judge_pair(x, y, sources, thresholds).verdict == PairVerdict.MISATTRIBUTION

    for x, y in combinations(ordered, 2):
        if repeat(x, y):
            parent[root(y.id)] = root(x.id)
    sets: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in ordered:  # each set in said order; the sets in their earliest member's order
        sets[root(a.id)].append(a)
    group = {a.id: (independence_group(a, sources) or ("", ""))[0] for a in ordered}
    counting = {group[m[0].id] for m in sets.values() if len(m) == 1}
    copies: dict[int, int] = {}
    for members in sets.values():
        if len(members) == 1:
            continue
        kept = next((m for m in members if group[m.id] in counting), members[0])
        counting.add(group[kept.id])
        copies.update({m.id: kept.id for m in members if group[m.id] != group[kept.id]})
    return copies
