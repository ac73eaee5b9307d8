"""Writes on claims, attributions, relations and reviews shared by every path."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from access.services import acting_user, apply_fields, set_history_user
from articles.anchoring import AnchorStatus
from claims.models import Attribution, Claim, ClaimRelation, Review


def _mark_reviewed(attribution: Attribution, user) -> None:
    if attribution.is_reviewed and attribution.reviewed_at is None:
        attribution.reviewed_at = timezone.now()
        if acting_user(user) is not None:
            attribution.reviewed_by = user
    if not attribution.is_reviewed:
        attribution.reviewed_at = None
        attribution.reviewed_by = None


@transaction.atomic
def attribution_create(*, user=None, **data: Any) -> Attribution:
    """Record one act of saying. Offsets left empty are located from the text (which must
    occur once); an empty text is taken from the offsets. Raises ``ValidationError``."""
    attribution = Attribution(**data)
    attribution.full_clean()
    _mark_reviewed(attribution, user)
    set_history_user(attribution, user)
    attribution.save()
    return attribution


@transaction.atomic
def attribution_update(*, attribution: Attribution, user=None, **data: Any) -> Attribution:
    """Change an attribution. A span an editor sets is taken as checked by them, so a span
    flagged fuzzy or orphaned by a body edit becomes anchored again."""
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
    return attribution


@transaction.atomic
def claim_create(*, user=None, **data: Any) -> Claim:
    claim = Claim(**data)
    claim.full_clean()
    set_history_user(claim, user)
    claim.save()
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, user=None, **data: Any) -> Claim:
    apply_fields(claim, data)
    claim.full_clean()
    set_history_user(claim, user)
    claim.save()
    return claim


@transaction.atomic
def claim_relation_create(*, user=None, **data: Any) -> ClaimRelation:
    relation = ClaimRelation(**data)
    if acting_user(user) is not None:
        relation.created_by = user
    relation.full_clean()
    set_history_user(relation, user)
    relation.save()
    return relation


@transaction.atomic
def review_create(*, user=None, **data: Any) -> Review:
    review = Review(**data)
    if review.reviewer_id is None and acting_user(user) is not None:
        review.reviewer = user
    review.full_clean()
    set_history_user(review, user)
    review.save()
    return review
