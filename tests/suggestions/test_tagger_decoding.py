"""How the tagger's labels become attributions: tokens it is unsure of, a content that stops
short of the end of its sentence, and a progressive cue told from a passive. Every text here
is INVENTED."""

import pytest

from suggestions.extraction import tagger
from suggestions.extraction.extractor import _Extractor
from suggestions.extraction.tagger import Tagged
from suggestions.extraction.tagger_features import tokenize


class _Marginals:
    """A stand-in for pycrfsuite's tagger: fixed marginal probabilities per position."""

    def __init__(self, table):
        self.table = table

    def marginal(self, label, position):
        return self.table[position].get(label, 0.0)


def test_an_unsure_outside_token_takes_its_most_probable_other_label(monkeypatch):
    monkeypatch.setattr(tagger, "O_THRESHOLD", 0.7)
    tags = ["B-C", "O", "O", "O"]
    table = [
        {"B-C": 0.9, "O": 0.1},
        {"O": 0.6, "B-Q": 0.3, "I-Q": 0.1},  # unsure: becomes B-Q
        {"O": 0.69, "I-Q": 0.2, "B-S": 0.11},  # unsure: becomes I-Q
        {"O": 0.95, "I-Q": 0.05},  # sure: stays outside
    ]
    assert tagger._unsure(_Marginals(table), tags) == ["B-C", "B-Q", "I-Q", "O"]
    assert tags == ["B-C", "O", "O", "O"], "the tagger's own list is left as it was"
    sure = [{"B-C": 1.0}, {"O": 0.9}, {"O": 0.8}, {"O": 0.99}]
    assert tagger._unsure(_Marginals(sure), tags) is tags


def _words(text):
    return tokenize(text, 0, len(text))


def test_a_content_after_its_cue_runs_to_the_end_of_its_sentence():
    text = "Ortiz said the new bridge would open in May. Crews began work."
    tokens = _words(text)
    words = [t[2] for t in tokens]
    sentence = [0 if i <= words.index(".") else 1 for i in range(len(tokens))]
    tags = ["B-S", "B-C", "B-Q", "I-Q", "I-Q"] + ["O"] * (len(tokens) - 5)
    end = tagger._to_sentence_end(tokens, tags, sentence, 4)
    assert text[tokens[2][0] : tokens[end][1]] == "the new bridge would open in May"
    # Another role later in the sentence: the content stays as tagged.
    tags[words.index("in")] = "B-S"
    assert tagger._to_sentence_end(tokens, tags, sentence, 4) == 4
    # Already at the end of the sentence (before its period): nothing to add.
    assert tagger._to_sentence_end(tokens, ["O"] * len(tokens), sentence, 8) == 8


def _tagged(text, content, cue, source):
    def span(words):
        start = text.index(words)
        return start, start + len(words)

    start, end = span(content)
    cue_start, cue_end = span(cue)
    return Tagged(start, end, cue_start, cue_end, span(source), 0.9, len(text))


@pytest.mark.parametrize(
    ("text", "content", "cue", "source", "plausible"),
    [
        # A progressive is an act of saying by its subject.
        (
            "Councillor Vema Roth is urging residents to boil their water.",
            "residents to boil their water",
            "is urging",
            "Councillor Vema Roth",
            True,
        ),
        # The subject of a passive is what is said, not who says it.
        (
            "The harbour master was said to be furious about the delay.",
            "to be furious about the delay",
            "was said",
            "The harbour master",
            False,
        ),
        (
            "The ferry plan was criticized by fishermen across the bay.",
            "by fishermen across the bay",
            "was criticized",
            "The ferry plan",
            False,
        ),
    ],
)
def test_a_progressive_cue_is_no_passive(text, content, cue, source, plausible):
    extractor = _Extractor(text, ())
    assert extractor._plausible(_tagged(text, content, cue, source)) is plausible
