"""Read-only answers the API and the pages give: why a claim has its status, how two
attributions compare, where the archive has a quote, how an article is sourced.

Every status and verdict here is the rules' (``crosscheck.rules``), judged with the
service's thresholds: what these answers say of a claim or a pair is what the engine stores.
Each function runs a small, fixed number of queries whatever the archive's size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from articles.models import Article
from claims.models import Attribution, Claim, ClaimRelation
from crosscheck import rules
from crosscheck.inputs import attribution_input, source_input, source_inputs
from crosscheck.models import Finding
from crosscheck.services import thresholds
from sources.models import Source


@dataclass
class ClaimReport:
    claim: Claim
    status: rules.ClaimStatus
    supporting: list[Attribution]
    denying: list[Attribution]
    contradicting_claims: list[Claim]
    findings: list[Finding]
    groups: list[dict] = field(default_factory=list)
    # On the record but supporting nothing: from retracted articles, or declined to comment.
    not_counted: list[Attribution] = field(default_factory=list)
    # Every attribution of the claim, in text order: all of the above and the unattributed.
    attributions: list[Attribution] = field(default_factory=list)


def claim_report(claim: Claim) -> ClaimReport:
    """The claim's status with the independence groups that decided it, its supporting and
    denying attributions, the claims that contradict it, and its current findings."""
    attributions = list(Attribution.objects.with_selectors().filter(claim=claim).in_text_order())
    relations = list(
        ClaimRelation.objects.filter(
            Q(from_claim=claim) | Q(to_claim=claim), kind=ClaimRelation.Kind.CONTRADICTS
        )
    )
    sources = source_inputs({a.source_id for a in attributions if a.source_id})
    inputs = {a.id: attribution_input(a) for a in attributions}
    status = rules.claim_status(
        claim.id,
        list(inputs.values()),
        sources,
        [
            rules.RelationInput(r.id, r.from_claim_id, r.to_claim_id, r.kind, r.note)
            for r in relations
        ],
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
    return ClaimReport(
        claim=claim,
        status=status,
        supporting=[a for a in attributions if a.id in supporting],
        denying=[a for a in attributions if a.id in denying],
        not_counted=[a for a in attributions if not rules.counted(inputs[a.id])],
        contradicting_claims=list(Claim.objects.filter(id__in=other_ids)),
        findings=list(Finding.objects.current().filter(claims=claim).order_by("kind", "id")),
        groups=groups,
        attributions=attributions,
    )


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
    rules.PairReason.NOT_QUOTES: "Two paraphrases: reported speech about one event may well "
    "match without being one quote.",
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
