"""The tagger reads the rules' attributions as features, keeps tokens it is unsure of, and
tells a progressive from a passive. Every text here is INVENTED."""

import pytest

from suggestions.extraction import extract, tagger
from suggestions.extraction.extractor import _Extractor, rule_hints
from suggestions.extraction.tagger import Tagged, TrainingDocument
from suggestions.extraction.tagger_features import Featurizer, hint_labels, labels, sequences

TEXT = (
    "Harbour master Lena Ortiz said the port would reopen on Friday.\n\n"
    "“The cranes are fixed,” Ortiz told reporters. “We are ready.”\n\n"
    "The ferries will run again next week.\n"
)


def test_rule_hints_are_the_rules_suggestions_as_offsets():
    suggestions = extract(TEXT, method="rules").suggestions
    hints = rule_hints(TEXT)
    assert suggestions, "the rules found nothing: pick another text"
    assert len(hints) == len(suggestions)
    for (source, cue, content), suggestion in zip(hints, suggestions, strict=True):
        assert content == ((suggestion.start, suggestion.end),)
        assert cue == ((suggestion.cue_start, suggestion.cue_end),)
        assert source == ((suggestion.speaker_start, suggestion.speaker_end),)
    assert rule_hints("") == []
    assert rule_hints("  \n ") == []


def test_hint_labels_agree_with_the_training_labels_paragraph_by_paragraph():
    paragraphs = sequences(TEXT)
    hints = rule_hints(TEXT)
    together = hint_labels(paragraphs, hints)
    assert len(together) == len(paragraphs)
    for (_index, tokens), hinted in zip(paragraphs, together, strict=True):
        assert hinted == labels(tokens, hints)
    flat = [label for hinted in together for label in hinted]
    assert "B-S" in flat
    assert "B-C" in flat
    assert "B-Q" in flat
    assert "I-Q" in flat
    # No attributions: every token is outside.
    assert all(label == "O" for hinted in hint_labels(paragraphs, []) for label in hinted)


def test_hints_become_features_of_the_token_and_its_neighbours():
    text = "Ortiz said the port would reopen."
    ((index, tokens),) = sequences(text)
    hinted = ["B-S", "B-C", "B-Q", "I-Q", "I-Q", "I-Q", "O"]
    features = Featurizer().paragraph(text, tokens, index, hinted)
    assert "r=B-S" in features[0]
    assert "-1r=^" in features[0]
    assert "+1r=B-C" in features[0]
    assert "r=B-C" in features[1]
    assert "-1r=B-S" in features[1]
    assert "+1r=B-Q" in features[1]
    assert "r=O" in features[-1]
    assert "+1r=$" in features[-1]
    # Without hints (a model trained without them), no such feature.
    plain = Featurizer().paragraph(text, tokens, index)
    assert not any(f.startswith(("r=", "-1r=", "+1r=")) for token in plain for f in token)


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


def test_training_reads_the_hints_and_stays_reproducible(tmp_path):
    texts = [
        "Harbour master Lena Ortiz said the port would reopen on Friday.\n",
        "Mayor Ivo Brandt said the bridge would close in March.\n",
        "Nurse Ada Kell said the clinic would move to the old school.\n",
    ]
    documents = []
    for i, text in enumerate(texts):
        said = text.index(" said ")
        end = text.index(".\n")
        first = text.index(" ") + 1
        documents.append(
            TrainingDocument(
                f"doc{i}",
                text,
                [(((first, said),), ((said + 1, said + 5),), ((said + 6, end),))],
                hints=rule_hints(text),
            )
        )
    assert all(d.hints for d in documents)
    sequences_ = list(tagger.training_sequences(documents, Featurizer()))
    assert any("r=B-C" in token for xseq, _y in sequences_ for token in xseq)
    model = tmp_path / "hinted.crfsuite"
    tagger.train(documents, model, c1=0.0, c2=0.01, max_iterations=30)
    again = tmp_path / "again.crfsuite"
    tagger.train(documents, again, c1=0.0, c2=0.01, max_iterations=30)
    assert model.read_bytes() == again.read_bytes()
    text = "Pilot Remy Sand said the airfield would open in May.\n"
    found = tagger.tag_article(text, model=model, hints=rule_hints(text))
    assert found
    assert text[found[0].start : found[0].end].startswith("the airfield")


def test_the_tagger_method_gives_only_the_taggers_attributions():
    text = (
        "The bridge over the Velmar river has been closed since March.\n\n"
        "The mayor speculated that the new bridge would open before the winter.\n\n"
        "“We will be ready,” said Ortiz.\n"
    )
    rules = {(s.start, s.end) for s in extract(text, method="rules").suggestions}
    tagged = {(s.start, s.end) for s in extract(text, method="tagger").suggestions}
    combined = {(s.start, s.end) for s in extract(text, method="combined").suggestions}
    assert rules
    assert tagged
    assert rules <= combined
    assert tagged - rules, "the tagger adds what the rules miss"
