"""The BRAT commands: ``evaluate_extraction --brat``, ``import_brat`` and ``export_brat``.
Every text here and in ``brat_fixture/`` is invented."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from interchange import brat_evaluation
from interchange.brat import content_kind
from suggestions.extraction.types import Suggestion

FIXTURE = Path(__file__).parent / "brat_fixture"
FLAT = FIXTURE / "flat"
CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "polnear-train"


def run(*args, **kwargs) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


# evaluate_extraction --brat


def _suggestion(text, content, speaker=None, cue=None, occurrence=1):
    def at(sub, n=1):
        start = -1
        for _ in range(n):
            start = text.index(sub, start + 1)
        return start, start + len(sub)

    start, end = at(content)
    speaker_start, speaker_end = at(speaker, occurrence) if speaker else (None, None)
    cue_start, cue_end = at(cue, occurrence) if cue else (0, 0)
    return Suggestion(
        start=start,
        end=end,
        text=text[start:end],
        kind=content_kind(text[start:end]),
        cue=cue or "",
        cue_start=cue_start,
        cue_end=cue_end,
        speaker_start=speaker_start,
        speaker_end=speaker_end,
        speaker_mention=speaker or "",
        source_id=None,
        proposed_source=None,
        recipient="",
        said_when_text="",
        confidence=1.0,
    )


def _fixed_extractor(text: str):
    """Hand-made suggestions for the two fixture articles (see the expected numbers)."""
    if text.startswith("Ferry"):  # harbour-ferry: development
        return [
            # overlaps E1's content (starts at the cue): not exact, not loose
            _suggestion(text, "said the ferry would run again in May", "Edda Quist", "said"),
            # E2's content without its marks and comma: loose, not exact
            _suggestion(text, "We have fixed the engines", "Quist", "said", occurrence=2),
            # the headline: matches nothing
            _suggestion(text, "Ferry service to resume in May"),
        ]
    return [  # bridge-vote: held out
        _suggestion(text, "a win for the whole town", "Councillor Rina Holt", "said"),
        _suggestion(text, "“Building starts next spring.”", "Holt", "said", occurrence=2),
    ]


@pytest.fixture
def fixed_extractor(monkeypatch):
    monkeypatch.setattr(brat_evaluation, "extract_suggestions", _fixed_extractor)


def _prf(block):
    return (block["predicted"], block["gold"], block["matched"]), (
        block["precision"],
        block["recall"],
        block["f1"],
    )


def test_evaluate_brat_json_by_hand(fixed_extractor):
    out, err = run("evaluate_extraction", "--brat", str(FLAT), "--format", "json")
    data = json.loads(out)
    assert [s["name"] for s in data["sets"]] == ["development", "heldout"]
    dev, held = (s["total"] for s in data["sets"])
    assert (dev["articles"], dev["problems"], held["articles"], held["problems"]) == (1, 1, 1, 0)
    # harbour-ferry: 3 predicted contents, 3 gold; E1 and E2 overlapped, E2 loose only.
    assert _prf(dev["content_overlap"]) == ((3, 3, 2), (0.6667, 0.6667, 0.6667))
    assert _prf(dev["content_exact"]) == ((3, 3, 0), (0.0, 0.0, 0.0))
    assert _prf(dev["content_loose"]) == ((3, 3, 1), (0.3333, 0.3333, 0.3333))
    assert _prf(dev["source_overlap"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert _prf(dev["source_exact"]) == ((2, 3, 1), (0.5, 0.3333, 0.4))
    assert _prf(dev["cue_exact"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert dev["content_recall_by_kind"] == {
        "direct": {"matched": 1, "gold": 1, "recall": 1.0},
        "mixed": {"matched": 0, "gold": 0, "recall": None},
        "indirect": {"matched": 1, "gold": 2, "recall": 0.5},
    }
    # bridge-vote: 2 predicted contents, 3 gold; the mixed one overlapped, the direct exact.
    assert _prf(held["content_overlap"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert _prf(held["content_exact"]) == ((2, 3, 1), (0.5, 0.3333, 0.4))
    assert _prf(held["content_loose"]) == ((2, 3, 1), (0.5, 0.3333, 0.4))
    assert _prf(held["source_exact"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert _prf(held["cue_overlap"]) == ((2, 3, 2), (1.0, 0.6667, 0.8))
    assert {k: v["recall"] for k, v in held["content_recall_by_kind"].items()} == {
        "direct": 1.0,
        "mixed": 1.0,
        "indirect": 0.0,
    }
    assert data["articles"] == 2
    assert data["articles_per_second"] > 0
    assert data["problems"] == [
        {"file": "harbour-ferry.ann", "line": 6, "message": data["problems"][0]["message"]}
    ]
    assert "harbour-ferry.ann:6: not a BRAT line" in err


def test_evaluate_brat_one_split_and_all(fixed_extractor):
    data = json.loads(
        run("evaluate_extraction", "--brat", str(FLAT), "--split", "heldout", "--format", "json")[0]
    )
    assert [s["name"] for s in data["sets"]] == ["heldout"]
    assert data["articles"] == 1
    assert data["problems"] == []  # harbour-ferry was not read
    data = json.loads(
        run("evaluate_extraction", "--brat", str(FLAT), "--split", "all", "--format", "json")[0]
    )
    (everything,) = data["sets"]
    assert everything["name"] == "all"
    assert _prf(everything["total"]["content_overlap"]) == ((5, 6, 4), (0.8, 0.6667, 0.7273))


def test_evaluate_brat_table_and_markdown(fixed_extractor):
    out, err = run("evaluate_extraction", "--brat", str(FLAT))
    assert "[development] 1 article, 1 problem read" in out
    assert "[heldout] 1 article, 0 problems read" in out
    assert "content recall by kind (overlap): direct 1.00 (1/1), mixed - (0/0)" in out
    assert "articles per second" in out
    assert "warning: " in err
    out, _ = run("evaluate_extraction", "--brat", str(FLAT), "--format", "markdown", verbosity=0)
    assert "| content | overlap | 3 | 3 | 2 | 0.67 | 0.67 | 0.67 |" in out


def test_evaluate_brat_with_the_extractor():
    data = json.loads(run("evaluate_extraction", "--brat", str(FLAT), "--format", "json")[0])
    dev, held = (s["total"] for s in data["sets"])
    assert dev["content_overlap"]["gold"] == 3
    assert held["content_overlap"]["gold"] == 3
    assert held["content_recall_by_kind"]["mixed"]["gold"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--brat", "/no/such/folder"], "no such folder"),
        (["--brat", str(FIXTURE)], "no BRAT pairs"),
        (["--brat", str(FLAT), "--split", "test"], "invalid choice"),
        (["--split", "heldout"], "--split applies to --brat only"),
        (["--brat", str(FLAT), "seeds"], "--brat takes no PATH"),
    ],
)
def test_evaluate_brat_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run("evaluate_extraction", *args)


def test_evaluate_brat_error_exits_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "evaluate_extraction", "--brat", str(tmp_path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "no BRAT pairs" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.corpus
def test_evaluate_brat_on_the_real_corpus_heldout():
    if not CORPUS.is_dir():
        message = f"the PolNeAR training corpus is not at {CORPUS}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the corpus test, but {message}.", pytrace=False)
        pytest.skip(message)
    data = json.loads(
        run("evaluate_extraction", "--brat", str(CORPUS), "--split", "heldout", "--format", "json")[
            0
        ]
    )
    (heldout,) = data["sets"]
    total = heldout["total"]
    assert heldout["name"] == "heldout"
    assert 100 < total["articles"] < 250
    assert total["content_overlap"]["gold"] > 1000
    assert 0 < total["content_overlap"]["recall"] <= 1
    assert set(total["content_recall_by_kind"]) == {"direct", "mixed", "indirect"}
