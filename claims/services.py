"""Writes on claims, attributions, relations and reviews shared by every path.

Each write that can alter a finding or a claim status asks for the cross-check with the
ids it touched (``after_commit("crosscheck.recheck", ...)``, see ``crosscheck/tasks.py``);
it runs once the transaction commits.
"""

from datetime import date, datetime
from typing import TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.services import Actor, acting_user, apply_fields, set_history_user
from access.tasks import after_commit
from articles.anchoring import AnchorStatus
from articles.models import Article, Outlet
from claims.models import Attribution, Claim, ClaimRelation, Review
from sources.models import Source


class AttributionFields(TypedDict, total=False):
    """What a service may set on an attribution (the model's editable fields, and the
    attribution it continues)."""

    start: int | None
    end: int | None
    text: str
    article: Article
    source: Source | None
    claim: Claim | None
    claim_is_suggested: bool
    claim_link_score: float | None
    kind: str
    stance: str
    act: str
    speaker_mention: str
    cue: str
    channel: str
    recipient: Outlet | None
    said_on: date | None
    said_when_text: str
    is_suggested: bool
    is_reviewed: bool
    note: str
    continues: Attribution | None


class ClaimFields(TypedDict, total=False):
    text: str
    event_date: date | None
    notes: str


class ClaimRelationFields(TypedDict, total=False):
    from_claim: Claim
    to_claim: Claim
    kind: str
    note: str


class ReviewFields(TypedDict, total=False):
    claim: Claim
    rating: str
    summary: str
    reviewer: User | None
    published_at: datetime | None
    url: str


def _mark_reviewed(attribution: Attribution, user: Actor) -> None:
    if attribution.is_reviewed and attribution.reviewed_at is None:
        attribution.reviewed_at = timezone.now()
        if (reviewer := acting_user(user)) is not None:
            attribution.reviewed_by = reviewer
    if not attribution.is_reviewed:
        attribution.reviewed_at = None
        attribution.reviewed_by = None


@transaction.atomic
def attribution_create(*, user: Actor = None, **data: Unpack[AttributionFields]) -> Attribution:
    """Record one act of saying. Offsets left empty are located from the text (which must
    occur once); an empty text is taken from the offsets. Raises ``ValidationError``."""
    attribution = Attribution(**data)
    attribution.full_clean()
    _mark_reviewed(attribution, user)
    set_history_user(attribution, user)
    attribution.save()
    _recheck_attribution(attribution)
    return attribution


def _recheck_attribution(attribution: Attribution) -> None:
    after_commit(
        "crosscheck.recheck", attribution_ids=[attribution.pk], claim_ids=[attribution.claim_id]
    )


@transaction.atomic
def attribution_update(
    *, attribution: Attribution, user: Actor = None, **data: Unpack[AttributionFields]
) -> Attribution:
    """Change an attribution. A span an editor sets is taken as checked by them, so a span
    flagged fuzzy or orphaned by a body edit becomes anchored again; a claim an editor sets
    is a confirmed link (no longer suggested) unless the caller says otherwise."""
    if "claim" in data and "claim_is_suggested" not in data:
        data = {**data, "claim_is_suggested": False, "claim_link_score": None}
    apply_fields(attribution, data)
    if {"start", "end", "text"} & data.keys():
        if attribution.anchor_status == AnchorStatus.ORPHANED and data.get("start") is None:
            # An orphan given only new text: look for it again.
            attribution.start = attribution.end = None
        attribution.anchor_status = AnchorStatus.ANCHORED
    attribution.full_clean()
    _mark_reviewed(attribution, user)
    set_history_user(attribution, user)
    attribution.save()
    _recheck_attribution(attribution)
    return attribution


@transaction.atomic
def attribution_delete(*, attribution: Attribution, user: Actor = None) -> None:
    """Delete an attribution; its claim and source are rechecked and the findings that
    named it resolved unless found again."""
    after_commit(
        "crosscheck.recheck",
        claim_ids=[attribution.claim_id],
        source_ids=[attribution.source_id],
        deleted_attribution_ids=[attribution.pk],
    )
    set_history_user(attribution, user)
    attribution.delete()


@transaction.atomic
def claim_create(*, user: Actor = None, **data: Unpack[ClaimFields]) -> Claim:
    claim = Claim(**data)
    claim.full_clean()
    set_history_user(claim, user)
    claim.save()
    after_commit("crosscheck.recheck", claim_ids=[claim.pk])
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, user: Actor = None, **data: Unpack[ClaimFields]) -> Claim:
    apply_fields(claim, data)
    claim.full_clean()
    set_history_user(claim, user)
    claim.save()
    after_commit("crosscheck.recheck", claim_ids=[claim.pk])
    return claim


@transaction.atomic
def claim_delete(*, claim: Claim, user: Actor = None) -> None:
    """Delete a claim with its relations and reviews; its attributions stay, with no claim.
    Those attributions and the claims it was related to are rechecked, and the findings
    that named it resolved unless found again."""
    related = ClaimRelation.objects.filter(Q(from_claim=claim) | Q(to_claim=claim))
    after_commit(
        "crosscheck.recheck",
        claim_ids=[i for pair in related.values_list("from_claim_id", "to_claim_id") for i in pair],
        attribution_ids=claim.attributions.values_list("id", flat=True),
        deleted_claim_ids=[claim.pk],
    )
    set_history_user(claim, user)
    claim.delete()


@transaction.atomic
def claim_relation_create(
    *, user: Actor = None, **data: Unpack[ClaimRelationFields]
) -> ClaimRelation:
    relation = ClaimRelation(**data)
    if (author := acting_user(user)) is not None:
        relation.created_by = author
    relation.full_clean()
    set_history_user(relation, user)
    relation.save()
    _recheck_relation(relation)
    return relation


def _recheck_relation(relation: ClaimRelation, *also: int) -> None:
    after_commit(
        "crosscheck.recheck", claim_ids=[relation.from_claim_id, relation.to_claim_id, *also]
    )


@transaction.atomic
def claim_relation_update(
    *,
    relation: ClaimRelation,
    user: Actor = None,
    from_claim: Claim | None = None,
    to_claim: Claim | None = None,
    kind: str | None = None,
    note: str | None = None,
) -> ClaimRelation:
    """Change a relation; what is left None stays. The claims on both ends, before and
    after, are rechecked."""
    # As stored: a form may have changed the instance already.
    before = (
        ClaimRelation.objects.filter(pk=relation.pk)
        .values_list("from_claim_id", "to_claim_id")
        .get()
    )
    changes = {"from_claim": from_claim, "to_claim": to_claim, "kind": kind, "note": note}
    apply_fields(relation, {name: value for name, value in changes.items() if value is not None})
    relation.full_clean()
    set_history_user(relation, user)
    relation.save()
    _recheck_relation(relation, *before)
    return relation


@transaction.atomic
def claim_relation_delete(*, relation: ClaimRelation, user: Actor = None) -> None:
    _recheck_relation(relation)
    set_history_user(relation, user)
    relation.delete()


@transaction.atomic
def review_create(*, user: Actor = None, **data: Unpack[ReviewFields]) -> Review:
    review = Review(**data)
    if review.reviewer_id is None and (reviewer := acting_user(user)) is not None:
        review.reviewer = reviewer
    review.full_clean()
    set_history_user(review, user)
    review.save()
    return review
