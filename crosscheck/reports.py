"""Read-only answers the API and the pages give: why a claim has its status, how two
attributions compare, where the archive has a quote, how an article is sourced.

Every status and verdict here is the rules' (``crosscheck.rules``), judged with the
service's thresholds: what these answers say of a claim or a pair is what the engine stores.
Each function runs a small, fixed number of queries whatever the archive's size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, Q

from articles.models import Article
from claims.models import Attribution, Claim, ClaimRelation
from crosscheck import rules
from crosscheck.inputs import attribution_input, source_input, source_inputs
from crosscheck.models import Finding
from crosscheck.services import thresholds
from sources.models import Source

if TYPE_CHECKING:
    from crosscheck.index import CandidateCut


@dataclass
class StatusReason:
    """One reason a claim has its status, in plain words, with the rows it refers to.

    ``kind`` is ``counted`` (an independence group that counts), ``not_counted`` (an
    attribution of the claim that counts toward nothing; ``code`` is a
    :class:`~crosscheck.rules.NotCountedReason`) or ``contested`` (``code`` is a
    :class:`~crosscheck.rules.ContestReason`)."""

    kind: str
    code: str
    text: str
    attribution: Attribution | None = None
    # A copy: the attribution counted in its place.
    copy_of: Attribution | None = None
    finding: Finding | None = None
    claim: Claim | None = None
    group: str = ""
    # Figures: (the claim's figure, the attribution's), as written.
    figures: list[list[str]] = field(default_factory=list)


@dataclass
class ClaimReport:
    claim: Claim
    status: rules.ClaimStatus
    supporting: list[Attribution]
    denying: list[Attribution]
    contradicting_claims: list[Claim]
    findings: list[Finding]
    groups: list[dict] = field(default_factory=list)
    # Against the claim: its denials and the attributions whose figures cannot hold with
    # the claim's, in text order.
    contradicting: list[Attribution] = field(default_factory=list)
    # On the record but counted for nothing (see ``status.not_counted`` for why), in text
    # order: retracted, declined, orphaned, unconfirmed suggestions, held back by an open
    # conflict finding, copies.
    not_counted: list[Attribution] = field(default_factory=list)
    # Every attribution of the claim, in text order: all of the above and the unattributed.
    attributions: list[Attribution] = field(default_factory=list)
    # The status in a sentence, and each reason behind it.
    explanation: str = ""
    reasons: list[StatusReason] = field(default_factory=list)

    def reasons_about(self, attribution: Attribution) -> list[StatusReason]:
        """The reasons that name this attribution (why it is not counted, or is against)."""
        return [r for r in self.reasons if r.kind != "counted" and r.attribution == attribution]


def claim_report(claim: Claim) -> ClaimReport:
    """The claim's status with its reasons (the independence groups that count, what is
    counted for nothing and why, what contests it), its supporting and contradicting
    attributions, the claims that contradict it, and its current findings. The status is
    the rules' (:func:`crosscheck.rules.claim_status`), over the current findings and their
    triage: what the page and the API show is what the recheck stores."""
    attributions = list(Attribution.objects.with_selectors().filter(claim=claim).in_text_order())
    relations = list(
        ClaimRelation.objects.filter(
            Q(from_claim=claim) | Q(to_claim=claim), kind=ClaimRelation.Kind.CONTRADICTS
        )
    )
    findings = list(
        Finding.objects.current()
        .filter(claims=claim)
        .prefetch_related(Prefetch("attributions", queryset=Attribution.objects.only("id")))
        .order_by("kind", "id")
    )
    conflicts = [f for f in findings if f.kind in rules.CONFLICT_KINDS]
    # The other attributions the conflict findings name: whether one counts for nothing
    # decides whether the finding contests the claim.
    elsewhere = {a.id for f in conflicts for a in f.attributions.all()} - {
        a.id for a in attributions
    }
    partners = (
        list(Attribution.objects.with_selectors().filter(id__in=elsewhere)) if elsewhere else []
    )
    sources = source_inputs({a.source_id for a in attributions if a.source_id})
    inputs = {a.id: attribution_input(a) for a in [*attributions, *partners]}
    status = rules.claim_status(
        rules.ClaimInput(claim.id, claim.text, claim.event_date),
        list(inputs.values()),
        sources,
        [
            rules.RelationInput(r.id, r.from_claim_id, r.to_claim_id, r.kind, r.note)
            for r in relations
        ],
        [
            rules.FindingInput(
                f.key, f.kind, tuple(sorted(a.id for a in f.attributions.all())), f.state
            )
            for f in conflicts
        ],
        thresholds(),
    )
    other_ids = {
        r.to_claim_id if r.from_claim_id == claim.id else r.from_claim_id for r in relations
    }
    by_id = {a.id: a for a in attributions}
    groups = [
        {
            **group.as_dict(),
            "attributions": [by_id[i] for i in group.attribution_ids],
        }
        for group in status.groups
    ]
    supporting = {i for group in status.groups for i in group.attribution_ids}
    denying = set(status.denying_attribution_ids)
    against = denying | {f.attribution_id for f in status.contradicting_figures}
    uncounted = {n.attribution_id for n in status.not_counted}
    contradicting_claims = list(Claim.objects.filter(id__in=other_ids).order_by("id"))
    report = ClaimReport(
        claim=claim,
        status=status,
        supporting=[a for a in attributions if a.id in supporting],
        denying=[a for a in attributions if a.id in denying],
        contradicting=[a for a in attributions if a.id in against],
        not_counted=[a for a in attributions if a.id in uncounted],
        contradicting_claims=contradicting_claims,
        findings=findings,
        groups=groups,
        attributions=attributions,
    )
    report.reasons = _status_reasons(
        status,
        {**{a.id: a for a in partners}, **by_id},
        {f.key: f for f in conflicts},
        {c.id: c for c in contradicting_claims},
    )
    report.explanation = _status_explanation(status)
    return report


def _who(attribution: Attribution) -> str:
    source = attribution.source
    return f"#{attribution.pk} ({source.display_name if source else 'no source'})"


def _plural(n: int, one: str, many: str = "") -> str:
    """ "1 source", "2 sources"; "1 attribution denies it", "2 attributions deny it"."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def _status_explanation(status: rules.ClaimStatus) -> str:
    """The status in a sentence, from its reasons."""
    groups = status.groups
    if status.status == rules.Status.CONTESTED:
        said = {
            rules.ContestReason.DENIAL: _plural(
                len(status.denying_attribution_ids),
                "attribution denies it",
                "attributions deny it",
            ),
            rules.ContestReason.FIGURES: _plural(
                len(status.contradicting_figures),
                "attribution gives a figure that cannot hold with the claim's",
                "attributions give figures that cannot hold with the claim's",
            ),
            rules.ContestReason.RELATION: _plural(
                len(status.contradicting_claim_ids),
                "claim that contradicts it is on record",
                "claims that contradict it are on record",
            ),
            rules.ContestReason.FINDING: _plural(
                len(status.conflict_finding_keys),
                "conflict finding not dismissed puts its sources in doubt",
                "conflict findings not dismissed put its sources in doubt",
            ),
        }
        return "Contested: " + "; ".join(said[r] for r in status.contested_by) + "."
    if status.status == rules.Status.ANONYMOUS_ONLY:
        return (
            "Every attribution that counts has an anonymous source: a reader cannot check "
            "that they are independent."
        )
    if status.status == rules.Status.CORROBORATED:
        labels = ", ".join(g.label for g in groups)
        return f"{_plural(len(groups), 'independent group')} support it: {labels}."
    if status.status == rules.Status.SINGLE_SOURCE:
        return f"Every attribution that counts belongs to one independent group: {groups[0].label}."
    if status.not_counted:
        return "No attribution that counts supports it: those on record count toward nothing."
    return "No source supports it: the articles state it without a source, or not at all."


NOT_COUNTED_TEXTS = {
    rules.NotCountedReason.RETRACTED: "is not counted: its article was retracted.",
    rules.NotCountedReason.DECLINED: "is not counted: the source declined to comment.",
    rules.NotCountedReason.ORPHANED: "is not counted: a body edit took its text out of the "
    "article (an orphaned span).",
    rules.NotCountedReason.UNREVIEWED_SUGGESTION: "is not counted: automatic extraction "
    "suggested it and no editor has reviewed it.",
    rules.NotCountedReason.SUGGESTED_LINK: "is not counted: the claim matcher linked it to "
    "this claim and no editor has confirmed the link.",
}


def _finding_words(finding: Finding | None, key: str) -> str:
    """ "finding #7 (misattribution, open: Near-identical quote ...)"."""
    if finding is None:
        return f"the finding {key}"
    return (
        f"finding #{finding.pk} ({finding.get_kind_display()}, "
        f"{finding.get_state_display()}: {finding.summary or finding.key})"
    )


def _status_reasons(
    status: rules.ClaimStatus,
    attributions: dict[int, Attribution],
    findings: dict[str, Finding],
    claims: dict[int, Claim],
) -> list[StatusReason]:
    """Each reason of the status in plain words: the groups that count, what is counted
    for nothing and why, and what contests the claim."""
    reasons: list[StatusReason] = []
    for group in status.groups:
        members = [attributions[i] for i in group.attribution_ids]
        anonymous = ", every one anonymous" if group.anonymous else ""
        reasons.append(
            StatusReason(
                "counted",
                "group",
                f"Counted: {group.label}, {_plural(len(members), 'attribution')} from "
                f"{_plural(len(group.source_ids), 'source')}{anonymous}.",
                group=group.key,
            )
        )

    for item in status.not_counted:
        a = attributions[item.attribution_id]
        if item.reason == rules.NotCountedReason.COPY:
            assert item.copy_of is not None
            other = attributions[item.copy_of]
            alike = (
                "word for word"
                if rules.normalize_quote(a.text) == rules.normalize_quote(other.text)
                else "near-identically"
            )
            text = (
                f"{_who(a)} is not counted: it repeats {_who(other)} {alike} under another "
                "source. Whichever of the two is right, they are one piece of evidence, "
                f"counted once with #{other.pk}."
            )
            reasons.append(StatusReason("not_counted", item.reason, text, a, copy_of=other))
        elif item.reason == rules.NotCountedReason.CONFLICT:
            finding = findings.get(item.finding_key)
            text = (
                f"{_who(a)} is not counted while {_finding_words(finding, item.finding_key)} "
                "stands: a fact-checker dismisses the finding if it is wrong."
            )
            reasons.append(StatusReason("not_counted", item.reason, text, a, finding=finding))
        else:
            text = f"{_who(a)} {NOT_COUNTED_TEXTS[item.reason]}"
            reasons.append(StatusReason("not_counted", item.reason, text, a))

    for attribution_id in status.denying_attribution_ids:
        a = attributions[attribution_id]
        reasons.append(
            StatusReason("contested", rules.ContestReason.DENIAL, f"{_who(a)} denies it.", a)
        )
    for contradiction in status.contradicting_figures:
        a = attributions[contradiction.attribution_id]
        said = "; ".join(
            f"“{theirs}” where the claim says “{ours}”" for ours, theirs in contradiction.figures
        )
        reasons.append(
            StatusReason(
                "contested",
                rules.ContestReason.FIGURES,
                f"{_who(a)} says {said}: the figures cannot both hold.",
                a,
                figures=[list(pair) for pair in contradiction.figures],
            )
        )
    for claim_id in status.contradicting_claim_ids:
        other_claim = claims.get(claim_id)
        words = f": {other_claim}" if other_claim is not None else ""
        reasons.append(
            StatusReason(
                "contested",
                rules.ContestReason.RELATION,
                f"Claim #{claim_id} contradicts it{words}.",
                claim=other_claim,
            )
        )
    for key in status.conflict_finding_keys:
        finding = findings.get(key)
        words = _finding_words(finding, key)
        text = f"{words[:1].upper()}{words[1:]} contests it until a fact-checker dismisses it."
        reasons.append(
            StatusReason("contested", rules.ContestReason.FINDING, text, finding=finding)
        )
    return reasons


@dataclass
class Comparison:
    a: Attribution
    b: Attribution
    similarity: float
    diff: list[dict]
    same_source: bool
    same_group: bool
    same_claim: bool
    verdict: str
    explanation: str


def _pair_explanation(judgement: rules.PairJudgement, limits: rules.Thresholds) -> str:
    """The rules' verdict on a pair, and its reason, in a sentence."""
    verdict, reason = judgement.verdict, judgement.reason
    if verdict == rules.PairVerdict.MISATTRIBUTION:
        if judgement.similarity is not None and judgement.similarity >= 100:
            return "The same words credited to different sources."
        return "Near-identical words credited to different sources."
    if verdict == rules.PairVerdict.QUOTE_DRIFT:
        return "The same source's words, worded differently."
    if reason == rules.PairReason.SAME_ARTICLE and judgement.same_speaker:
        return "The same source twice in one article."
    if reason == rules.PairReason.TOO_SHORT:
        return (
            f"Too short to tell who said it (fewer than {limits.min_quote_words} words on "
            "one side)."
        )
    return PAIR_EXPLANATIONS[reason]


PAIR_EXPLANATIONS = {
    rules.PairReason.SAME_ATTRIBUTION: "The same attribution.",
    rules.PairReason.IDENTICAL: "The same words from the same source.",
    rules.PairReason.UNSOURCED: "One of them has no source: there is no one to credit.",
    rules.PairReason.DECLINED: "Declining to comment says nothing: there are no words to "
    "credit to anyone.",
    rules.PairReason.NOT_QUOTES: "A paraphrase: reported speech about one event may well "
    "match a quote without being one.",
    rules.PairReason.WEAK_SPEAKER: "One speaker may well be the other: unnamed, a "
    "document, an organisation beside a person, or a name of the same person.",
    rules.PairReason.NOT_DIRECT: "The same source, but not two direct quotes: only a direct "
    "quote's wording can drift.",
    rules.PairReason.SAME_ARTICLE: "One article credits the words to both: a joint "
    "statement, not a mix-up.",
    rules.PairReason.DISSIMILAR: "Different statements.",
}


def compare_attributions(a: Attribution, b: Attribution) -> Comparison:
    """How two attributions relate: their similarity, word diff, and the rules' verdict
    (:func:`crosscheck.rules.judge_pair`, the engine's own judge of a pair)."""
    similarity = rules.quote_similarity(a.text, b.text)
    sources = source_inputs({x for x in (a.source_id, b.source_id) if x})
    input_a, input_b = attribution_input(a), attribution_input(b)
    group_a = rules.independence_group(input_a, sources)
    group_b = rules.independence_group(input_b, sources)
    limits = thresholds()
    judgement = rules.judge_pair(input_a, input_b, sources, limits)
    return Comparison(
        a=a,
        b=b,
        similarity=similarity,
        diff=[op.as_dict() for op in rules.word_diff(a.text, b.text)],
        same_source=a.source_id is not None and a.source_id == b.source_id,
        same_group=group_a is not None and group_a == group_b,
        same_claim=a.claim_id is not None and a.claim_id == b.claim_id,
        verdict=judgement.verdict,
        explanation=_pair_explanation(judgement, limits),
    )


@dataclass
class QuoteCheckMatch:
    attribution: Attribution
    similarity: float
    source_matches: bool | None
    relation: str = "similar"  # how the checked text overlaps it (rules.QuoteRelation)


@dataclass
class QuoteCheck:
    text: str
    verdict: str  # attributed, conflicting, not_found
    explanation: str
    source: Source | None
    source_matches: bool | None
    matches: list[QuoteCheckMatch]
    # The match said first (by the date it was said, else its article's publication).
    first: QuoteCheckMatch | None = None
    # With no match: the closest candidates below the threshold, closest first.
    nearest: list[QuoteCheckMatch] = field(default_factory=list)
    # For a quote of very common words: how the index bounded its candidates (a copy
    # may then be missed); None when it did not.
    candidates_cut: CandidateCut | None = None


QUOTE_EXPLANATIONS = {
    rules.QuoteReason.NO_MATCH: "The archive has no near-verbatim match.",
    rules.QuoteReason.DIFFERENT_SOURCES: "The archive credits these words to different sources.",
    rules.QuoteReason.SOMEONE_ELSE: "The archive credits these words to someone else.",
    rules.QuoteReason.ONE_SOURCE: "The archive credits these words to one source.",
    rules.QuoteReason.NOT_FLAGGED: "The archive's matches name more than one source, but "
    "not as a mix-up: a joint statement in one article, paraphrases, or a source declining "
    "to comment.",
}
# Matches that hold the checked text only in part: judged on their own words.
PARTIAL_RELATIONS = frozenset(
    {
        rules.QuoteRelation.FRAGMENT,
        rules.QuoteRelation.CONTAINS,
        rules.QuoteRelation.SHORTENED,
        rules.QuoteRelation.EXPANDED,
    }
)


def said_when(attribution: Attribution):
    """When an attribution was said, as far as the archive knows: its date, else its
    article's publication (a date either way); ``None`` when neither is recorded."""
    if attribution.said_on is not None:
        return attribution.said_on
    published = attribution.article.published_at
    return published.date() if published is not None else None


def _first_said(matches: list[QuoteCheckMatch]) -> QuoteCheckMatch | None:
    dated = [m for m in matches if said_when(m.attribution) is not None]
    if not dated:
        return None
    return min(dated, key=lambda m: (said_when(m.attribution), m.attribution.pk))


def quote_check(text: str, source: Source | None = None) -> QuoteCheck:
    """Where the archive has this quote, and whether its attributions agree with each
    other (and with ``source``, when given): the verdict of
    :func:`crosscheck.rules.judge_quote`.

    A match is the same words, near-verbatim, or the text as it circulates: a fragment
    of an archived quote, a quote with words left out or added around it
    (:func:`crosscheck.index.circulating_quotes`); a match in part is judged on its own
    words. ``attributed``: no two matches (nor a match and ``source``) make a pair the
    engine would flag as a misattribution; ``conflicting``: some do; ``not_found``: no
    match, and ``nearest`` holds the closest candidates. ``first`` is the match said
    first.
    """
    from crosscheck import index

    limits = thresholds()
    found, near = index.circulating_quotes(
        text,
        limit=settings.TRACKER_QUOTE_CANDIDATES,
        min_similarity=limits.misattribution_min_similarity,
        min_words=limits.min_quote_words,
    )
    rows = Attribution.objects.with_selectors().in_bulk([m.attribution_id for m in [*found, *near]])

    def checked(m) -> QuoteCheckMatch:
        attribution = rows[m.attribution_id]
        return QuoteCheckMatch(
            attribution=attribution,
            similarity=m.similarity,
            source_matches=None if source is None else attribution.source_id == source.id,
            relation=str(m.relation),
        )

    matches = [checked(m) for m in found if m.attribution_id in rows]
    nearest = [checked(m) for m in near if m.attribution_id in rows]
    # The speakers as loaded with the matches: a pair verdict needs no affiliations.
    speakers = {s for m in matches if (s := m.attribution.source) is not None}
    if source is not None:
        speakers.add(source)
    judgement = rules.judge_quote(
        text,
        source.id if source is not None else None,
        [attribution_input(m.attribution) for m in matches],
        {s.id: source_input(s) for s in speakers},
        limits,
        partial_ids={m.attribution.pk for m in matches if m.relation in PARTIAL_RELATIONS},
    )
    named = {m.attribution.source_id for m in matches}
    return QuoteCheck(
        text=text,
        verdict=judgement.verdict,
        explanation=QUOTE_EXPLANATIONS[judgement.reason],
        source=source,
        source_matches=None if source is None or not matches else source.id in named,
        matches=matches,
        first=_first_said(matches),
        nearest=nearest,
        candidates_cut=found.cut,
    )


def article_sourcing(article: Article) -> dict:
    """The article's sourcing profile: its sources by kind and by type of role (``unknown``
    where none is recorded), the share of its claims that rest (in this article) on
    anonymous sources only, anonymous sources given no reason, and statements it gives no
    source for. Which claims rest on anonymous sources only, which sources are unexplained
    and which statements unattributed are the rules' predicates, over the article as
    written (a retraction changes what its attributions support, not how it was sourced)."""
    rows = list(
        Attribution.objects.filter(article=article).values(
            "id",
            "kind",
            "stance",
            "claim_id",
            "source_id",
            "source__kind",
            "source__role_type",
            "source__anonymity_reason",
        )
    )
    said = {
        r["id"]: rules.AttributionInput(
            id=r["id"],
            article_id=article.id,
            kind=r["kind"],
            text="",
            source_id=r["source_id"],
            claim_id=r["claim_id"],
            stance=r["stance"],
        )
        for r in rows
    }
    attributed = [r for r in rows if r["source_id"] is not None]
    sources = {r["source_id"]: r for r in attributed}
    speakers = {
        sid: rules.SourceInput(
            id=sid, kind=r["source__kind"], anonymity_reason=r["source__anonymity_reason"]
        )
        for sid, r in sources.items()
    }
    by_claim: dict[int, list[rules.AttributionInput]] = {}
    for r in attributed:
        if r["claim_id"] is not None:
            by_claim.setdefault(r["claim_id"], []).append(said[r["id"]])
    anonymous_claims = [
        claim_id
        for claim_id, claim_said in by_claim.items()
        if rules.rests_on_anonymous_only(claim_said, speakers)
    ]
    unexplained = sorted(sid for sid, s in speakers.items() if rules.unexplained_anonymity(s))
    return {
        "article": article.id,
        "attributions": len(rows),
        "attributions_by_kind": dict(Counter(r["kind"] for r in rows)),
        "sources": len(sources),
        "sources_by_kind": dict(Counter(r["source__kind"] for r in sources.values())),
        "sources_by_role_type": dict(
            Counter(r["source__role_type"] or Source.UNKNOWN_ROLE_TYPE for r in sources.values())
        ),
        "attributions_by_role_type": dict(
            Counter(r["source__role_type"] or Source.UNKNOWN_ROLE_TYPE for r in attributed)
        ),
        "claims": len(by_claim),
        "claims_on_anonymous_sources_only": sorted(anonymous_claims),
        "anonymous_only_share": round(len(anonymous_claims) / len(by_claim), 3)
        if by_claim
        else 0.0,
        "unexplained_anonymous_sources": unexplained,
        "unattributed_statements": sum(1 for a in said.values() if rules.is_unattributed(a)),
    }
