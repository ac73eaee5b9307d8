"""The small text helpers the pages and the admin share: shortening and context cut at word
boundaries."""

import pytest

from access.text import from_whole_word, shorten, to_whole_word


def test_shorten_cuts_at_a_word_boundary():
    assert shorten("The invented ferry runs again on Monday", 20) == "The invented ferry…"
    assert shorten("short", 20) == "short"


@pytest.mark.parametrize(
    ("text", "previous", "expected"),
    [
        ("eck of land the", None, "of land the"),  # unknown: the first word may be cut
        ("eck of land the", "p", "of land the"),  # cut in the middle of "speck"
        ("of land the", " ", "of land the"),  # the window starts at a word
        (" of land the", None, "of land the"),
        ("“of land", "p", "“of land"),  # punctuation is a boundary
        ("speck", None, ""),  # one piece of a word: nothing left
        ("", None, ""),
    ],
)
def test_from_whole_word_leaves_out_a_word_cut_at_the_start(text, previous, expected):
    assert from_whole_word(text, previous) == expected


@pytest.mark.parametrize(
    ("text", "following", "expected"),
    [
        ("said the comman", None, "said the"),
        ("said the comman", "d", "said the"),
        ("said the commander", ",", "said the commander"),
        ("said the commander ", None, "said the commander"),
        ("said.", None, "said."),
        ("commander", "s", ""),
    ],
)
def test_to_whole_word_leaves_out_a_word_cut_at_the_end(text, following, expected):
    assert to_whole_word(text, following) == expected
