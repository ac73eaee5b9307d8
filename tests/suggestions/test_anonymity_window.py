"""A reason for anonymity near the anonymous source: before it, after it, or beside it
(invented sentences)."""

import pytest

from suggestions.extraction import extract


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Two officials were not authorized to discuss the talks publicly. One official "
            "said the deal was close.",
            "not authorized to discuss the talks publicly",
        ),
        (
            "One official said the deal was close. The official spoke on condition of "
            "anonymity because the talks were private.",
            "the talks were private",
        ),
        (
            "A senior aide, who was not authorized to speak publicly, said the campaign would "
            "regroup.",
            "not authorized to speak publicly",
        ),
    ],
)
def test_a_reason_near_the_source_explains_its_anonymity(text, reason):
    (source,) = extract(text).proposed_sources
    assert source.kind == "anonymous"
    assert source.anonymity_reason == reason


def test_no_reason_leaves_the_anonymity_unexplained():
    sources = extract("One official said the deal was close. Another said it was dead.")
    assert {s.anonymity_reason for s in sources.proposed_sources} == {""}


def test_a_reason_two_sentences_before_is_too_far():
    text = (
        "Officials were not authorized to discuss the talks. The talks resumed on Monday. "
        "One official said the deal was close."
    )
    (source,) = extract(text).proposed_sources
    assert source.anonymity_reason == ""
