"""The attribution tagger (a CRF) and its combination with the rules.

Every text here is INVENTED. The corpus the committed model was trained on (PolNeAR) is read
only by the tests marked as needing it: they skip when ``../shared/corpora`` is absent, and
fail instead when the environment variable CI is "true".
"""

import itertools
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from interchange.brat import read_brat_folder
from interchange.brat_scoring import score_brat, split_of
from suggestions.extraction import ExtractionError, extract, tagger
from suggestions.extraction.tagger import TaggerUnavailable, TrainingDocument

CORPORA = Path(settings.BASE_DIR).parent / "shared" / "corpora"
POLNEAR = CORPORA / "polnear-train"


def needs_corpus():
    if POLNEAR.is_dir():
        return
    message = f"the PolNeAR corpus is not at {POLNEAR} (it is never copied into the repository)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def contents(extraction):
    return [s.text for s in extraction.suggestions]


# --- the committed model ---------------------------------------------------------------------


def test_the_tagger_finds_an_indirect_attribution_the_rules_miss():
    text = (
        "The bridge over the Velmar river has been closed since March.\n\n"
        "The mayor speculated that the new bridge would open before the winter.\n"
    )
    assert not extract(text, method="rules").suggestions, "the rules found it: pick another"
    for method in ("tagger", "combined"):
        found = extract(text, method=method).suggestions
        assert len(found) == 1, method
        suggestion = found[0]
        assert suggestion.kind == "indirect"
        assert "bridge would open" in suggestion.text
        assert suggestion.cue == "speculated"
        assert suggestion.speaker_mention in ("The mayor", "mayor")
        assert suggestion.proposed_source is not None
        assert 0.0 < suggestion.confidence <= 1.0
        assert text[suggestion.start : suggestion.end] == suggestion.text


def test_tagger_speakers_resolve_like_the_rules():
    text = (
        "Olav Brenning, the harbour master of Velmar, said on Monday that the port would "
        "stay closed.\n\nBrenning believes the storm damage will take weeks to repair.\n"
    )
    extraction = extract(text)
    keys = {s.proposed_source for s in extraction.suggestions}
    assert len(extraction.suggestions) >= 2
    # "Brenning" is the harbour master the rules already met: one source, not two.
    assert len(keys) == 1
    assert keys <= {p.key for p in extraction.proposed_sources}
    assert {s.speaker_mention for s in extraction.suggestions} >= {"Brenning"}


def test_method_is_validated():
    with pytest.raises(ExtractionError, match="method must be one of"):
        extract("The mayor said the bridge would close.", method="crf")
    with pytest.raises(ExtractionError):
        extract("The mayor said the bridge would close.", method=None)


def test_combined_never_yields_overlapping_contents():
    text = (
        "“We will rebuild the pier,” said Hana Lunde, the council's spokeswoman. She added that "
        "the repairs would cost 4 million crowns and believes the work will end in May.\n\n"
        "Fishermen fear the season is lost, and the union argues the council waited too long. "
        "“Nobody listened to us,” one of them said, adding that boats had been moved.\n\n"
        "According to the port authority, the storm was the worst in 40 years.\n"
    )
    for method in ("rules", "tagger", "combined"):
        found = sorted(extract(text, method=method).suggestions, key=lambda s: s.start)
        for before, after in itertools.pairwise(found):
            assert before.end <= after.start, (method, before.text, after.text)
    rules = {(s.start, s.end) for s in extract(text, method="rules").suggestions}
    combined = {(s.start, s.end) for s in extract(text).suggestions}
    assert rules <= combined


def test_missing_model_raises_a_clear_error_and_the_rules_still_work(monkeypatch, tmp_path):
    monkeypatch.setattr(tagger, "MODEL_PATH", tmp_path / "nowhere.crfsuite")
    tagger.reset()
    text = "The mayor said the bridge would close."
    try:
        for method in ("tagger", "combined"):
            with pytest.raises(TaggerUnavailable, match="train_tagger"):
                extract(text, method=method)
        assert len(extract(text, method="rules").suggestions) == 1
    finally:
        tagger.reset()


# --- training --------------------------------------------------------------------------------

TINY = {
    "tiny-harbour": [
        (
            "The harbour master",
            "said",
            "the port would reopen on Friday",
            "The harbour master said the port would reopen on Friday.",
        ),
        ("Officials", "believe", "the storm has passed", "Officials believe the storm has passed."),
    ],
    "tiny-council": [
        (
            "The council",
            "warned",
            "the budget was too small",
            "The council warned that the budget was too small.",
        ),
        ("Residents", "think", "the bridge is unsafe", "Residents think the bridge is unsafe."),
    ],
    "tiny-river": [
        (
            "The minister",
            "said",
            "the river had risen overnight",
            "The minister said the river had risen overnight.",
        ),
        ("Farmers", "fear", "the harvest is lost", "Farmers fear the harvest is lost."),
    ],
}


def write_tiny_corpus(folder: Path) -> None:
    """Invented articles in BRAT's layout, NAME.txt beside NAME.ann."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, sentences in TINY.items():
        assert split_of(name) == "development"
        text = "\n\n".join(sentence for *_roles, sentence in sentences) + "\n"
        lines = []
        t = 0
        offset = 0
        for e, (source, cue, content, sentence) in enumerate(sentences, start=1):
            base = text.index(sentence, offset)
            offset = base + len(sentence)
            ids = []
            for label, words in (("Source", source), ("Cue", cue), ("Content", content)):
                start = base + sentence.index(words)
                t += 1
                lines.append(f"T{t}\t{label} {start} {start + len(words)}\t{words}")
                ids.append((label, f"T{t}"))
            cue_start = base + sentence.index(cue)
            t += 1
            lines.append(f"T{t}\tAttribution {cue_start} {cue_start + len(cue)}\t{cue}")
            roles = " ".join(f"{label}:{ident}" for label, ident in ids)
            lines.append(f"E{e}\tAttribution:T{t} {roles}")
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_training_on_a_tiny_corpus_writes_a_model_that_tags(tmp_path):
    corpus = tmp_path / "brat"
    write_tiny_corpus(corpus)
    documents = [
        TrainingDocument(
            d.name,
            d.text,
            [
                tuple(span.fragments if span else None for span in (a.source, a.cue, a.content))
                for a in d.attributions
            ],
        )
        for d in read_brat_folder(corpus)
    ]
    assert len(documents) == 3
    assert all(len(d.attributions) == 2 for d in documents)
    model = tmp_path / "tiny.crfsuite"
    counts = tagger.train(documents, model, c1=0.0, c2=0.01, max_iterations=50)
    assert model.is_file()
    assert counts["articles"] == 3
    assert counts["labelled"] > 0
    text = "The harbour master said the port would reopen on Friday."
    found = tagger.tag_article(text, model=model)
    assert found
    assert text[found[0].start : found[0].end].startswith("the port")
    # The same documents and settings give the same file.
    again = tmp_path / "again.crfsuite"
    tagger.train(documents, again, c1=0.0, c2=0.01, max_iterations=50)
    assert again.read_bytes() == model.read_bytes()


def test_train_tagger_command_on_a_tiny_corpus(tmp_path):
    corpus = tmp_path / "brat"
    write_tiny_corpus(corpus)
    output = tmp_path / "models" / "tiny.crfsuite"
    out = StringIO()
    call_command(
        "train_tagger",
        corpus=corpus,
        output=output,
        max_iterations=20,
        stdout=out,
    )
    assert output.is_file()
    assert "Trained on 3 articles" in out.getvalue()
    assert str(output) in out.getvalue()


def test_train_tagger_command_without_a_corpus(tmp_path):
    with pytest.raises(CommandError, match="No corpus folder"):
        call_command("train_tagger", corpus=tmp_path / "missing", output=tmp_path / "m")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="no annotated articles"):
        call_command("train_tagger", corpus=tmp_path / "empty", output=tmp_path / "m")
    assert not (tmp_path / "m").exists()


# --- on the corpus ---------------------------------------------------------------------------


def test_combined_beats_the_rules_on_development_articles():
    needs_corpus()
    documents = [d for d in read_brat_folder(POLNEAR) if split_of(d.name) == "development"][:40]
    scores = {
        method: score_brat((d, extract(d.text, method=method).suggestions) for d in documents)
        for method in ("rules", "combined")
    }
    rules, combined = (scores[m].counts_for("content", "overlap") for m in ("rules", "combined"))
    assert combined.f1 > rules.f1 + 0.08
    assert combined.recall > rules.recall + 0.25


def test_a_verb_in_the_speakers_relative_clause_is_no_cue_for_the_tagger_either():
    text = (
        "The official, who asked not to be named because he was not authorized to speak to "
        "reporters, said aid convoys were blocked."
    )
    found = [(s.cue, s.text) for s in extract(text).suggestions]
    assert found == [("said", "aid convoys were blocked")]


@pytest.mark.parametrize(
    "text", ["The senator replied 17 seconds later.", "The index added 0.4 per cent on Tuesday."]
)
def test_false_cues_give_nothing_by_default(text):
    assert extract(text).suggestions == ()
