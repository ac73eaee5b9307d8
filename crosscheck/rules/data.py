"""The rules' vocabulary: thresholds, kinds, stances, statuses and verdicts, the plain
dataclasses the rules take and return, and the helpers that build findings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

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


class Severity(StrEnum):
    """How much a finding matters, set by its rule: a wrong speaker or figures that cannot
    both hold are high; a reworded quote or a claim on anonymous sources only, medium; a
    claim with one source, an unexplained anonymity or an unattributed statement, low."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY = {
    FindingKind.MISATTRIBUTION: Severity.HIGH,
    FindingKind.NUMERIC_CONFLICT: Severity.HIGH,
    FindingKind.CONTRADICTION: Severity.HIGH,
    FindingKind.QUOTE_DRIFT: Severity.MEDIUM,
    FindingKind.ANONYMOUS_ONLY: Severity.MEDIUM,
    FindingKind.SINGLE_SOURCE: Severity.LOW,
    FindingKind.UNEXPLAINED_ANONYMITY: Severity.LOW,
    FindingKind.UNATTRIBUTED: Severity.LOW,
}


class TriageState(StrEnum):
    """A fact-checker's verdict on a finding (``Finding.State``)."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class NotCountedReason(StrEnum):
    """Why an attribution of a claim counts toward nothing in its status."""

    RETRACTED = "retracted"  # its article was retracted
    DECLINED = "declined"  # "declined to comment": on the record, saying nothing
    ORPHANED = "orphaned"  # a body edit took its text out of the article
    UNREVIEWED_SUGGESTION = "unreviewed_suggestion"  # extracted, never reviewed
    SUGGESTED_LINK = "suggested_link"  # its claim link only suggested by the claim matcher
    CONFLICT = "conflict"  # an open or confirmed conflict finding names it
    COPY = "copy"  # it repeats another attribution of the claim under another source


class ContestReason(StrEnum):
    """What makes a claim contested."""

    DENIAL = "denial"  # an attribution denies it
    FIGURES = "figures"  # an attribution's figure cannot hold with the claim's
    RELATION = "relation"  # a claim that contradicts it is on record
    FINDING = "finding"  # an open or confirmed conflict finding names its attributions


QUOTE_KINDS = frozenset({AttributionKind.DIRECT, AttributionKind.MIXED})
# Findings that put an attribution in doubt: while one is open or confirmed, the
# attributions it names count toward nothing and their claims are contested.
CONFLICT_KINDS = frozenset(
    {FindingKind.MISATTRIBUTION, FindingKind.QUOTE_DRIFT, FindingKind.NUMERIC_CONFLICT}
)
# Conflict findings about a pair of quotes, judged again only when the pair is compared.
PAIR_FINDING_KINDS = frozenset({FindingKind.MISATTRIBUTION, FindingKind.QUOTE_DRIFT})
# Unnamed sources: each article (each copy of a wire story) enters its own row for them.
UNNAMED_KINDS = frozenset({SourceKind.ANONYMOUS, SourceKind.GROUP})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The thresholds every pair verdict is judged with. The service builds one from the
    settings (``crosscheck.services.thresholds``); the defaults are the constants above."""

    misattribution_min_similarity: float = MISATTRIBUTION_MIN_SIMILARITY
    drift_min_similarity: float = DRIFT_MIN_SIMILARITY
    min_quote_words: int = MIN_QUOTE_WORDS

    @property
    def candidate_min_similarity(self) -> float:
        """The lowest similarity at which a pair can be either verdict: what an index
        must find candidates down to."""
        return min(self.misattribution_min_similarity, self.drift_min_similarity)


DEFAULT_THRESHOLDS = Thresholds()


class PairVerdict(StrEnum):
    """What :func:`~crosscheck.rules.judge_pair` says of two attributions. Misattribution
    and quote drift are the findings of those kinds; the other two are no finding."""

    SAME_QUOTE = "same_quote"
    QUOTE_DRIFT = "quote_drift"
    MISATTRIBUTION = "misattribution"
    DIFFERENT = "different"


class PairReason(StrEnum):
    """Why :func:`~crosscheck.rules.judge_pair` reached its verdict."""

    SAME_ATTRIBUTION = "same_attribution"  # an attribution compared with itself
    IDENTICAL = "identical"  # one speaker, the same words after normalising
    REWORDED = "reworded"  # quote drift
    NEAR_IDENTICAL = "near_identical"  # misattribution
    UNSOURCED = "unsourced"  # one side has no source
    DECLINED = "declined"  # "declined to comment" says nothing
    NOT_QUOTES = "not_quotes"  # two speakers, and a side not a direct or mixed quote
    WEAK_SPEAKER = "weak_speaker"  # two speakers, and one may well be the other
    NOT_DIRECT = "not_direct"  # one speaker, and not two direct quotes
    SAME_ARTICLE = "same_article"  # a joint statement, or one article quoting twice
    TOO_SHORT = "too_short"  # fewer words than min_quote_words on one side
    DISSIMILAR = "dissimilar"  # below the threshold that applies


class QuoteVerdict(StrEnum):
    """What :func:`~crosscheck.rules.judge_quote` says of a quote checked against the
    archive's near-verbatim matches."""

    ATTRIBUTED = "attributed"
    CONFLICTING = "conflicting"
    NOT_FOUND = "not_found"


class QuoteRelation(StrEnum):
    """How a checked text and an archived quote overlap (see ``quote_overlap``)."""

    SAME = "same"  # identical once normalised
    SIMILAR = "similar"  # alike as a whole
    FRAGMENT = "fragment"  # the checked text is a part of the archived quote
    CONTAINS = "contains"  # the archived quote is a part of the checked text
    SHORTENED = "shortened"  # the archived quote with words left out (an ellipsis)
    EXPANDED = "expanded"  # the checked text with words left out is the archived quote


@dataclass(frozen=True, slots=True)
class QuoteOverlap:
    """How alike a checked text and an archived quote are (0-100), and in which way."""

    similarity: float
    relation: QuoteRelation


class QuoteReason(StrEnum):
    NO_MATCH = "no_match"
    ONE_SOURCE = "one_source"  # every match (and the source asked about) one speaker
    NOT_FLAGGED = "not_flagged"  # several speakers, but no pair the rules would flag
    DIFFERENT_SOURCES = "different_sources"  # two matches would be a misattribution
    SOMEONE_ELSE = "someone_else"  # a match and the source asked about would be one


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
    # When its article was published (else last updated): which of two is the later.
    published_at: datetime | None = None
    # A body edit took the span out of the article: on record, counting toward nothing.
    orphaned: bool = False
    # The claim link was made by the claim matcher and no editor has confirmed it.
    claim_is_suggested: bool = False
    # Proposed by automatic extraction and never reviewed by an editor.
    unreviewed_suggestion: bool = False


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


@dataclass(frozen=True, slots=True)
class FindingInput:
    """A conflict finding (see :data:`CONFLICT_KINDS`) with its triage, as a claim status
    reads it: stored ones come in a :class:`Snapshot`, the claim page passes the current
    ones to :func:`~crosscheck.rules.claim_status`."""

    key: str
    kind: str
    attribution_ids: tuple[int, ...]
    state: str = TriageState.OPEN
    # A recomputation stopped finding it; it still lends its triage to a refound one.
    resolved: bool = False

    @property
    def holds(self) -> bool:
        """Whether it puts its attributions in doubt: current, and open or confirmed."""
        return not self.resolved and self.state != TriageState.DISMISSED


@dataclass(frozen=True)
class Snapshot:
    """The rows the rules look at. ``candidate_pairs`` are attribution id pairs whose
    texts an index found similar (in either order; unknown ids are ignored); pairs within
    one claim are compared anyway. ``findings`` are the conflict findings already stored
    that name its attributions, with their triage: a finding the rules find again keeps
    its state, and a stored pair finding whose pair this snapshot does not compare still
    holds as it is."""

    claims: Sequence[ClaimInput] = ()
    attributions: Sequence[AttributionInput] = ()
    sources: Sequence[SourceInput] = ()
    relations: Sequence[RelationInput] = ()
    candidate_pairs: Sequence[tuple[int, int]] = ()
    findings: Sequence[FindingInput] = ()


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
class NotCounted:
    """An attribution of the claim that counts toward nothing, and why. One attribution
    may have several (two open findings; an open finding and a copy)."""

    attribution_id: int
    reason: NotCountedReason
    # COPY: the attribution counted in its place (the two are one piece of evidence).
    copy_of: int | None = None
    # CONFLICT: the key of the finding that holds it back.
    finding_key: str = ""

    def as_dict(self) -> dict[str, Any]:
        return _as_json(self)


@dataclass(frozen=True, slots=True)
class FigureContradiction:
    """An attribution whose figures cannot hold with the claim's own: each pair is (the
    claim's figure, the attribution's figure), as written ("at least four", "three")."""

    attribution_id: int
    figures: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        return {"attribution_id": self.attribution_id, "figures": [list(f) for f in self.figures]}


@dataclass(frozen=True, slots=True)
class ClaimStatus:
    """A claim's status and what decided it: the independence groups that count, the
    attributions against it (denials, contradicting figures), the claims that contradict
    it, the conflict findings that contest it, and every attribution counted for nothing
    with its reason. Ids are in ascending order."""

    claim_id: int
    status: Status
    groups: tuple[IndependenceGroup, ...] = ()
    denying_attribution_ids: tuple[int, ...] = ()
    contradicting_claim_ids: tuple[int, ...] = ()
    contradicting_figures: tuple[FigureContradiction, ...] = ()
    conflict_finding_keys: tuple[str, ...] = ()
    not_counted: tuple[NotCounted, ...] = ()

    @property
    def contested_by(self) -> tuple[ContestReason, ...]:
        """What makes it contested, in the order a reader should see it (empty unless
        it is)."""
        found = (
            (ContestReason.DENIAL, self.denying_attribution_ids),
            (ContestReason.FIGURES, self.contradicting_figures),
            (ContestReason.RELATION, self.contradicting_claim_ids),
            (ContestReason.FINDING, self.conflict_finding_keys),
        )
        return tuple(reason for reason, items in found if items)


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
class PairJudgement:
    """A pair verdict with its reason. ``similarity`` is the pair's similarity when it
    reached the threshold that applied (100 for the same quote), else ``None`` (scoring
    stops early below a threshold). ``same_speaker``: one source, or one unnamed source
    re-entered in a wire story's copies."""

    verdict: PairVerdict
    reason: PairReason
    similarity: float | None = None
    same_speaker: bool = False


@dataclass(frozen=True, slots=True)
class QuoteJudgement:
    verdict: QuoteVerdict
    reason: QuoteReason


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One step of a word diff: ``op`` is equal, insert, delete or replace."""

    op: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return _as_json(self)


def _as_json(obj: IndependenceGroup | DiffOp | NotCounted) -> dict[str, Any]:
    """A flat dataclass as a dict of JSON types: tuples become lists, so details read
    back from a JSON column compare equal to freshly computed ones."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(obj).items()}


# --- building findings -----------------------------------------------------------------


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


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    by_key: dict[str, Finding] = {}
    for f in findings:
        by_key.setdefault(f.key, f)
    return [by_key[k] for k in sorted(by_key)]
