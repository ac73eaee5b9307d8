"""How a quote as it circulates overlaps an archived one (rules.quote_overlap). The quote
is invented."""

import pytest

from crosscheck.rules import QuoteRelation, quote_overlap

STORED = (
    "In this invented valley, for you to rebuild a bridge this size, you will have to "
    "close the river road for a whole winter"
)


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        (STORED, QuoteRelation.SAME),
        ("for you to rebuild a bridge this size, you will have to", QuoteRelation.FRAGMENT),
        (
            "In this invented valley ... you will have to close the river road for a whole winter",
            QuoteRelation.SHORTENED,
        ),
        (f"“{STORED},” the mayor told reporters on Monday in Quellbridge", QuoteRelation.CONTAINS),
        (STORED.replace("you will", "you'll"), QuoteRelation.SIMILAR),
    ],
)
def test_circulating_forms_of_a_quote_are_recognised(text, relation):
    overlap = quote_overlap(text, STORED, 4)

    assert overlap.relation == relation
    assert overlap.similarity >= 90


def test_a_fragment_with_a_typo_is_still_a_fragment():
    overlap = quote_overlap("for you to rebuild a brige this size", STORED, 4)

    assert overlap.relation == QuoteRelation.FRAGMENT
    assert 90 <= overlap.similarity < 100


def test_the_archived_quote_with_words_left_out_of_the_checked_text_is_expanded():
    overlap = quote_overlap(
        STORED, "In this invented valley ... close the river road for a whole winter", 4
    )

    assert overlap.relation == QuoteRelation.EXPANDED


def test_common_words_scattered_through_a_quote_are_not_a_shortened_version():
    overlap = quote_overlap("in the river for a winter", STORED, 4)

    assert overlap.similarity < 90


def test_a_fragment_needs_the_minimum_of_words():
    overlap = quote_overlap("rebuild a bridge", STORED, 4)

    assert overlap.relation == QuoteRelation.SIMILAR
    assert overlap.similarity < 50


def test_an_unrelated_quote_scores_low():
    overlap = quote_overlap("The council will publish the budget in March", STORED, 4)

    assert overlap.similarity < 60
