"""Claim suggestions: which claim an attribution says, found in the archive or proposed new.

For an attribution without a claim, :func:`claim_link_suggest` looks for claims that say
the same thing and scores each with :func:`crosscheck.rules.propositions.proposition_similarity`
(content words, named entities, figures, negation; a quote inside a longer one counts as
contained) against the claim's own text and the words of each attribution already linked
to it, keeping the best. Candidates come from the quote index (attributions sharing rare
words with this one, near-verbatim copies first) and from claims whose text holds the
statement's entities or longest words.

Two thresholds decide, as settings (Meedan Check's defaults):

- ``TRACKER_CLAIM_LINK_AUTO`` (0.875) or more, and a statement of at least
  ``TRACKER_CLAIM_LINK_MIN_WORDS`` (8) words: linked at once, the attribution marked
  ``claim_is_suggested`` until an editor confirms it; the match is kept as a ``linked``
  :class:`ClaimLink` with its evidence;
- ``TRACKER_CLAIM_LINK_SUGGEST`` (0.7) or more: a ``pending`` :class:`ClaimLink` in the
  review queue, the attribution left without a claim;
- lower (or no candidate): a new claim with a text proposed from the attribution's words,
  linked and marked suggested (``create=False`` leaves it without one).

A statement that denies a claim (one side negated) is linked with the stance *denies*.
Which links count: a suggested link counts toward the claim's status and findings like a
confirmed one (an imported archive is otherwise never cross-checked) and is shown as
suggested; a pending :class:`ClaimLink` counts toward nothing until accepted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from access.services import Actor, mark_reviewed
from claims.models import Attribution, Claim
from claims.services import attribution_update, claim_create
from crosscheck.index import candidate_ids
from crosscheck.rules.propositions import (
    PropositionMatch,
    proposed_claim_text,
    proposition,
    proposition_similarity,
)
from suggestions.models import ClaimLink

INDEX_CANDIDATES = 100
BM25_CANDIDATES = 30
# A term in more claims than this share of the index (and this floor) is not looked up.
COMMON_TERM_SHARE = 0.05
COMMON_TERM_FLOOR = 50
CLAIMS_PER_TERM = 50


@dataclass(frozen=True)
class ClaimCandidate:
    claim_id: int
    score: float
    compared_with: str  # "claim" or "attribution #N"
    match: PropositionMatch


@dataclass
class ClaimLinkOutcome:
    """What :func:`claim_link_suggest` did: ``linked``, ``queued``, ``created`` or
    ``skipped`` (the attribution has a claim, is unattributed or has no words)."""

    action: str
    claim: Claim | None = None
    score: float | None = None
    candidates: list[ClaimCandidate] = field(default_factory=list)


def _statement(attribution: Attribution) -> str:
    return attribution.text


class ClaimIndex:
    """A lexical (BM25) index over the archive's claims, each claim a document of its own
    text and the words of the attributions linked to it, in the proposition terms
    :func:`~crosscheck.rules.propositions.proposition_similarity` compares. A bulk run
    builds it once and adds what it links and creates, so every claim whose words a
    statement shares is ranked, not only those a database search returns first. The
    index ranks candidates; the proposition score still decides."""

    K1 = 1.2
    B = 0.75

    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.texts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self.terms: dict[int, set[str]] = defaultdict(set)
        self.total_terms = 0  # the sum of every claim's number of terms, kept as they grow

    @classmethod
    def from_archive(cls) -> ClaimIndex:
        index = cls()
        for pk, text in Claim.objects.values_list("pk", "text").iterator():
            index.add(pk, "claim", text)
        attributions = Attribution.objects.filter(claim__isnull=False)
        for pk, claim_id, text in attributions.values_list("pk", "claim_id", "text").iterator():
            index.add(claim_id, f"attribution #{pk}", text)
        return index

    def add(self, claim_id: int, label: str, text: str) -> None:
        terms = proposition(text).terms
        if not terms:
            return
        self.texts[claim_id].append((label, text))
        before = len(self.terms[claim_id])
        self.terms[claim_id] |= terms
        self.total_terms += len(self.terms[claim_id]) - before
        for term in terms:
            self.postings[term].add(claim_id)

    def search(self, text: str, limit: int = BM25_CANDIDATES) -> list[int]:
        """The ``limit`` claims ranking highest for ``text`` (BM25, each term once)."""
        query = proposition(text).terms
        documents = len(self.terms)
        if not query or not documents:
            return []
        average = self.total_terms / documents
        scores: dict[int, float] = defaultdict(float)
        common = max(COMMON_TERM_FLOOR, documents * COMMON_TERM_SHARE)
        for term in query:
            holders = self.postings.get(term)
            if not holders or len(holders) > common:
                continue  # absent, or in so many claims that it ranks nothing (and is slow)
            idf = math.log(1 + (documents - len(holders) + 0.5) / (len(holders) + 0.5))
            for claim_id in holders:
                length = len(self.terms[claim_id])
                norm = 1 - self.B + self.B * length / average
                scores[claim_id] += idf * (self.K1 + 1) / (1 + self.K1 * norm)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [claim_id for claim_id, _score in ranked[:limit]]


def claim_candidates(
    text: str, *, exclude_attribution: int | None = None, index: ClaimIndex | None = None
) -> list[ClaimCandidate]:
    """Claims that may say what ``text`` says, best first (ties by claim id). With an
    ``index``, the claims it ranks highest are candidates too, compared with every text the
    index holds for them."""
    terms = proposition(text)
    if not terms.terms:
        return []
    texts: dict[int, list[tuple[str, str]]] = {}
    if index is not None:
        exclude = f"attribution #{exclude_attribution}"
        for claim_id in index.search(text):
            texts[claim_id] = [item for item in index.texts[claim_id] if item[0] != exclude]
    ids = [pk for pk in candidate_ids(text, limit=INDEX_CANDIDATES) if pk != exclude_attribution]
    for pk, claim_id, other in (
        Attribution.objects.filter(pk__in=ids, claim__isnull=False)
        .values_list("pk", "claim_id", "text")
        .iterator()
    ):
        texts.setdefault(claim_id, []).append((f"attribution #{pk}", other))
    words = sorted(terms.entities, key=len, reverse=True)[:2]
    words += [w for w in sorted(terms.terms - terms.entities, key=len, reverse=True) if len(w) > 4][
        : 3 - len(words)
    ]
    for word in words:
        for claim_id in Claim.objects.filter(text__icontains=word).values_list("pk", flat=True)[
            :CLAIMS_PER_TERM
        ]:
            texts.setdefault(claim_id, [])
    missing = [pk for pk, options in texts.items() if not any(o[0] == "claim" for o in options)]
    for claim_id, claim_text in Claim.objects.filter(pk__in=missing).values_list("pk", "text"):
        texts[claim_id].append(("claim", claim_text))
    found = []
    for claim_id, options in texts.items():
        if not options:
            continue
        best = max(
            ((proposition_similarity(text, other), label) for label, other in options),
            key=lambda item: item[0].score,
        )
        if best[0].score > 0:
            found.append(ClaimCandidate(claim_id, best[0].score, best[1], best[0]))
    found.sort(key=lambda c: (-c.score, c.claim_id))
    return found


def _evidence(candidate: ClaimCandidate) -> dict:
    return {
        "compared_with": candidate.compared_with,
        "shared": list(candidate.match.shared),
        "figures_agree": candidate.match.figures_agree,
        "negated": candidate.match.negated,
        "contained": candidate.match.contained,
    }


def _stance(match: PropositionMatch) -> str:
    return Attribution.Stance.DENIES if match.negated else Attribution.Stance.ASSERTS


@transaction.atomic
def claim_link_suggest(
    *,
    attribution: Attribution,
    user: Actor = None,
    create: bool = True,
    index: ClaimIndex | None = None,
) -> ClaimLinkOutcome:
    """Link ``attribution`` to the claim it says, queue the match for review, or give it a
    new claim (see the module's text). Never changes an attribution that has a claim.
    With an ``index`` (a bulk run's), candidates come from it too, and what is linked or
    created is added to it."""
    if attribution.claim_id is not None or attribution.source_id is None:
        return ClaimLinkOutcome("skipped")
    outcome = _suggest(attribution, user, create, index)
    if index is not None and outcome.claim is not None:
        if outcome.action == "created":
            index.add(outcome.claim.pk, "claim", outcome.claim.text)
        index.add(outcome.claim.pk, f"attribution #{attribution.pk}", attribution.text)
    return outcome


def _suggest(
    attribution: Attribution, user: Actor, create: bool, index: ClaimIndex | None
) -> ClaimLinkOutcome:
    text = _statement(attribution)
    candidates = claim_candidates(text, exclude_attribution=attribution.pk, index=index)
    rejected = set(
        ClaimLink.objects.filter(
            attribution=attribution, state=ClaimLink.State.REJECTED
        ).values_list("claim_id", flat=True)
    )
    candidates = [c for c in candidates if c.claim_id not in rejected]
    best = candidates[0] if candidates else None
    words = len(text.split())
    if (
        best is not None
        and best.score >= settings.TRACKER_CLAIM_LINK_AUTO
        and words >= settings.TRACKER_CLAIM_LINK_MIN_WORDS
    ):
        claim = Claim.objects.get(pk=best.claim_id)
        _record(attribution, best, ClaimLink.State.LINKED)
        attribution_update(
            attribution=attribution,
            user=user,
            claim=claim,
            claim_is_suggested=True,
            claim_link_score=best.score,
            stance=_stance(best.match),
        )
        return ClaimLinkOutcome("linked", claim, best.score, candidates)
    if best is not None and best.score >= settings.TRACKER_CLAIM_LINK_SUGGEST:
        for candidate in candidates:
            if candidate.score < settings.TRACKER_CLAIM_LINK_SUGGEST:
                break
            _record(attribution, candidate, ClaimLink.State.PENDING)
        return ClaimLinkOutcome("queued", None, best.score, candidates)
    proposed = proposed_claim_text(text)
    if not create or not proposed:
        return ClaimLinkOutcome("skipped", candidates=candidates)
    claim = claim_create(user=user, text=proposed[:2000])
    attribution_update(
        attribution=attribution,
        user=user,
        claim=claim,
        claim_is_suggested=True,
        claim_link_score=None,
    )
    return ClaimLinkOutcome("created", claim, None, candidates)


def _record(attribution: Attribution, candidate: ClaimCandidate, state: str) -> ClaimLink:
    link, created = ClaimLink.objects.get_or_create(
        attribution=attribution,
        claim_id=candidate.claim_id,
        defaults={"score": candidate.score, "evidence": _evidence(candidate), "state": state},
    )
    if not created and link.state == ClaimLink.State.PENDING and state != link.state:
        link.state = state
        link.save(update_fields=["state"])
    return link


@transaction.atomic
def claim_link_accept(*, link: ClaimLink, user: Actor = None) -> Attribution:
    """An editor accepts a queued match: the attribution is linked (a confirmed link) and
    the attribution's other pending matches are rejected."""
    link = ClaimLink.objects.select_for_update().get(pk=link.pk)
    attribution = attribution_update(
        attribution=link.attribution,
        user=user,
        claim=link.claim,
        stance=Attribution.Stance.DENIES
        if link.evidence.get("negated")
        else Attribution.Stance.ASSERTS,
    )
    mark_reviewed(link, state=ClaimLink.State.ACCEPTED, user=user)
    for other in ClaimLink.objects.filter(
        attribution=attribution, state=ClaimLink.State.PENDING
    ).exclude(pk=link.pk):
        mark_reviewed(other, state=ClaimLink.State.REJECTED, user=user)
    return attribution


@transaction.atomic
def claim_link_reject(*, link: ClaimLink, user: Actor = None) -> ClaimLink:
    """An editor rejects a match; it is kept so it is not proposed again. A rejected
    automatic link also unlinks the attribution."""
    link = ClaimLink.objects.select_for_update().get(pk=link.pk)
    attribution = link.attribution
    if (
        link.state == ClaimLink.State.LINKED
        and attribution.claim_id == link.claim_id
        and attribution.claim_is_suggested
    ):
        attribution_update(attribution=attribution, user=user, claim=None)
    mark_reviewed(link, state=ClaimLink.State.REJECTED, user=user)
    return link
