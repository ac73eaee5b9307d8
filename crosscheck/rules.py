"""The cross-check engine's rules: attributions checked against each other.

Everything here is pure: plain dataclasses in, plain dataclasses out, no Django and no
database, so the rules are fast to test and to benchmark. The service layer loads rows into
a :class:`Snapshot`, calls :func:`run_rules` (and :func:`claim_statuses`), and stores the
findings, matching old and new ones by :attr:`Finding.key`.

Kinds, stances and statuses are the string values of the models' ``TextChoices``, so the
service can copy them over as they are.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz

from crosscheck.quantities import Quantity, pair_quantities, parse_quantities

# Two quotes from different sources this similar (0-100, after normalising) are one quote.
MISATTRIBUTION_MIN_SIMILARITY = 90.0
# The same source's direct quotes this similar, but not identical, are one quote reworded.
DRIFT_MIN_SIMILARITY = 60.0
# Shorter quotes ("we will win") are too common to say who said them first.
MIN_QUOTE_WORDS = 4


class SourceKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    OFFICIAL_ACCOUNT = "official_account"
    ANONYMOUS = "anonymous"
    GROUP = "group"
    DOCUMENT = "document"


class AttributionKind(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"
    UNATTRIBUTED = "unattributed"
    # "... declined to comment": a source was asked and said nothing; it supports nothing.
    DECLINED = "declined"


class Stance(StrEnum):
    ASSERTS = "asserts"
    DENIES = "denies"


class RelationKind(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    REFINES = "refines"
    SAME_AS = "same_as"


class Status(StrEnum):
    CONTESTED = "contested"
    ANONYMOUS_ONLY = "anonymous_only"
    CORROBORATED = "corroborated"
    SINGLE_SOURCE = "single_source"
    UNSUPPORTED = "unsupported"


class FindingKind(StrEnum):
    MISATTRIBUTION = "misattribution"
    QUOTE_DRIFT = "quote_drift"
    CONTRADICTION = "contradiction"
    NUMERIC_CONFLICT = "numeric_conflict"
    ANONYMOUS_ONLY = "anonymous_only"
    SINGLE_SOURCE = "single_source"
    UNEXPLAINED_ANONYMITY = "unexplained_anonymity"
    UNATTRIBUTED = "unattributed"


QUOTE_KINDS = frozenset({AttributionKind.DIRECT, AttributionKind.MIXED})


# --- inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceInput:
    """A source row. ``affiliation_id`` and ``owner_id`` point at other sources, which
    must be in the same snapshot for their names to show (grouping works without them)."""

    id: int
    kind: str
    name: str = ""
    description: str = ""
    affiliation_id: int | None = None
    owner_id: int | None = None
    article_id: int | None = None
    anonymity_reason: str = ""

    @property
    def label(self) -> str:
        """As ``Source.display_name``: the name, else the article's description."""
        if self.name:
            return self.name
        if self.kind == SourceKind.ANONYMOUS:
            return f"Anonymous: {self.description}"
        return self.description or f"source #{self.id}"


@dataclass(frozen=True, slots=True)
class AttributionInput:
    """One act of saying. ``story_key`` is shared by the copies of one wire story (same
    origin outlet, near-identical text); empty when the article is no such copy."""

    id: int
    article_id: int
    kind: str
    text: str
    source_id: int | None = None
    claim_id: int | None = None
    stance: str = Stance.ASSERTS
    said_on: date | None = None
    story_key: str = ""
    # The article was retracted: the attribution stays on record but supports nothing.
    retracted: bool = False


@dataclass(frozen=True, slots=True)
class ClaimInput:
    id: int
    text: str = ""
    event_date: date | None = None


@dataclass(frozen=True, slots=True)
class RelationInput:
    id: int
    from_claim_id: int
    to_claim_id: int
    kind: str
    note: str = ""


@dataclass(frozen=True)
class Snapshot:
    """The rows the rules look at. ``candidate_pairs`` are attribution id pairs whose
    texts an index found similar (in either order; unknown ids are ignored); pairs within
    one claim are compared anyway."""

    claims: Sequence[ClaimInput] = ()
    attributions: Sequence[AttributionInput] = ()
    sources: Sequence[SourceInput] = ()
    relations: Sequence[RelationInput] = ()
    candidate_pairs: Sequence[tuple[int, int]] = ()


# --- outputs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndependenceGroup:
    """Supporting attributions that count as one independent source."""

    key: str
    label: str
    attribution_ids: tuple[int, ...]
    source_ids: tuple[int, ...]
    anonymous: bool  # every member's source is anonymous

    def as_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    """A claim's status and what decided it: the supporting groups, the denials and the
    claims that contradict it."""

    claim_id: int
    status: Status
    groups: tuple[IndependenceGroup, ...] = ()
    denying_attribution_ids: tuple[int, ...] = ()
    contradicting_claim_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Finding:
    """What a rule found. ``key`` names the finding independently of input order, so a
    recomputation finds "the same finding" again and keeps its triage state. ``details``
    holds JSON types only (no infinities); being a dict, it makes findings unhashable."""

    kind: FindingKind
    key: str
    claim_ids: tuple[int, ...] = ()
    attribution_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One step of a word diff: ``op`` is equal, insert, delete or replace."""

    op: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return _as_json(self)


def _as_json(obj: IndependenceGroup | DiffOp) -> dict[str, Any]:
    """A flat dataclass as a dict of JSON types: tuples become lists, so details read
    back from a JSON column compare equal to freshly computed ones."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(obj).items()}


# --- quotes ----------------------------------------------------------------------------

_QUOTE_MARKS = str.maketrans(dict.fromkeys("“”„‟«»″〝〞＂", '"') | dict.fromkeys("‘’‚‛′‹›`´", "'"))
# Numbers keep their separators ("10,000", "1.5"); words keep inner apostrophes ("we'll").
_WORD_RE = re.compile(r"(?:\d+(?:[.,]\d+)+|[^\W_]+)(?:'[^\W_]+)*")


@lru_cache(maxsize=65_536)
def _words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as written (for showing), quote marks unified."""
    return tuple(_WORD_RE.findall(unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)))


@lru_cache(maxsize=65_536)
def _folded(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in _words(text))


def normalize_quote(text: str) -> str:
    """Text for comparing quotes: one kind of quotation mark, casefolded, punctuation
    dropped (apostrophes inside words and number separators kept), single spaces."""
    return " ".join(_folded(text))


def quote_similarity(a: str, b: str) -> float:
    """Similarity of two quotes, 0-100, rounded to two decimals; 100 only when identical
    after :func:`normalize_quote`.

    ``fuzz.ratio`` (edit distance over characters) rather than ``token_sort_ratio``: the
    latter sorts the words first, so "we will not attack unless they attack" and "unless
    they attack we will not attack" score 100, and drift by reordering would go unseen.
    """
    return _similarity(normalize_quote(a), normalize_quote(b))


def _similarity(a: str, b: str, cutoff: float = 0.0) -> float:
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    # The cutoff lets rapidfuzz stop early; it sits a hair below the threshold so that a
    # score that rounds up to the threshold is judged as quote_similarity shows it.
    score = fuzz.ratio(a, b, score_cutoff=max(cutoff - 0.005, 0.0))
    # Capped below 100 so a rounded near-match is never mistaken for an identical quote.
    return min(round(score, 2), 99.99)


def word_diff(a: str, b: str) -> list[DiffOp]:
    """Word-level operations turning quote ``a`` into quote ``b``. Words are compared
    normalised but shown as written."""
    old, new = _words(a), _words(b)
    matcher = difflib.SequenceMatcher(None, _folded(a), _folded(b), autojunk=False)
    return [DiffOp(op, old[i1:i2], new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


# --- independence ----------------------------------------------------------------------


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
    if speaker.kind == SourceKind.OFFICIAL_ACCOUNT and speaker.owner_id in sources:
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


def _is_anonymous(attribution: AttributionInput, sources: Mapping[int, SourceInput]) -> bool:
    source = sources.get(attribution.source_id) if attribution.source_id is not None else None
    return source is not None and source.kind == SourceKind.ANONYMOUS


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
    own = sorted(
        (
            a
            for a in attributions
            if a.claim_id == claim_id and not a.retracted and a.kind != AttributionKind.DECLINED
        ),
        key=lambda a: a.id,
    )
    supports = [a for a in own if a.source_id is not None and a.stance != Stance.DENIES]
    denials = tuple(a.id for a in own if a.stance == Stance.DENIES)
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
    for a in supports:
        key, label = independence_group(a, sources) or ("", "")
        members[key].append(a)
        labels.setdefault(key, label)
    groups = tuple(
        IndependenceGroup(
            key=key,
            label=labels[key],
            attribution_ids=tuple(a.id for a in group),
            source_ids=tuple(sorted({a.source_id for a in group if a.source_id is not None})),
            anonymous=all(_is_anonymous(a, sources) for a in group),
        )
        for key, group in sorted(members.items())
    )
    if denials or contradicting:
        status = Status.CONTESTED
    elif supports and all(_is_anonymous(a, sources) for a in supports):
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


# --- quote rules -----------------------------------------------------------------------


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


def _finding(
    kind: FindingKind,
    key: str,
    attributions: Iterable[AttributionInput] = (),
    details: dict[str, Any] | None = None,
    claim_ids: Iterable[int] = (),
) -> Finding:
    """A finding whose ids are taken from the attributions involved, sorted."""
    involved = sorted(attributions, key=lambda a: a.id)
    claims = set(claim_ids) | {a.claim_id for a in involved if a.claim_id is not None}
    return Finding(
        kind=kind,
        key=f"{kind}:{key}",
        claim_ids=tuple(sorted(claims)),
        attribution_ids=tuple(a.id for a in involved),
        source_ids=tuple(sorted({a.source_id for a in involved if a.source_id is not None})),
        details=details or {},
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


# --- claim rules -----------------------------------------------------------------------


def _same_as_clusters(
    attributions: Iterable[AttributionInput], relations: Iterable[RelationInput]
) -> tuple[dict[int, int], dict[int, list[AttributionInput]]]:
    """(claim id -> smallest claim id it is transitively ``same_as``, attributions by
    that root claim)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in relations:
        if r.kind == RelationKind.SAME_AS:
            ra, rb = root(r.from_claim_id), root(r.to_claim_id)
            parent[max(ra, rb)] = min(ra, rb)
    roots = {x: root(x) for x in parent}
    clusters: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in attributions:
        if a.claim_id is not None:
            clusters[roots.get(a.claim_id, a.claim_id)].append(a)
    return roots, clusters


def find_contradictions(
    attributions: Iterable[AttributionInput],
    relations: Iterable[RelationInput],
    sources: Mapping[int, SourceInput] | None = None,
) -> list[Finding]:
    """Contradictions: each ``contradicts`` relation; each source asserting both sides of
    one; each source asserting and denying one claim. ``same_as`` claims count as one
    claim for the two source checks. "One source" is one source row, not one group."""
    relations, sources = list(relations), sources or {}
    roots, clusters = _same_as_clusters(attributions, relations)
    said: dict[tuple[int, bool], dict[int, list[AttributionInput]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for root, members in clusters.items():
        for a in members:
            if a.source_id is not None:
                said[(root, a.stance == Stance.DENIES)][a.source_id].append(a)
    pairs: dict[tuple[int, int], list[RelationInput]] = defaultdict(list)
    for r in relations:
        if r.kind == RelationKind.CONTRADICTS:
            ends = sorted((r.from_claim_id, r.to_claim_id))
            pairs[(ends[0], ends[1])].append(r)
    findings: list[Finding] = []
    for (x, y), rels in pairs.items():
        rels.sort(key=lambda r: r.id)
        details = {
            "basis": "relation",
            "relation_ids": [r.id for r in rels],
            "notes": [r.note for r in rels if r.note],
        }
        findings.append(_finding(FindingKind.CONTRADICTION, f"claims={x},{y}", (), details, (x, y)))
        says_x = said.get((roots.get(x, x), False), {})
        says_y = said.get((roots.get(y, y), False), {})
        for source_id in set(says_x) & set(says_y):
            details = {"basis": "asserts_both", "source": _label(source_id, sources)}
            key = f"source={source_id}:claims={x},{y}"
            both = says_x[source_id] + says_y[source_id]
            findings.append(_finding(FindingKind.CONTRADICTION, key, both, details, (x, y)))
    for (root, denies), by_source in said.items():
        asserts = said.get((root, False), {}) if denies else {}
        for source_id in set(by_source) & set(asserts):
            details = {"basis": "asserts_and_denies", "source": _label(source_id, sources)}
            key = f"source={source_id}:claim={root}"
            both = by_source[source_id] + asserts[source_id]
            findings.append(_finding(FindingKind.CONTRADICTION, key, both, details))
    return _unique(findings)


@lru_cache(maxsize=65_536)
def _quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(parse_quantities(text))


def find_numeric_conflicts(
    attributions: Iterable[AttributionInput], relations: Iterable[RelationInput] = ()
) -> list[Finding]:
    """Figures that cannot both hold, between attributions of one claim or of claims that
    are ``same_as`` each other (see :func:`claims.quantities.pair_quantities` for which
    figures are compared). Denials are skipped: "not four" states no figure. One finding
    per attribution pair, listing each conflicting pair of figures."""
    _roots, clusters = _same_as_clusters(attributions, relations)
    findings: list[Finding] = []
    for members in clusters.values():
        counted = [
            (a, _quantities(a.text))
            for a in sorted(members, key=lambda a: a.id)
            if a.stance != Stance.DENIES and _quantities(a.text)
        ]
        for (a, qa), (b, qb) in combinations(counted, 2):
            conflicts = [(x, y) for x, y in pair_quantities(qa, qb) if not x.intersects(y)]
            if not conflicts:
                continue
            evidence = [
                {
                    "figures": [x.written, y.written],
                    "intervals": [x.interval, y.interval],
                    "readings": [x.reading, y.reading],
                    "quantities": [x.as_dict(), y.as_dict()],
                }
                for x, y in conflicts
            ]
            key = f"attributions={a.id},{b.id}"
            findings.append(
                _finding(FindingKind.NUMERIC_CONFLICT, key, (a, b), {"conflicts": evidence})
            )
    return _unique(findings)


def status_findings(statuses: Mapping[int, ClaimStatus]) -> list[Finding]:
    """anonymous_only and single_source findings, one per claim with that status, with
    the groups that decided it."""
    kinds = {
        Status.ANONYMOUS_ONLY: FindingKind.ANONYMOUS_ONLY,
        Status.SINGLE_SOURCE: FindingKind.SINGLE_SOURCE,
    }
    return [
        Finding(
            kind=kinds[status.status],
            key=f"{kinds[status.status]}:claim={claim_id}",
            claim_ids=(claim_id,),
            attribution_ids=tuple(sorted(i for g in status.groups for i in g.attribution_ids)),
            source_ids=tuple(sorted({i for g in status.groups for i in g.source_ids})),
            details={"groups": [g.as_dict() for g in status.groups]},
        )
        for claim_id, status in sorted(statuses.items())
        if status.status in kinds
    ]


def find_unexplained_anonymity(
    sources: Iterable[SourceInput], attributions: Iterable[AttributionInput] = ()
) -> list[Finding]:
    """One finding per anonymous source for which no reason for anonymity is given."""
    said: dict[int, list[AttributionInput]] = defaultdict(list)
    for a in attributions:
        if a.source_id is not None:
            said[a.source_id].append(a)
    findings = []
    for s in sources:
        if s.kind == SourceKind.ANONYMOUS and not s.anonymity_reason.strip():
            details = {"source": s.label, "article_id": s.article_id}
            finding = _finding(
                FindingKind.UNEXPLAINED_ANONYMITY, f"source={s.id}", said[s.id], details
            )
            findings.append(replace(finding, source_ids=(s.id,)))
    return _unique(findings)


def find_unattributed(attributions: Iterable[AttributionInput]) -> list[Finding]:
    """One finding per statement the article gives no source for."""
    kind = FindingKind.UNATTRIBUTED
    return _unique(
        _finding(kind, f"attribution={a.id}", (a,), {"article_id": a.article_id})
        for a in attributions
        if a.source_id is None or a.kind == AttributionKind.UNATTRIBUTED
    )


# --- everything ------------------------------------------------------------------------


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    by_key: dict[str, Finding] = {}
    for f in findings:
        by_key.setdefault(f.key, f)
    return [by_key[k] for k in sorted(by_key)]


def run_rules(
    snapshot: Snapshot,
    *,
    misattribution_min_similarity: float = MISATTRIBUTION_MIN_SIMILARITY,
    drift_min_similarity: float = DRIFT_MIN_SIMILARITY,
    min_quote_words: int = MIN_QUOTE_WORDS,
) -> list[Finding]:
    """Every rule over the snapshot: findings sorted by key, each key once.

    Quotes are compared in the snapshot's candidate pairs and in every pair of sourced
    attributions of one claim. Only that per-claim step is quadratic (a claim has few
    attributions); everything else is grouped with dicts, so the work grows with the
    input rather than its square.
    """
    sources = {s.id: s for s in snapshot.sources}
    by_id = {a.id: a for a in snapshot.attributions}
    pairs = {
        (min(x, y), max(x, y))
        for x, y in snapshot.candidate_pairs
        if x != y and x in by_id and y in by_id
    }
    by_claim: dict[int, list[int]] = defaultdict(list)
    for a in snapshot.attributions:
        if a.claim_id is not None and a.source_id is not None:
            by_claim[a.claim_id].append(a.id)
    for ids in by_claim.values():
        pairs.update(combinations(sorted(ids), 2))
    findings: list[Finding | None] = []
    for x, y in pairs:
        a, b = by_id[x], by_id[y]
        findings.append(
            _misattribution(a, b, sources, misattribution_min_similarity, min_quote_words)
        )
        findings.append(_drift(a, b, sources, drift_min_similarity, min_quote_words))
    return _unique(
        [f for f in findings if f is not None]
        + find_contradictions(snapshot.attributions, snapshot.relations, sources)
        + find_numeric_conflicts(snapshot.attributions, snapshot.relations)
        + status_findings(claim_statuses(snapshot))
        + find_unexplained_anonymity(snapshot.sources, snapshot.attributions)
        + find_unattributed(snapshot.attributions)
    )
