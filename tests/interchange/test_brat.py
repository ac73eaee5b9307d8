"""The BRAT standoff reader and writer (``interchange.brat``) and the span scorer
(``interchange.brat_scoring``). Every text here is invented."""

from dataclasses import replace
from pathlib import Path

import pytest

from interchange.brat import (
    BratAttributionOut,
    BratProblem,
    brat_pairs,
    content_kind,
    parse_brat,
    read_brat_folder,
    read_brat_pair,
    write_brat,
)
from interchange.brat_scoring import (
    BratScore,
    in_split,
    score_brat,
    score_brat_article,
    split_of,
)
from suggestions.extraction.types import Suggestion

FIXTURE = Path(__file__).parent / "brat_fixture"


def at(text: str, sub: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def tline(ident: str, label: str, text: str, sub: str, occurrence: int = 1) -> str:
    start, end = at(text, sub, occurrence)
    return f"{ident}\t{label} {start} {end}\t{sub}"


# Reading


TEXT = "Mayor Ada Lind said: “The dam is safe.” She added that repairs would start soon."


def test_continuous_spans_and_an_event():
    ann = "\n".join(
        [
            tline("T1", "Source", TEXT, "Mayor Ada Lind"),
            tline("T2", "Cue", TEXT, "said"),
            tline("T3", "Content", TEXT, "“The dam is safe.”"),
            tline("T4", "Attribution", TEXT, "said"),
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        ]
    )
    document = parse_brat(TEXT, ann, name="dam")
    assert document.problems == []
    (attribution,) = document.attributions
    assert attribution.id == "E1"
    assert attribution.source.text == "Mayor Ada Lind"
    assert attribution.source.fragments == ((0, 14),)
    assert attribution.cue.text == "said"
    assert attribution.content.text == "“The dam is safe.”"
    assert (attribution.content.start, attribution.content.end) == at(TEXT, "“The dam is safe.”")
    assert attribution.kind == "direct"


def test_discontinuous_span_in_text_order():
    text = "“We will”, Mayor Lind said, “open the dam in June.”"
    first, second = at(text, "“We will”"), at(text, "“open the dam in June.”")
    # BRAT writes the fragments in the order listed; the span keeps them in text order.
    ann = (
        f"T1\tContent {second[0]} {second[1]};{first[0]} {first[1]}\t"
        "“open the dam in June.” “We will”\n"
        "E1\tContent:T1\n"
    )
    document = parse_brat(text, ann)
    assert document.problems == []
    content = document.attributions[0].content
    assert content.fragments == (first, second)
    assert content.text == "“We will” “open the dam in June.”"
    assert (content.start, content.end) == (first[0], second[1])


def test_span_text_over_a_line_break_and_a_blank_line():
    text = "Ms. Varn said: “The first part.\n\n“And the second part,\nall of it.” End."
    quote = "“The first part.\n\n“And the second part,\nall of it.”"
    start, end = at(text, quote)
    ann = (
        f"T1\tContent {start} {end}\t“The first part.\n"
        "\n"
        "“And the second part,\n"
        "all of it.”\n"
        f"{tline('T2', 'Source', text, 'Ms. Varn')}\n"
        "E1\tSource:T2 Content:T1\n"
    )
    document = parse_brat(text, ann)
    assert document.problems == []
    (attribution,) = document.attributions
    assert attribution.content.text == quote
    assert attribution.source.text == "Ms. Varn"
    assert attribution.kind == "direct"  # reopened at the paragraph, closed once


def test_events_with_missing_roles():
    ann = "\n".join(
        [
            tline("T1", "Cue", TEXT, "added"),
            tline("T2", "Content", TEXT, "that repairs would start soon"),
            tline("T3", "Attribution-no-source", TEXT, "added"),
            "E1\tAttribution-no-source:T3 Cue:T1 Content:T2",
            tline("T4", "Source", TEXT, "She"),
            "E2\tSource:T4 ",
        ]
    )
    document = parse_brat(TEXT, ann)
    assert document.problems == []
    first, second = document.attributions
    assert first.source is None
    assert first.cue.text == "added"
    assert first.content.text == "that repairs would start soon"
    assert first.kind == "indirect"
    assert second.source.text == "She"
    assert second.cue is None
    assert second.content is None
    assert second.kind == "indirect"


def test_second_content_part():
    ann = "\n".join(
        [
            tline("T1", "Content", TEXT, "“The dam is safe.”"),
            tline("T2", "Content", TEXT, "repairs would start soon"),
            "E1\tContent:T1 Content2:T2",
        ]
    )
    (attribution,) = parse_brat(TEXT, ann).attributions
    assert attribution.content.id == "T1"
    assert [part.id for part in attribution.content_parts] == ["T2"]


def test_malformed_lines_are_problems_with_their_line_numbers():
    start, end = at(TEXT, "Mayor Ada Lind")
    ann = "\n".join(
        [
            "# a comment",  # 1: skipped, no problem
            "a stray line of text",  # 2
            f"T1\tSource {start} {end}\tMayor Ada Lind",  # 3: fine
            f"T2\tCue 70 {len(TEXT) + 5}\tsoon.",  # 4: outside the text
            f"T3\tCue {start} {end}\tGovernor Bel",  # 5: disagrees with the article
            "T4\tContent twelve 14\tx",  # 6: offsets are not numbers
            "E1\tSource:T1 Content:T9",  # 7: names a missing span
            "E2\tSource:T1 Cue:T3",  # 8: T3 was refused
            "E3\tSourceT1",  # 9: not ROLE:ID
            "E4\tAttribution:T1",  # 10: no role (only a trigger)
            "R1\tRelated Arg1:T1 Arg2:T1",  # 11: relations are not read
            "#2\tAnnotatorNotes T1\ta note",  # 12: comment
            "E5\tSource:T1",  # 13: fine
            "",
        ]
    )
    document = parse_brat(TEXT, ann, name="broken")
    assert all(isinstance(p, BratProblem) for p in document.problems)
    assert [p.line for p in document.problems] == [2, 4, 5, 6, 7, 8, 9, 10]
    messages = {p.line: p.message for p in document.problems}
    assert "not a BRAT line" in messages[2]
    assert "outside the text" in messages[4]
    assert "Governor Bel" in messages[5]
    assert "T9" in messages[7]
    assert str(document.problems[0]).startswith("line 2: ")
    assert [a.id for a in document.attributions] == ["E5"]


def test_never_raises_on_junk():
    junk = "T1\t\nT2\tSource\nT3\tSource 1\t\nE1\t:\n\t\tT\n\x00\nT5\tSource 3 1\tx\nE\n"
    document = parse_brat("short", junk)
    assert document.attributions == []
    assert document.problems
    assert all(p.line >= 1 for p in document.problems)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("“The dam is safe.”", "direct"),
        ('"The dam is safe,"', "direct"),
        ("‘We will win,’", "direct"),
        ("the dam was “safe for now” and repairs would start", "mixed"),
        ("“Safe,” she said, “for now.”", "mixed"),
        ("the dam is safe", "indirect"),
        ("they don't expect any flooding", "indirect"),
        ("Trump's plan would not pass", "indirect"),
        ("Trump’s plan would not pass", "indirect"),
        ("the voters' choice", "indirect"),
        ("it was 'a mistake' to wait", "mixed"),
        ("", "indirect"),
    ],
)
def test_content_kind(content, kind):
    assert content_kind(content) == kind


# Writing


def test_write_then_parse_round_trip():
    text = TEXT
    items = [
        BratAttributionOut(
            source=(*at(text, "Mayor Ada Lind"), "Mayor Ada Lind"),
            cue=(*at(text, "said"), "said"),
            content=(*at(text, "“The dam is safe.”"), "“The dam is safe.”"),
        ),
        BratAttributionOut(
            source=None,
            cue=(*at(text, "added"), "added"),
            content=(*at(text, "that repairs would start soon"), "that repairs would start soon"),
        ),
        BratAttributionOut(source=None, cue=None, content=None),  # nothing: not written
    ]
    ann = write_brat(items)
    assert ann.endswith("\n")
    document = parse_brat(text, ann)
    assert document.problems == []
    assert len(document.attributions) == 2
    for item, read in zip(items, document.attributions, strict=False):
        for role in ("source", "cue", "content"):
            written, span = getattr(item, role), getattr(read, role)
            if written is None:
                assert span is None
            else:
                assert (span.start, span.end, span.text) == written
    assert "Attribution-no-source" in ann.splitlines()[-2]
    assert write_brat([]) == ""


def test_write_a_span_over_lines_reads_back():
    text = "He said: “One.\n\n“Two.”"
    quote = "“One.\n\n“Two.”"
    ann = write_brat([BratAttributionOut(None, None, (*at(text, quote), quote))])
    document = parse_brat(text, ann)
    assert document.problems == []
    assert document.attributions[0].content.text == quote


# Folders


def test_pairs_side_by_side(tmp_path):
    (tmp_path / "b.txt").write_text("B", encoding="utf-8")
    (tmp_path / "b.ann").write_text("", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    (tmp_path / "lonely.txt").write_text("no annotation", encoding="utf-8")
    (tmp_path / "orphan.ann").write_text("", encoding="utf-8")
    assert brat_pairs(tmp_path) == [
        (tmp_path / "a.txt", tmp_path / "a.ann"),
        (tmp_path / "b.txt", tmp_path / "b.ann"),
    ]


def test_pairs_text_and_attributions_first_annotator(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = "Ms. Varn said no."
    (tmp_path / "text" / "paper_2031-01-02_dam-vote.txt").write_text(text, encoding="utf-8")
    (tmp_path / "text" / "paper_2031-01-03_other.txt").write_text(text, encoding="utf-8")
    (tmp_path / "text" / "unannotated.txt").write_text(text, encoding="utf-8")
    second = tline("T1", "Source", text, "Ms. Varn") + "\nE1\tSource:T1\n"
    (tmp_path / "attributions" / "paper_2031-01-02_dam-vote_zz99.ann").write_text(
        second, encoding="utf-8"
    )
    (tmp_path / "attributions" / "paper_2031-01-02_dam-vote_ab12.ann").write_text(
        "", encoding="utf-8"
    )
    (tmp_path / "attributions" / "paper_2031-01-03_other.ann").write_text(second, encoding="utf-8")
    pairs = brat_pairs(tmp_path)
    assert [(t.name, a.name) for t, a in pairs] == [
        ("paper_2031-01-02_dam-vote.txt", "paper_2031-01-02_dam-vote_ab12.ann"),
        ("paper_2031-01-03_other.txt", "paper_2031-01-03_other.ann"),
    ]
    first = read_brat_pair(*pairs[0])
    assert (first.name, first.annotator) == ("paper_2031-01-02_dam-vote", "ab12")
    assert read_brat_pair(*pairs[1]).annotator == ""
    assert [d.name for d in read_brat_folder(tmp_path)] == [
        "paper_2031-01-02_dam-vote",
        "paper_2031-01-03_other",
    ]


def test_byte_order_mark_is_ignored(tmp_path):
    text = "Ms. Varn said no."
    (tmp_path / "x.txt").write_text("\ufeff" + text, encoding="utf-8")
    (tmp_path / "x.ann").write_text(
        "\ufeff" + tline("T1", "Source", text, "Ms. Varn") + "\nE1\tSource:T1\n", encoding="utf-8"
    )
    (document,) = read_brat_folder(tmp_path)
    assert document.text == text
    assert document.problems == []


def test_the_fixture_folder():
    documents = list(read_brat_folder(FIXTURE / "flat"))
    assert [d.name for d in documents] == ["bridge-vote", "harbour-ferry"]
    assert [len(d.attributions) for d in documents] == [3, 3]
    assert documents[0].problems == []
    assert [(p.line, p.message[:16]) for p in documents[1].problems] == [(6, "not a BRAT line ")]
    assert [a.kind for a in documents[0].attributions] == ["mixed", "direct", "indirect"]


# Scoring


def suggestion(text, content, *, speaker=None, cue=None, occurrence=1) -> Suggestion:
    start, end = at(text, content, occurrence)
    speaker_start, speaker_end = at(text, speaker) if speaker else (None, None)
    cue_start, cue_end = at(text, cue) if cue else (0, 0)
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


SCORED = (
    "Mayor Ada Lind said: “The dam is safe.” She added that repairs would start soon. "
    "Officials declined to comment."
)


def scored_document():
    ann = "\n".join(
        [
            tline("T1", "Source", SCORED, "Mayor Ada Lind"),
            tline("T2", "Cue", SCORED, "said"),
            tline("T3", "Content", SCORED, "“The dam is safe.”"),
            tline("T4", "Cue", SCORED, "added"),
            tline("T5", "Content", SCORED, "that repairs would start soon"),
            "E1\tSource:T1 Cue:T2 Content:T3",
            "E2\tSource:T1 Cue:T4 Content:T5",  # the same speaker span: one gold source
        ]
    )
    return parse_brat(SCORED, ann, name="dam")


def scored_suggestions():
    return [
        # overlap, loose (quotation marks and final stop trimmed), not exact
        suggestion(SCORED, "The dam is safe.", speaker="Mayor Ada Lind", cue="said"),
        # overlap, loose (a leading "that" trimmed), not exact; the speaker overlaps
        suggestion(SCORED, "repairs would start soon", speaker="Ada Lind", cue="added"),
        # overlaps nothing
        suggestion(SCORED, "Officials declined to comment"),
        # overlaps the first quote too, which is already taken: one to one
        suggestion(SCORED, "“The dam", speaker="Mayor Ada Lind", cue="said"),
    ]


def test_score_an_article_by_hand():
    score = score_brat_article(scored_document(), scored_suggestions())
    assert score.articles == 1
    assert score.problems == 0
    content = score.counts_for("content", "overlap")
    assert (content.predicted, content.gold) == (4, 2)
    assert (content.matched_predicted, content.matched_gold) == (2, 2)
    assert content.precision == 0.5
    assert content.recall == 1.0
    assert content.f1 == pytest.approx(2 / 3)
    assert score.counts_for("content", "exact").matched_gold == 0
    assert score.counts_for("content", "loose").matched_gold == 2
    # Speakers: two different predicted spans, one gold span shared by both attributions.
    source = score.counts_for("source", "overlap")
    assert (source.predicted, source.gold, source.matched_gold) == (2, 1, 1)
    assert (source.precision, source.recall) == (0.5, 1.0)
    exact_source = score.counts_for("source", "exact")
    assert (exact_source.matched_predicted, exact_source.matched_gold) == (1, 1)
    # Cues: the fourth suggestion repeats the first one's cue, counted once.
    cue = score.counts_for("cue", "exact")
    assert (cue.predicted, cue.gold, cue.matched_gold) == (2, 2, 2)
    assert score.recall_by_kind == {"direct": [1, 1], "mixed": [0, 0], "indirect": [1, 1]}
    data = score.as_dict()
    assert data["content_overlap"] == {
        "predicted": 4,
        "gold": 2,
        "matched": 2,
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
    }
    assert data["content_recall_by_kind"]["mixed"] == {"matched": 0, "gold": 0, "recall": None}


def test_matching_is_the_largest_one_to_one():
    text = "aaaa bbbb cccc dddd"
    ann = "\n".join(
        [
            tline("T1", "Content", text, "aaaa bbbb"),
            tline("T2", "Content", text, "cccc dddd"),
            "E1\tContent:T1",
            "E2\tContent:T2",
        ]
    )
    document = parse_brat(text, ann)
    # The first overlaps both gold spans (the first more); the second only the first.
    predicted = [suggestion(text, "aaaa bbbb cc"), suggestion(text, "bbbb")]
    counts = score_brat_article(document, predicted).counts_for("content", "overlap")
    assert (counts.matched_predicted, counts.matched_gold) == (2, 2)


SPLIT = "“The river is rising,” Ortiz said. “We need sandbags.” Lind agreed."


def split_document():
    """One attribution whose content is the two parts of a quote split by its cue."""
    first, second = at(SPLIT, "“The river is rising,”"), at(SPLIT, "“We need sandbags.”")
    ann = "\n".join(
        [
            tline("T1", "Source", SPLIT, "Ortiz"),
            tline("T2", "Cue", SPLIT, "said"),
            f"T3\tContent {first[0]} {first[1]};{second[0]} {second[1]}\t"
            f"{SPLIT[slice(*first)]} {SPLIT[slice(*second)]}",
            "E1\tSource:T1 Cue:T2 Content:T3",
        ]
    )
    document = parse_brat(SPLIT, ann, name="river")
    assert document.problems == []
    return document


def split_suggestions(*, linked: bool) -> list[Suggestion]:
    first = suggestion(SPLIT, "“The river is rising,”", speaker="Ortiz", cue="said")
    second = suggestion(SPLIT, "“We need sandbags.”", speaker="Ortiz", cue="said")
    return [first, replace(second, continues=0 if linked else None)]


def test_a_first_part_and_its_continuation_are_one_content():
    score = score_brat_article(split_document(), split_suggestions(linked=True))
    for test in ("overlap", "exact", "loose"):
        content = score.counts_for("content", test)
        assert (content.predicted, content.gold, content.matched_gold) == (1, 1, 1), test
    assert sum(matched for matched, _gold in score.recall_by_kind.values()) == 1
    # The cue and the speaker are shared: one predicted span each.
    assert score.counts_for("cue", "exact").predicted == 1


def test_unlinked_parts_are_two_contents_one_of_them_unmatched():
    content = score_brat_article(split_document(), split_suggestions(linked=False)).counts_for(
        "content", "overlap"
    )
    assert (content.predicted, content.matched_predicted, content.matched_gold) == (2, 1, 1)
    assert content.precision == 0.5


def test_discontinuous_overlap_counts_the_fragments_not_the_gap():
    # Within the gold content's outer bounds, but on the cue between its fragments only.
    between = suggestion(SPLIT, "Ortiz said.")
    content = score_brat_article(split_document(), [between]).counts_for("content", "overlap")
    assert content.matched_gold == 0
    # Bounds differ from the gold content's: overlapping, not exact.
    first_only = split_suggestions(linked=False)[:1]
    score = score_brat_article(split_document(), first_only)
    assert score.counts_for("content", "overlap").matched_gold == 1
    assert score.counts_for("content", "exact").matched_gold == 0


def test_nothing_predicted_and_nothing_to_find():
    empty = parse_brat("No speech here.", "")
    score = score_brat_article(empty, [])
    counts = score.counts_for("content", "overlap")
    assert (counts.precision, counts.recall) == (1.0, 1.0)
    missed = score_brat_article(scored_document(), [])
    assert missed.counts_for("content", "overlap").precision == 0.0
    assert missed.counts_for("content", "overlap").recall == 0.0


def test_totals_add_counts():
    total = score_brat(
        [(scored_document(), scored_suggestions()), (scored_document(), scored_suggestions())]
    )
    assert isinstance(total, BratScore)
    assert total.articles == 2
    content = total.counts_for("content", "overlap")
    assert (content.predicted, content.gold, content.matched_gold) == (8, 4, 4)
    assert total.recall_by_kind["direct"] == [2, 2]


def test_split_is_fixed():
    assert split_of("bridge-vote") == "heldout"
    assert split_of("harbour-ferry") == "development"
    names = [f"article-{n}" for n in range(500)]
    first = [split_of(name) for name in names]
    assert first == [split_of(name) for name in reversed(names)][::-1]
    assert 60 < first.count("heldout") < 140  # about a fifth
    assert in_split("bridge-vote", "heldout")
    assert not in_split("bridge-vote", "development")
    assert in_split("bridge-vote", "all")
    with pytest.raises(ValueError, match="split must be one of"):
        in_split("bridge-vote", "test")


def test_kind_recalls_reads_as_percentages():
    from interchange.brat_scoring import BratScore

    score = BratScore(recall_by_kind={"direct": [2, 3], "mixed": [0, 0], "indirect": [1, 8]})
    assert score.kind_recalls() == "67% / - / 12%"
    assert score.kind_recalls(decimals=1) == "66.7% / - / 12.5%"
