"""Invariants of claims, attributions, relations and reviews."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import Attribution, ClaimRelation, Review
from tests.factories import (
    AnonymousSourceFactory,
    ArticleFactory,
    AttributionFactory,
    ClaimFactory,
    ClaimRelationFactory,
    ReviewFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_attribution_span_that_does_not_match_the_body_is_refused_on_save():
    article = ArticleFactory()
    attribution = Attribution(
        article=article, source=SourceFactory(), kind="direct", text="We will rush it", start=0
    )
    with pytest.raises(ValidationError) as err:
        attribution.save()
    assert "text" in err.value.message_dict
    assert Attribution.objects.count() == 0


def test_unattributed_statement_has_no_source():
    attribution = AttributionFactory.build(
        article=ArticleFactory(), source=SourceFactory(), claim=None, kind="unattributed"
    )
    with pytest.raises(ValidationError) as err:
        attribution.full_clean()
    assert "no source" in err.value.message_dict["source"][0]


def test_attributed_statement_needs_a_source():
    attribution = AttributionFactory.build(
        article=ArticleFactory(), source=None, claim=None, kind="indirect"
    )
    with pytest.raises(ValidationError) as err:
        attribution.full_clean()
    assert "Choose the source" in err.value.message_dict["source"][0]


def test_database_ties_unattributed_kind_to_missing_source():
    attribution = AttributionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attribution.objects.filter(pk=attribution.pk).update(kind="unattributed")


def test_anonymous_source_is_quoted_only_in_its_own_article():
    engineer = AnonymousSourceFactory()
    elsewhere = ArticleFactory()
    attribution = AttributionFactory.build(article=elsewhere, source=engineer, claim=None)
    with pytest.raises(ValidationError) as err:
        attribution.full_clean()
    assert "belongs to another article" in err.value.message_dict["source"][0]


def test_claim_cannot_be_related_to_itself():
    claim = ClaimFactory()
    relation = ClaimRelation(from_claim=claim, to_claim=claim, kind="supports")
    with pytest.raises(ValidationError) as err:
        relation.full_clean()
    assert "itself" in err.value.message_dict["to_claim"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimRelation.objects.bulk_create([relation])


def test_duplicate_relation_is_refused():
    relation = ClaimRelationFactory()
    again = ClaimRelation(
        from_claim=relation.from_claim, to_claim=relation.to_claim, kind=relation.kind
    )
    with pytest.raises(ValidationError):
        again.full_clean()


def test_symmetric_relation_is_not_recorded_twice_in_reverse():
    relation = ClaimRelationFactory(kind="contradicts")
    reverse = ClaimRelation(
        from_claim=relation.to_claim, to_claim=relation.from_claim, kind="contradicts"
    )
    with pytest.raises(ValidationError) as err:
        reverse.full_clean()
    assert "reverse relation" in err.value.message_dict["kind"][0]


def test_refines_may_point_both_ways():
    relation = ClaimRelationFactory(kind="refines")
    reverse = ClaimRelation(
        from_claim=relation.to_claim, to_claim=relation.from_claim, kind="refines"
    )
    reverse.full_clean()


@pytest.mark.parametrize(
    ("rating", "value"), [("true", 5), ("mixed", 3), ("false", 1), ("unproven", None)]
)
def test_review_rating_has_its_place_on_the_scale(rating, value):
    assert ReviewFactory(rating=rating).rating_value == value


def test_review_is_a_draft_until_published():
    review = ReviewFactory(published_at=None)
    assert not review.is_published
    assert Review.objects.get().summary == review.summary


def test_in_text_order_puts_orphans_last():
    article = ArticleFactory()
    later = AttributionFactory(article=article, text="repairs were behind schedule", start=None)
    first = AttributionFactory(article=article, text="Mayor Ilse Varnok", start=None)
    orphan = AttributionFactory(article=article, text="Quellbridge", start=None)
    Attribution.objects.filter(pk=orphan.pk).update(start=None, end=None, anchor_status="orphaned")
    ordered = list(Attribution.objects.filter(article=article).in_text_order())
    assert ordered == [first, later, orphan]


def test_claim_attribution_count_is_not_multiplied_by_a_filter_on_attributions():
    claim = ClaimFactory()
    article = ArticleFactory()
    AttributionFactory(article=article, claim=claim, text="We will not rush it", start=None)
    AttributionFactory(article=article, claim=claim, text="Quellbridge", start=None)
    from claims.models import Claim

    counted = Claim.objects.with_counts().filter(attributions__text__icontains="e").distinct().get()
    assert counted.attribution_count == 2
