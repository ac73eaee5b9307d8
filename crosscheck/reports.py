"""Read-only answers the API and the pages give: why a claim has its status, how two
attributions compare, where the archive has a quote, how an article is sourced.

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
from crosscheck.inputs import attribution_input, source_inputs
from crosscheck.models import Finding
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
    status = rules.claim_status(
        claim.id,
        [attribution_input(a) for a in attributions],
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
    not_counted = [
        a
        for a in attributions
        if a.article.retracted_at is not None or a.kind == Attribution.Kind.DECLINED
    ]
    counted = [a for a in attributions if a not in not_counted]
    return ClaimReport(
        claim=claim,
        status=status,
        supporting=[a for a in counted if a.source_id and a.stance != "denies"],
        denying=[a for a in counted if a.stance == "denies"],
        not_counted=not_counted,
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


def compare_attributions(a: Attribution, b: Attribution) -> Comparison:
    """How two attributions relate: their similarity, word diff, and a verdict."""
    similarity = rules.quote_similarity(a.text, b.text)
    sources = source_inputs({x for x in (a.source_id, b.source_id) if x})
    group_a = rules.independence_group(attribution_input(a), sources)
    group_b = rules.independence_group(attribution_input(b), sources)
    same_source = a.source_id is not None and a.source_id == b.source_id
    same_group = group_a is not None and group_a == group_b
    same_claim = a.claim_id is not None and a.claim_id == b.claim_id
    misattribution = settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY
    drift = settings.TRACKER_DRIFT_MIN_SIMILARITY
    if similarity >= 100:
        verdict, why = (
            ("same_quote", "The same words from the same source.")
            if same_source
            else ("misattribution", "The same words credited to different sources.")
        )
    elif same_source and similarity >= drift:
        verdict, why = "quote_drift", "The same source's words, worded differently."
    elif not same_source and similarity >= misattribution:
        verdict, why = "misattribution", "Near-identical words credited to different sources."
    else:
        verdict, why = "different", "Different statements."
    return Comparison(
        a=a,
        b=b,
        similarity=similarity,
        diff=[op.as_dict() for op in rules.word_diff(a.text, b.text)],
        same_source=same_source,
        same_group=same_group,
        same_claim=same_claim,
        verdict=verdict,
        explanation=why,
    )


@dataclass
class QuoteCheckMatch:
    attribution: Attribution
    similarity: float
    source_matches: bool | None


@dataclass
class QuoteCheck:
    text: str
    verdict: str  # attributed, conflicting, not_found
    explanation: str
    source: Source | None
    source_matches: bool | None
    matches: list[QuoteCheckMatch]


def quote_check(text: str, source: Source | None = None) -> QuoteCheck:
    """Where the archive has this quote, near-verbatim, and whether its attributions agree
    with each other (and with ``source``, when given).

    ``attributed``: every match names one source (the given one, if any); ``conflicting``:
    the matches name different sources, or not the given one; ``not_found``: no match.
    """
    from crosscheck import index

    found = index.similar_quotes(
        text,
        limit=settings.TRACKER_QUOTE_CANDIDATES,
        min_similarity=settings.TRACKER_MISATTRIBUTION_MIN_SIMILARITY,
    )
    rows = Attribution.objects.with_selectors().in_bulk([m.attribution_id for m in found])
    matches = [
        QuoteCheckMatch(
            attribution=rows[m.attribution_id],
            similarity=m.similarity,
            source_matches=None
            if source is None
            else rows[m.attribution_id].source_id == source.id,
        )
        for m in found
        if m.attribution_id in rows
    ]
    speakers = {m.attribution.source_id for m in matches}
    if not matches:
        verdict, why = "not_found", "The archive has no near-verbatim match."
    elif len(speakers) > 1:
        verdict, why = "conflicting", "The archive credits these words to different sources."
    elif source is not None and source.id not in speakers:
        verdict, why = "conflicting", "The archive credits these words to someone else."
    else:
        verdict, why = "attributed", "The archive credits these words to one source."
    return QuoteCheck(
        text=text,
        verdict=verdict,
        explanation=why,
        source=source,
        source_matches=None if source is None or not matches else source.id in speakers,
        matches=matches,
    )


def article_sourcing(article: Article) -> dict:
    """The article's sourcing profile: its sources by kind and by type of role (``unknown``
    where none is recorded), the share of its claims that rest (in this article) on
    anonymous sources only, anonymous sources given no reason, and statements it gives no
    source for."""
    rows = list(
        Attribution.objects.filter(article=article).values(
            "id",
            "kind",
            "claim_id",
            "source_id",
            "source__kind",
            "source__role_type",
            "source__anonymity_reason",
        )
    )
    attributed = [r for r in rows if r["source_id"] is not None]
    sources = {r["source_id"]: r for r in rows if r["source_id"] is not None}
    by_claim: dict[int, list[dict]] = {}
    for r in rows:
        if r["claim_id"] is not None and r["source_id"] is not None:
            by_claim.setdefault(r["claim_id"], []).append(r)
    anonymous_claims = [
        claim_id
        for claim_id, said in by_claim.items()
        if all(r["source__kind"] == Source.Kind.ANONYMOUS for r in said)
    ]
    unexplained = sorted(
        sid
        for sid, r in sources.items()
        if r["source__kind"] == Source.Kind.ANONYMOUS and not r["source__anonymity_reason"]
    )
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
        "unattributed_statements": sum(
            1 for r in rows if r["kind"] == Attribution.Kind.UNATTRIBUTED
        ),
    }
