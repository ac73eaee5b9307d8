"""Scoring the extractor against annotated articles: the matching and metric arithmetic, and
``manage.py evaluate_extraction`` (output on the seed, JSON, per-folder sets, bad input).

None of these tests may touch the database (pytest-django refuses it without a marker): the
command reads annotation files only. Snippets and small documents here are INVENTED.
"""

import itertools
import json
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from suggestions.extraction import Suggestion, score
from suggestions.extraction.evaluation import (
    archive_from,
    count_on_unattributed,
    score_article,
    total,
)
from suggestions.extraction.scoring import combine, matching

ROOT = Path(__file__).resolve().parents[2]
SEED_JSON = ROOT / "seeds" / "baghouz-2019-03-13.json"
CASES = Path(__file__).parent / "extraction_cases"


def suggestion(start, end, *, cue="said", kind="indirect", speaker=None, mention=""):
    return Suggestion(
        start=start,
        end=end,
        text="x" * (end - start),
        kind=kind,
        cue=cue,
        cue_start=0,
        cue_end=0,
        speaker_start=None,
        speaker_end=None,
        speaker_mention=mention,
        source_id=None,
        proposed_source=speaker,
        recipient="",
        said_when_text="",
        confidence=0.9,
    )


def gold(start, end, *, source="a", cue="said", kind="indirect"):
    return {"start": start, "end": end, "source": source, "cue": cue, "kind": kind}


def unattributed(start, end):
    return {"start": start, "end": end, "source": None, "cue": "", "kind": "unattributed"}


def by_proposed_key(suggestion):
    """Test speakers: a suggestion's proposed source key is the gold key it stands for."""
    return suggestion.proposed_source


def prf(metric):
    return (metric.precision, metric.recall, metric.f1)


# --- matching and metric arithmetic --------------------------------------------------------


def test_exact_and_overlapping_spans_are_scored_apart():
    scores = score([gold(0, 10)], [suggestion(2, 10, speaker="a")], speaker_of=by_proposed_key)
    assert prf(scores["span_exact"]) == (0.0, 0.0, 0.0)
    assert prf(scores["span_overlap"]) == (1.0, 1.0, 1.0)
    assert prf(scores["speaker"]) == (1.0, 1.0, 1.0)
    assert prf(scores["exact_speaker"]) == (0.0, 0.0, 0.0)


def test_spans_that_only_touch_do_not_overlap():
    scores = score([gold(0, 10)], [suggestion(10, 20, speaker="a")], speaker_of=by_proposed_key)
    assert scores["span_overlap"].matched_gold == 0


def test_wrong_speaker_counts_against_speaker_only():
    scores = score([gold(0, 10)], [suggestion(0, 10, speaker="b")], speaker_of=by_proposed_key)
    assert prf(scores["span_exact"]) == (1.0, 1.0, 1.0)
    assert prf(scores["speaker"]) == (0.0, 0.0, 0.0)
    assert prf(scores["cue"]) == (1.0, 1.0, 1.0)


def test_unresolved_speaker_is_wrong():
    scores = score([gold(0, 10)], [suggestion(0, 10, speaker=None)], speaker_of=by_proposed_key)
    assert scores["speaker"].matched_gold == 0


def test_missed_quote_lowers_recall_not_precision():
    scores = score([gold(0, 10), gold(20, 30)], [suggestion(0, 10, speaker="a")])
    assert prf(scores["span_exact"]) == pytest.approx((1.0, 0.5, 2 / 3))


def test_spurious_suggestion_lowers_precision_not_recall():
    scores = score([gold(0, 10)], [suggestion(0, 10), suggestion(40, 50)])
    assert prf(scores["span_overlap"]) == pytest.approx((0.5, 1.0, 2 / 3))


def test_cue_is_compared_without_case_and_kind_exactly():
    predicted = [suggestion(0, 10, cue="Said", kind="direct")]
    scores = score([gold(0, 10, cue="said", kind="indirect")], predicted)
    assert scores["cue"].matched_gold == 1
    assert scores["kind"].matched_gold == 0


def test_one_suggestion_over_two_gold_items_finds_one_of_them():
    # One-to-one: a suggestion cannot be credited for two attributions.
    scores = score([gold(0, 10), gold(12, 20)], [suggestion(0, 20)])
    assert (scores["span_overlap"].precision, scores["span_overlap"].recall) == (1.0, 0.5)


def test_two_suggestions_over_one_gold_item_count_one_as_spurious():
    scores = score([gold(0, 20)], [suggestion(0, 10), suggestion(12, 20)])
    assert (scores["span_overlap"].precision, scores["span_overlap"].recall) == (0.5, 1.0)


def test_matching_is_maximum_not_greedy():
    # The first suggestion overlaps both gold items; taking the first for it would leave the
    # second suggestion without a partner.
    items = [gold(0, 10), gold(8, 20)]
    predicted = [suggestion(5, 9), suggestion(0, 3)]
    assert score(items, predicted)["span_overlap"].matched_gold == 2


def _brute_force_matching_size(pairs):
    best = 0
    for r in range(len(pairs), 0, -1):
        for chosen in itertools.combinations(pairs, r):
            golds = [g for g, _ in chosen]
            preds = [p for _, p in chosen]
            if len(set(golds)) == r and len(set(preds)) == r:
                return r
    return best


@pytest.mark.parametrize("seed", range(40))
def test_matching_agrees_with_brute_force(seed):
    rng = random.Random(seed)
    pairs = [(g, p) for g in range(5) for p in range(5) if rng.random() < 0.35]
    result = matching(pairs)
    assert len(result) == _brute_force_matching_size(pairs)
    assert set(result.items()) <= {(p, g) for g, p in pairs}
    assert len(set(result.values())) == len(result)


def test_matching_follows_long_augmenting_paths():
    # g_i takes p_i first; the last gold item can only have p_0, so every pair before it
    # must move along by one: a path far deeper than Python's recursion limit.
    n = 3000
    pairs = [(g, g) for g in range(n)] + [(g, g + 1) for g in range(n)] + [(n, 0)]
    result = matching(pairs)
    assert len(result) == n + 1
    assert result[0] == n


def test_unattributed_gold_items_are_not_targets():
    scores = score([gold(0, 10), unattributed(20, 30)], [suggestion(0, 10)])
    assert scores["span_exact"].gold == 1
    assert prf(scores["span_exact"]) == (1.0, 1.0, 1.0)


def test_suggestion_on_an_unattributed_statement_is_a_false_positive_and_counted():
    items = [gold(0, 10), unattributed(20, 30)]
    predicted = [suggestion(0, 10), suggestion(22, 28), suggestion(5, 25), suggestion(40, 45)]
    assert score(items, predicted)["span_overlap"].precision == 0.25
    # (5, 25) also overlaps an attributed item, (40, 45) overlaps nothing: neither counts.
    assert count_on_unattributed(items, predicted) == 1


def test_nothing_to_find_and_nothing_found_is_perfect():
    assert prf(score([], [])["span_exact"]) == (1.0, 1.0, 1.0)
    assert prf(score([unattributed(0, 5)], [])["speaker"]) == (1.0, 1.0, 1.0)


def test_nothing_found_when_something_was_there_scores_zero():
    assert prf(score([gold(0, 10)], [])["span_overlap"]) == (0.0, 0.0, 0.0)


def test_something_found_when_nothing_was_there_scores_zero_precision():
    metric = score([], [suggestion(0, 10)])["span_overlap"]
    assert prf(metric) == (0.0, 1.0, 0.0)


def test_totals_add_counts_up_rather_than_averaging_scores():
    small = score([gold(0, 10)], [suggestion(0, 10)])["span_exact"]  # 1 of 1
    large = score([gold(0, 10), gold(20, 30), gold(40, 50)], [])["span_exact"]  # 0 of 3
    combined = combine([small, large])
    assert (combined.matched_gold, combined.gold, combined.predicted) == (1, 4, 1)
    assert combined.recall == 0.25  # a mean of the two recalls would be 0.5
    assert combined.precision == 1.0
    assert combine([]).f1 == 1.0


# --- one article ---------------------------------------------------------------------------

# INVENTED. The annotation below treats the residents' line as unattributed, so the
# suggestion the extractor makes there is a false positive; "blamed" is not a cue it knows.
BODY = (
    "Mayor Ivo Dren said the bridge would reopen on Friday. "
    "The river rose overnight, residents said. "
    "Dren blamed the council for the delay."
)
SOURCES = [
    {"key": "dren", "kind": "person", "name": "Ivo Dren", "aliases": ["Dren"], "role": "mayor"},
    {"key": "council", "kind": "organization", "name": "Verna Town Council", "aliases": []},
    {"key": "crowd", "kind": "group", "description": "residents", "aliases": []},
]


def span(text, **fields):
    start = BODY.index(text)
    return {"start": start, "end": start + len(text), "text": text, **fields}


ATTRIBUTIONS = [
    span("the bridge would reopen on Friday", kind="indirect", source="dren", cue="said"),
    span("The river rose overnight", kind="unattributed", source=None, cue=""),
    span("the council for the delay", kind="indirect", source="dren", cue="blamed"),
]
ARTICLE = {"key": "invented-bridge", "body": BODY, "sources": SOURCES, "attributions": ATTRIBUTIONS}


def test_score_article_counts_targets_suggestions_and_false_positives():
    # The rules alone, which miss "blamed": the tagger finds it (below).
    result = score_article(ARTICLE, method="rules")
    assert (result.gold, result.unattributed, result.predicted) == (2, 1, 2)
    assert result.on_unattributed == 1
    assert prf(result.metrics["speaker"]) == (0.5, 0.5, 0.5)
    assert result.errors[0].startswith("on an unattributed statement")
    assert result.errors[1].startswith("missed")
    assert "the council for the delay" in result.errors[1]


def test_score_article_with_archive_links_to_known_sources():
    result = score_article(ARTICLE, with_archive=True, method="rules")
    assert result.metrics["speaker"].matched_gold == 1


def test_score_article_combined_finds_what_the_rules_miss():
    result = score_article(ARTICLE, with_archive=True)
    assert (result.gold, result.predicted) == (2, 3)
    assert result.metrics["speaker"].matched_gold == 2
    assert not any(error.startswith("missed") for error in result.errors)


def test_archive_holds_named_sources_only_with_aliases_and_affiliation():
    sources = [
        {"key": "org", "kind": "organization", "name": "Verna Water Board"},
        {"key": "anon", "kind": "anonymous", "description": "an engineer", "affiliation": "org"},
        {"key": "pal", "kind": "person", "name": "Pal Hovde", "aliases": ["Hovde"]},
    ]
    sources[2]["affiliation"] = "org"
    known, ids = archive_from(sources)
    assert ids == {"org": 1, "pal": 3}
    assert [(k.id, k.name, k.aliases, k.affiliation_id) for k in known] == [
        (1, "Verna Water Board", (), None),
        (3, "Pal Hovde", ("Hovde",), 1),
    ]


def test_wrong_speaker_from_the_archive_is_reported():
    # The known "Dren" is a different person from the one the annotation credits.
    article = {
        **ARTICLE,
        "sources": [
            {"key": "dren", "kind": "person", "name": "Ivo Dren", "aliases": []},
            {"key": "other", "kind": "person", "name": "Mayor Ivo Dren", "aliases": []},
        ],
    }
    result = score_article(article, with_archive=True, method="rules")
    assert result.metrics["speaker"].matched_gold == 0
    assert result.metrics["span_exact"].matched_gold == 1
    assert any("speaker other" in error and "not dren" in error for error in result.errors)


def test_total_of_article_scores():
    first = score_article(ARTICLE, method="rules")
    combined = total([first, first])
    assert (combined.articles, combined.gold, combined.on_unattributed) == (2, 4, 2)
    assert combined.metrics["speaker"].recall == 0.5


# --- the command ---------------------------------------------------------------------------


def run(*args, **options):
    out = StringIO()
    call_command("evaluate_extraction", *map(str, args), stdout=out, **options)
    return out.getvalue()


def run_json(*args, **options):
    return json.loads(run(*args, format="json", **options))


def write_document(folder, name="article.json", *, attributions=None, **changes):
    document = {
        "format": "claim-tracker-annotation/1",
        "description": "INVENTED test article.",
        "outlets": [{"key": "gazette", "name": "Verna Gazette", "kind": "newspaper"}],
        "articles": [
            {
                "key": "invented-bridge",
                "outlet": "gazette",
                "headline": "Bridge to reopen",
                "body": BODY,
                "sources": SOURCES,
                "attributions": ATTRIBUTIONS if attributions is None else attributions,
            }
        ],
        **changes,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_archive", [False, True])
def test_seed_every_attribution_found_with_the_right_speaker(with_archive):
    seed = json.loads(SEED_JSON.read_text(encoding="utf-8"))["articles"][0]
    targets = [a for a in seed["attributions"] if a["kind"] != "unattributed"]
    result = run_json(SEED_JSON, with_archive=with_archive)
    [article] = result["sets"][0]["articles"]
    speaker = article["metrics"]["speaker"]
    assert speaker["recall"] == 1.0
    assert speaker["matched"] == speaker["gold"] == len(targets) > 0
    assert article["metrics"]["exact_speaker"]["recall"] == 1.0
    assert article["errors"] == []


def test_table_on_the_seed_shows_the_article_and_its_set_total():
    out = run(SEED_JSON)
    assert "archive: empty" in out
    assert "[seeds]" in out
    row = next(line for line in out.splitlines() if "baghouz-2019-03-13" in line)
    assert row.split()[1:5] == ["15", "9", "15", "0"]
    assert row.count("1.00") == 18
    assert "total (1 article)" in out


def test_default_run_reports_seed_dev_and_heldout_sets_apart():
    result = run_json()
    names = [s["name"] for s in result["sets"]]
    assert names == [
        "seeds",
        "tests/suggestions/extraction_cases",
        "tests/suggestions/extraction_cases/heldout",
    ]
    counts = [s["total"]["articles"] for s in result["sets"]]
    assert counts == [1, len(list(CASES.glob("*.json"))), len(list(CASES.glob("heldout/*.json")))]
    assert result["total"]["articles"] == sum(counts)
    assert result["total"]["gold"] == sum(s["total"]["gold"] for s in result["sets"])


def test_json_output_holds_every_metric_with_its_counts(tmp_path):
    # The rules alone: the fixture's "blamed" is a miss to report (the tagger finds it).
    result = run_json(write_document(tmp_path), method="rules")
    assert result["archive"] == "empty"
    [article] = result["sets"][0]["articles"]
    assert article["label"] == "invented-bridge"
    assert set(article["metrics"]) == {
        "span_exact",
        "span_overlap",
        "speaker",
        "exact_speaker",
        "cue",
        "kind",
    }
    assert article["metrics"]["span_exact"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "predicted": 2,
        "gold": 2,
        "matched": 1,
    }
    assert article["on_unattributed"] == 1
    assert len(article["errors"]) == 2
    assert result["total"]["metrics"] == article["metrics"]


def test_with_archive_is_said_in_the_output(tmp_path):
    assert run_json(write_document(tmp_path), with_archive=True)["archive"] != "empty"


def test_files_are_grouped_by_folder_and_given_once(tmp_path):
    one = write_document(tmp_path / "one")
    write_document(tmp_path / "one", "second.json")
    two = write_document(tmp_path / "two")
    result = run_json(tmp_path / "one", two, one)
    assert [len(s["articles"]) for s in result["sets"]] == [2, 1]
    assert result["sets"][0]["name"].endswith("one")


def test_verbose_table_lists_what_went_wrong(tmp_path):
    out = run(write_document(tmp_path), verbosity=2, method="rules")
    assert "missed" in out
    assert "on an unattributed statement" in out


def test_markdown_output_is_a_table_per_set(tmp_path):
    out = run(write_document(tmp_path), format="markdown", method="rules")
    lines = out.splitlines()
    assert lines[2].startswith("| article | gold | unattr. | pred | on unattr. | span exact")
    assert lines[3].startswith("| --- | ---: |")
    assert "| invented-bridge | 2 | 1 | 2 | 1 | 0.50 / 0.50 / 0.50 |" in out


# --- bad input -----------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.json: no such file or folder"):
        run(tmp_path / "nope.json")


def test_folder_without_annotations(tmp_path):
    with pytest.raises(CommandError, match=r"no annotation files \(\*\.json\)"):
        run(tmp_path)


def test_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"(?s)broken\.json is not a valid annotation.*not valid JSON"
    ):
        run(path)


def test_wrong_format_version(tmp_path):
    path = write_document(tmp_path, format="claim-tracker-annotation/2")
    with pytest.raises(CommandError, match=r"format: expected 'claim-tracker-annotation/1'"):
        run(path)


def test_span_that_does_not_match_the_text(tmp_path):
    wrong = [{**ATTRIBUTIONS[0], "start": ATTRIBUTIONS[0]["start"] + 1}]
    wrong[0]["end"] += 1
    path = write_document(tmp_path, attributions=wrong)
    with pytest.raises(CommandError, match=r"attributions\[0\]: text does not match body"):
        run(path)


def test_unknown_output_format(tmp_path):
    with pytest.raises(CommandError, match="format"):
        run(write_document(tmp_path), "--format=xml")


def test_bad_input_from_the_shell_is_a_message_and_exit_status_not_a_traceback(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("not json", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "evaluate_extraction", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is not a valid annotation file" in done.stderr
