"""The figure parser behind the numeric-conflict rule. Pure functions: no database."""

import json
import math
import random

import pytest

from crosscheck import quantities
from crosscheck.quantities import Quantity, pair_quantities, parse_quantities, singular


def one(text: str) -> Quantity:
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


def conflict(a: str, b: str) -> bool:
    return not one(a).intersects(one(b))


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("four", "[4, 4]"),
        ("10,000", "[10,000, 10,000]"),
        ("2,500", "[2,500, 2,500]"),
        ("1.5 million", "[1,500,000, 1,500,000]"),
        ("twenty-one", "[21, 21]"),
        ("twenty one", "[21, 21]"),
        ("two hundred and fifty", "[250, 250]"),
        ("three thousand five hundred", "[3,500, 3,500]"),
        ("a dozen", "[12, 12]"),
        ("half a dozen", "[6, 6]"),
        ("a hundred", "[100, 100]"),
        ("dozens", "[24, 200)"),
        ("scores", "[40, 400)"),
        ("hundreds", "[200, 1,000)"),
        ("thousands", "[2,000, 100,000)"),
        ("tens of thousands", "[20,000, 1,000,000)"),
        ("at least four", "[4, ∞)"),
        ("no fewer than 4", "[4, ∞)"),
        ("more than 10,000", "(10,000, ∞)"),
        ("over 200", "(200, ∞)"),
        ("nearly 500", "[450, 500)"),
        ("almost 500", "[450, 500)"),
        ("just under 500", "[450, 500)"),
        ("about 300", "[270, 330]"),
        ("around 300", "[270, 330]"),
        ("roughly 300", "[270, 330]"),
        ("some 300", "[270, 330]"),
        ("approximately 300", "[270, 330]"),
        ("up to 50", "[0, 50]"),
        ("as many as 50", "[0, 50]"),
        ("fewer than 10", "[0, 10)"),
        ("between 3 and 5", "[3, 5]"),
        ("3 to 5", "[3, 5]"),
        ("3-5", "[3, 5]"),
        ("three or four", "[3, 4]"),
        ("between two and three million", "[2,000,000, 3,000,000]"),
    ],
)
def test_reads_each_form_as_an_interval(text, interval):
    assert one(text).interval == interval


def test_reading_shows_the_figure_as_written_and_its_interval():
    assert one("At least four SDF fighters were killed").reading == "At least four → [4, ∞)"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("at least four", "three", True),
        ("at least four", "six", False),
        ("at least four", "four", False),
        ("more than 10,000", "10,000", True),
        ("more than 10,000", "10,001", False),
        ("about 300", "310", False),
        ("about 300", "340", True),
        ("nearly 500", "500", True),
        ("nearly 500", "460", False),
        ("between 3 and 5", "four", False),
        ("between 3 and 5", "six", True),
        ("thousands", "500", True),
        ("hundreds", "1,000", True),
        ("a dozen", "12", False),
        ("up to 50", "51", True),
        ("two", "2", False),
    ],
)
def test_conflicts_only_when_the_intervals_do_not_meet(a, b, expected):
    assert conflict(a, b) is expected
    assert conflict(b, a) is expected


@pytest.mark.parametrize(
    "text",
    [
        "in 2019",
        "since 2014",
        "the summer of 2019",
        "on 13 March",
        "March 13, 2019",
        "Last Update: Wednesday, 13 March 2019 KSA 16:00 - GMT 13:00",
        "a 22-year-old fighter",
        "the devastating four-year campaign",
        "the 2nd battalion",
        "no one was hurt",
        "one of them",
        "over the weekend",
        "some of whom",
    ],
)
def test_dates_years_times_and_adjectives_are_not_counts(text):
    assert parse_quantities(text) == []


def test_a_four_digit_number_of_things_is_a_count_not_a_year():
    assert one("a total of 2000 people").interval == "[2,000, 2,000]"


def test_counted_noun_is_the_head_of_the_phrase_singular():
    assert one("at least four SDF fighters were killed").noun == "fighter"
    assert one("12 people killed").noun == "person"
    assert one("thousands of civilians and extremists").noun == "civilian"
    assert one("three killed").noun == ""


def test_percentages_are_marked_and_only_paired_with_percentages():
    share = one("40% of voters")
    assert share.unit == "%"
    assert one("40 per cent").unit == "%"
    assert pair_quantities([share], [one("30 voters")]) == []
    assert pair_quantities([share], [one("30 percent")]) != []


def test_pairs_figures_by_noun_when_there_are_several():
    first = parse_quantities("four fighters and two civilians were killed")
    second = parse_quantities("three civilians and four fighters died")
    pairs = {(x.written, y.written) for x, y in pair_quantities(first, second)}
    assert pairs == {("four", "four"), ("two", "three")}


def test_pairs_lone_figures_unless_they_count_different_things():
    assert len(pair_quantities([one("at least four")], [one("three killed")])) == 1
    assert pair_quantities([one("six years")], [one("four fighters")]) == []


def test_evidence_is_json_without_infinity():
    evidence = one("at least four").as_dict()
    assert evidence["high"] is None
    assert json.loads(json.dumps(evidence, allow_nan=False)) == evidence


def test_finds_every_figure_in_a_sentence_in_order():
    found = parse_quantities("Since early February, more than 10,000 civilians left; 2,500 stayed.")
    assert [q.written for q in found] == ["more than 10,000", "2,500"]
    assert math.isinf(found[0].high)


def test_singular_folds_common_plurals():
    assert [singular(w) for w in ("fighters", "casualties", "people", "boxes", "gas")] == [
        "fighter",
        "casualty",
        "person",
        "box",
        "gas",
    ]


def _every_position(text: str) -> list:
    """parse_quantities as it was before it passed over tokens no figure starts with:
    a figure tried at every token."""
    tokens = [
        quantities._Token(m.group(), m.group().casefold(), m.start(), m.end())
        for m in quantities._TOKEN_RE.finditer(text)
    ]
    found, i = [], 0
    while i < len(tokens):
        parsed = quantities._parse_at(text, tokens, i)
        if parsed is None:
            i += 1
            continue
        quantity, i = parsed
        found.append(quantity)
    return found


def test_passing_over_tokens_that_start_no_figure_changes_nothing():
    words = (  # noqa: SIM905
        "at least more than nearly about up to between and from to or a half dozen dozens "
        "hundreds of thousands tens millions four twenty-one forty fifty hundred thousand "
        "million 12 3,000 2.5 $ € £ % percent per cent people were killed in 2019 March 13 "
        "- – the SDF fighters said he they one no some several scores"
    ).split()
    rng = random.Random(7)
    for _ in range(3000):
        text = " ".join(rng.choices(words, k=rng.randint(1, 14)))
        assert parse_quantities(text) == _every_position(text), text
