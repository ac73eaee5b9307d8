"""The proposition score claim suggestions are made from (invented statements)."""

import pytest

from crosscheck.rules.propositions import (
    proposed_claim_text,
    proposition,
    proposition_similarity,
)


def test_the_same_words_quoted_or_not_are_the_same_proposition():
    match = proposition_similarity(
        "The ferry to Ostrava will stop running in May",
        "“The ferry to Ostrava will stop running in May,”",
    )
    assert match.score == 1.0
    assert not match.negated


def test_a_paraphrase_shares_its_content_words_and_entities():
    match = proposition_similarity(
        "The council will close the Lindgate library in March",
        "Lindgate's library is to be closed by the council in March, officials said",
    )
    assert 0.7 <= match.score < 1.0
    assert {"lindgate", "library", "council", "march"} <= set(match.shared)


def test_unrelated_statements_sharing_a_place_score_low():
    match = proposition_similarity(
        "The council will close the Lindgate library in March",
        "Lindgate won the regional football cup on Saturday",
    )
    assert match.score < 0.3


def test_one_statement_inside_a_longer_one_is_contained():
    short = "the harbour tunnel has leaked every winter since it opened"
    long = (
        "Engineers told the inquiry that the harbour tunnel has leaked every winter since it "
        "opened and that repairs cost millions"
    )
    match = proposition_similarity(short, long)
    assert match.contained
    assert match.score >= 0.875


def test_a_denial_is_the_same_proposition_negated():
    match = proposition_similarity(
        "The mayor knew about the contract", "The mayor never knew about the contract"
    )
    assert match.negated
    assert match.score == 1.0
    assert not proposition_similarity("We didn't win", "We did not win").negated


def test_different_figures_cost_a_little_but_remain_the_same_proposition():
    same = proposition_similarity("Turnout rose to 61 percent", "Turnout rose to 61 percent")
    other = proposition_similarity("Turnout rose to 61 percent", "Turnout rose to 58 percent")
    assert same.figures_agree
    assert not other.figures_agree
    assert 0.5 < other.score < same.score


def test_entities_weigh_more_than_common_words():
    assert proposition("Voters in Kell backed the plan").entities == {"kell"}
    plan = "Voters in Kell backed the plan"
    by_entity = proposition_similarity(plan, "Voters in Kell rejected the offer")
    by_word = proposition_similarity(plan, "Voters in Arno backed the offer")
    assert by_entity.score > by_word.score


@pytest.mark.parametrize("empty", ["", "   ", "the of and", "“ ”"])
def test_statements_without_content_words_match_nothing(empty):
    assert proposition_similarity(empty, "The ferry will stop").score == 0.0


@pytest.mark.parametrize(
    ("statement", "claim"),
    [
        ("“that the deal is dead,”", "The deal is dead."),
        ("the ferry will stop running", "The ferry will stop running."),
        ("Will it stop?", "Will it stop?"),
        ("  ", ""),
    ],
)
def test_proposed_claim_text(statement, claim):
    assert proposed_claim_text(statement) == claim
