"""A quote split by its cue is one utterance: the parts after the first point to it
(``Suggestion.continues``). Every text here is invented."""

import pytest

from suggestions.extraction import extract


def parts(text: str, method: str = "combined") -> list[tuple[str, int | None]]:
    """Each suggestion's text with the text of the suggestion it continues (or None)."""
    found = extract(text, method=method).suggestions
    for item in found:
        assert text[item.start : item.end] == item.text
    return [
        (item.text, found[item.continues].text if item.continues is not None else None)
        for item in found
    ]


@pytest.mark.parametrize("method", ["rules", "combined"])
@pytest.mark.parametrize(
    "text",
    [
        "“The river is rising,” Ortiz said. “We need sandbags.”",
        "“The river is rising,” Ortiz said, “and we need sandbags.”",
    ],
)
def test_a_quote_around_its_cue_is_one_utterance(text: str, method: str) -> None:
    found = parts(text, method)
    assert len(found) == 2
    first, second = found
    assert first == ("The river is rising", None)
    assert second[1] == "The river is rising"
    assert "sandbags" in second[0]


def test_a_quote_over_three_parts_points_to_its_first() -> None:
    text = "“The river is rising,” Ortiz said. “We need sandbags.” “Now, not tomorrow.”"
    found = extract(text, method="rules").suggestions
    assert [item.continues for item in found] == [None, 0, 0]


def test_two_speakers_are_two_utterances() -> None:
    text = "“The river is rising,” Ortiz said. “We are ready,” Lind said."
    found = extract(text, method="rules").suggestions
    assert [item.text for item in found] == ["The river is rising", "We are ready"]
    assert [item.continues for item in found] == [None, None]


def test_the_same_speaker_with_two_cues_is_two_utterances() -> None:
    text = "“The river is rising,” Ortiz said. Later he added: “We need sandbags.”"
    found = extract(text, method="rules").suggestions
    assert len(found) == 2
    assert [item.continues for item in found] == [None, None]
