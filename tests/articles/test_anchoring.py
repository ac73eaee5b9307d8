"""Tests for re-anchoring spans after an article body is edited (no database needed)."""

import random

import pytest

from articles.anchoring import Anchor, AnchorStatus, Span, find_occurrences, reanchor

# The typographic apostrophe, spelled out because it looks like an ASCII quote.
APOSTROPHE = "\u2019"
QUOTE = "the committee will publish its full findings on the collapse of the bridge next spring"
BODY = (
    "The minister spoke to reporters on Tuesday. "
    f"She said “{QUOTE}.” Critics were unconvinced, and the opposition called for an "
    "independent inquiry before the end of the year."
)


def span_of(body: str, text: str, occurrence: int = 0) -> Span:
    """The span of the given (0-based) occurrence of text in body."""
    start = find_occurrences(body, text)[occurrence]
    return Span(start, start + len(text), text)


def assert_consistent(new_body: str, anchors: list[Anchor]) -> None:
    for anchor in anchors:
        if anchor.status == AnchorStatus.ORPHANED:
            assert anchor.start is None
            assert anchor.end is None
            assert anchor.score == 0.0
        else:
            assert anchor.start is not None
            assert new_body[anchor.start : anchor.end] == anchor.text


# find_occurrences


def test_find_occurrences_lists_every_start_in_order():
    assert find_occurrences("a cat, a hat, a bat", "a ") == [0, 7, 14]


def test_find_occurrences_includes_overlapping_occurrences():
    assert find_occurrences("aaaa", "aa") == [0, 1, 2]


def test_find_occurrences_of_missing_text_is_empty():
    assert find_occurrences("abc", "x") == []


def test_find_occurrences_of_empty_text_is_empty():
    assert find_occurrences("abc", "") == []


# Unchanged bodies and simple shifts


def test_no_spans_gives_no_anchors():
    assert reanchor(BODY, BODY + " More.", []) == []


def test_unchanged_body_keeps_every_span_anchored():
    spans = [span_of(BODY, QUOTE), span_of(BODY, "Critics"), span_of(BODY, "inquiry")]

    anchors = reanchor(BODY, BODY, spans)

    assert anchors == [
        Anchor(span.start, span.end, span.text, AnchorStatus.ANCHORED, 100.0) for span in spans
    ]


def test_insertion_before_span_shifts_it():
    inserted = "In a long statement, "
    new_body = inserted + BODY
    span = span_of(BODY, QUOTE)

    (anchor,) = reanchor(BODY, new_body, [span])

    assert anchor.status == AnchorStatus.MOVED
    assert anchor.start == span.start + len(inserted)
    assert anchor.end == span.end + len(inserted)
    assert anchor.text == QUOTE
    assert anchor.score == 100.0


def test_insertion_after_span_leaves_it_anchored():
    new_body = BODY.replace("Critics were", "Critics, including two former ministers, were")
    span = span_of(BODY, QUOTE)

    (anchor,) = reanchor(BODY, new_body, [span])

    assert anchor == Anchor(span.start, span.end, QUOTE, AnchorStatus.ANCHORED, 100.0)


def test_anchors_come_back_in_span_order():
    spans = [span_of(BODY, "inquiry"), span_of(BODY, "Critics"), span_of(BODY, QUOTE)]
    new_body = "Update: " + BODY

    anchors = reanchor(BODY, new_body, spans)

    assert [anchor.text for anchor in anchors] == [span.text for span in spans]
    assert_consistent(new_body, anchors)


# Edits inside and around a span


def test_one_word_inserted_into_long_quote_gives_fuzzy_match_on_the_new_wording():
    new_quote = QUOTE.replace("full findings", "full final findings")
    new_body = BODY.replace(QUOTE, new_quote)
    span = span_of(BODY, QUOTE)

    (anchor,) = reanchor(BODY, new_body, [span])

    assert anchor.status == AnchorStatus.FUZZY
    assert (anchor.start, anchor.end) == (span.start, span.start + len(new_quote))
    assert anchor.text == new_quote
    assert 90.0 <= anchor.score < 100.0


def test_fuzzy_match_neither_starts_nor_ends_inside_a_word():
    new_body = BODY.replace("publish its", "publish all of its").replace("next", "early next")
    span = span_of(BODY, QUOTE)

    (anchor,) = reanchor(BODY, new_body, [span], fuzzy_threshold=80.0)

    assert anchor.status == AnchorStatus.FUZZY
    assert anchor.text.startswith("the committee")
    assert anchor.text.endswith("next spring")
    assert new_body[anchor.start - 1] == "“"
    assert new_body[anchor.end] == "."


def test_fuzzy_match_below_threshold_is_orphaned():
    new_body = BODY.replace("full findings", "full final findings")

    (anchor,) = reanchor(BODY, new_body, [span_of(BODY, QUOTE)], fuzzy_threshold=99.5)

    assert anchor == Anchor(None, None, QUOTE, AnchorStatus.ORPHANED, 0.0)


def test_quote_replaced_wholesale_is_orphaned():
    new_body = BODY.replace(QUOTE, "nothing would be made public until the hearings had ended")

    (anchor,) = reanchor(BODY, new_body, [span_of(BODY, QUOTE)])

    assert anchor == Anchor(None, None, QUOTE, AnchorStatus.ORPHANED, 0.0)


def test_deleting_the_span_text_orphans_it_and_keeps_its_text():
    new_body = BODY.replace(f"She said “{QUOTE}.” ", "")
    spans = [span_of(BODY, QUOTE), span_of(BODY, "Critics")]

    quote_anchor, critics_anchor = reanchor(BODY, new_body, spans)

    assert quote_anchor == Anchor(None, None, QUOTE, AnchorStatus.ORPHANED, 0.0)
    assert critics_anchor.status == AnchorStatus.MOVED
    assert new_body[critics_anchor.start : critics_anchor.end] == "Critics"


def test_whitespace_changes_inside_span_give_high_scoring_fuzzy_match():
    new_quote = QUOTE.replace("publish its", "publish  its").replace("the bridge", "the\nbridge")
    new_body = BODY.replace(QUOTE, new_quote)
    span = span_of(BODY, QUOTE)

    (anchor,) = reanchor(BODY, new_body, [span])

    assert anchor.status == AnchorStatus.FUZZY
    assert anchor.start == span.start
    assert anchor.text == new_quote
    assert anchor.score >= 98.0


def test_punctuation_change_next_to_span_keeps_it_in_place():
    old_body = "Others would not resign. He said he would resign. Then he left."
    new_body = "Others would not resign. He said he would resign, then he left."
    span = span_of(old_body, "resign", occurrence=1)

    (anchor,) = reanchor(old_body, new_body, [span])

    assert anchor == Anchor(span.start, span.end, "resign", AnchorStatus.ANCHORED, 100.0)


def test_span_at_start_of_body_stays_there_when_the_rest_of_its_word_changes():
    old_body = "word one word two word three"
    new_body = "worked one word two word three"

    (anchor,) = reanchor(old_body, new_body, [Span(0, 3, "wor")])

    assert anchor == Anchor(0, 3, "wor", AnchorStatus.ANCHORED, 100.0)


# Repeated phrases and moves


def test_repeated_phrase_spans_keep_their_own_occurrence_after_insertions_between_them():
    phrase = "prices will rise"
    old_body = (
        f"Analysts warned that {phrase}. The bank agreed that {phrase}. "
        f"Even the union conceded that {phrase}."
    )
    new_body = (
        f"Analysts warned that {phrase}. Some shoppers feared {phrase} as well. "
        f"The bank agreed that {phrase}. Nobody disputed it. "
        f"Even the union conceded that {phrase}."
    )
    spans = [span_of(old_body, phrase, occurrence) for occurrence in range(3)]

    anchors = reanchor(old_body, new_body, spans)

    new_starts = find_occurrences(new_body, phrase)
    assert [anchor.start for anchor in anchors] == [new_starts[0], new_starts[2], new_starts[3]]
    assert [anchor.status for anchor in anchors] == [
        AnchorStatus.ANCHORED,
        AnchorStatus.MOVED,
        AnchorStatus.MOVED,
    ]


def test_repeated_phrase_span_follows_its_paragraph_when_paragraphs_swap():
    phrase = "the budget is balanced"
    first = f"The mayor insisted that {phrase}. She repeated the claim twice."
    middle = "Council members asked for the figures."
    last = f"The auditor disagreed: according to the report, {phrase} only on paper."
    old_body = f"{first}\n\n{middle}\n\n{last}"
    new_body = f"{last}\n\n{middle}\n\n{first}"
    spans = [span_of(old_body, phrase, 0), span_of(old_body, phrase, 1)]

    first_anchor, last_anchor = reanchor(old_body, new_body, spans)

    assert first_anchor.status == AnchorStatus.MOVED
    assert first_anchor.start == new_body.index(first) + first.index(phrase)
    assert last_anchor.status == AnchorStatus.MOVED
    assert last_anchor.start == last.index(phrase)
    assert_consistent(new_body, [first_anchor, last_anchor])


def test_spans_in_a_repeated_paragraph_keep_their_own_copy():
    paragraph = "The company regrets the delay and will refund all customers in full."
    old_body = f"{paragraph}\n\nUpdate:\n\n{paragraph}"
    new_body = f"{paragraph}\n\nUpdate at noon, after questions from readers:\n\n{paragraph}"
    phrase = "will refund all customers"
    spans = [span_of(old_body, phrase, 0), span_of(old_body, phrase, 1)]

    first, second = reanchor(old_body, new_body, spans)

    new_starts = find_occurrences(new_body, phrase)
    assert (first.start, first.status) == (new_starts[0], AnchorStatus.ANCHORED)
    assert (second.start, second.status) == (new_starts[1], AnchorStatus.MOVED)


def test_moved_sentence_is_found_at_its_new_place():
    sentence = "The vote was postponed until March."
    old_body = f"{sentence} Several members were absent. The chair apologised."
    new_body = f"Several members were absent. The chair apologised. {sentence}"
    span = span_of(old_body, "postponed until March")

    (anchor,) = reanchor(old_body, new_body, [span])

    assert anchor.status == AnchorStatus.MOVED
    assert anchor.start == new_body.index("postponed until March")


# Spans that are orphaned or do not match the old body


def test_orphaned_span_that_reappears_once_is_reanchored():
    new_body = BODY + " Later she added that the budget is balanced."
    span = Span(None, None, "the budget is balanced")

    (anchor,) = reanchor(BODY, new_body, [span])

    start = new_body.index("the budget is balanced")
    assert anchor == Anchor(start, start + len(span.text), span.text, AnchorStatus.MOVED, 100.0)


def test_orphaned_span_that_appears_twice_stays_orphaned():
    new_body = BODY + " The budget is balanced, she said; the budget is balanced, he said."
    span = Span(None, None, "budget is balanced")

    (anchor,) = reanchor(BODY, new_body, [span])

    assert anchor == Anchor(None, None, "budget is balanced", AnchorStatus.ORPHANED, 0.0)


def test_orphaned_span_that_is_still_absent_stays_orphaned():
    (anchor,) = reanchor(BODY, BODY, [Span(None, None, "not in the body")])

    assert anchor == Anchor(None, None, "not in the body", AnchorStatus.ORPHANED, 0.0)


def test_span_not_matching_old_body_is_looked_up_by_text():
    old_body = "Alpha said one thing. Beta said another."
    new_body = "Gamma arrived. Alpha said one thing. Beta said another."
    stale = Span(0, 5, "Beta ")

    (anchor,) = reanchor(old_body, new_body, [stale])

    assert anchor.status == AnchorStatus.MOVED
    assert anchor.start == new_body.index("Beta ")


def test_span_with_negative_offsets_is_looked_up_by_text_instead_of_sliced():
    old_body = "Alpha said one thing. Beta said another."
    span = Span(-8, -1, "another")

    (anchor,) = reanchor(old_body, old_body, [span])

    start = old_body.index("another")
    assert anchor == Anchor(start, start + 7, "another", AnchorStatus.MOVED, 100.0)


@pytest.mark.parametrize("span", [Span(3, 3, ""), Span(None, None, "")])
def test_span_with_empty_text_is_orphaned(span):
    (anchor,) = reanchor(BODY, BODY, [span])

    assert anchor == Anchor(None, None, "", AnchorStatus.ORPHANED, 0.0)


def test_empty_old_body_looks_spans_up_by_text():
    new_body = "A new article: the mayor said the budget is balanced. The mayor left."
    spans = [
        Span(None, None, "the budget is balanced"),
        Span(0, 6, "mayor "),
        Span(0, 4, "gone"),
    ]

    found, ambiguous, missing = reanchor("", new_body, spans)

    assert found.status == AnchorStatus.MOVED
    assert new_body[found.start : found.end] == "the budget is balanced"
    assert ambiguous == Anchor(None, None, "mayor ", AnchorStatus.ORPHANED, 0.0)
    assert missing == Anchor(None, None, "gone", AnchorStatus.ORPHANED, 0.0)


def test_emptied_body_orphans_every_span():
    spans = [span_of(BODY, QUOTE), span_of(BODY, "Critics")]

    anchors = reanchor(BODY, "", spans)

    assert [anchor.status for anchor in anchors] == [AnchorStatus.ORPHANED] * 2
    assert [anchor.text for anchor in anchors] == [QUOTE, "Critics"]


# Unicode


def test_offsets_are_code_point_offsets_for_unicode_text():
    old_body = (
        f"🎉 “Nous avons gagné,” a-t-elle dit. It{APOSTROPHE}s “over” 🇫🇷. "
        "قال الوزير إن الاتفاق تم توقيعه. Done."
    )
    texts = ["Nous avons gagné", f"It{APOSTROPHE}s “over” 🇫🇷", "قال الوزير إن الاتفاق تم توقيعه"]
    spans = [span_of(old_body, text) for text in texts]
    inserted = "Mise à jour 🕐 — "
    new_body = inserted + old_body.replace("Done.", "Done, she said 👍.")

    anchors = reanchor(old_body, new_body, spans)

    assert spans[0].start == 3
    for span, anchor in zip(spans, anchors, strict=True):
        assert anchor.status == AnchorStatus.MOVED
        assert anchor.start == span.start + len(inserted)
        assert new_body[anchor.start : anchor.end] == anchor.text == span.text


def test_fuzzy_match_in_arabic_text_keeps_offsets_consistent():
    sentence = "قال الوزير إن الاتفاق الجديد سيتم توقيعه في العاصمة الأسبوع المقبل بحضور الوفود"
    old_body = f"“{sentence}” 🎉 انتهى."
    new_body = old_body.replace("الجديد", "الجديد والمهم")

    (anchor,) = reanchor(old_body, new_body, [span_of(old_body, sentence)])

    assert anchor.status == AnchorStatus.FUZZY
    assert anchor.text == sentence.replace("الجديد", "الجديد والمهم")
    assert new_body[anchor.start : anchor.end] == anchor.text


# Properties over random edits

WORDS = [
    "the",
    "minister",
    "said",
    "budget",
    "is",
    "balanced",
    "prices",
    "will",
    "rise",
    "report",
    "“quote”",
    f"it{APOSTROPHE}s",
    "🎉",
    "الوزير",
    "inquiry,",
    "a",
    "of",
    "and",
    "said.",
    "bridge",
]


def random_text(rng: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        parts.append(rng.choice(WORDS))
        parts.append(rng.choice([" ", " ", " ", "  ", "\n", "\n\n"]))
    return "".join(parts).strip()


def random_edit(rng: random.Random, body: str) -> str:
    kind = rng.choice(["insert", "delete", "replace", "swap"])
    a, b = sorted(rng.randrange(len(body) + 1) for _ in range(2))
    if kind == "insert":
        return body[:a] + random_text(rng, rng.randint(1, 6)) + " " + body[a:]
    if kind == "delete":
        return body[:a] + body[b:]
    if kind == "replace":
        return body[:a] + random_text(rng, rng.randint(1, 6)) + body[b:]
    c = rng.randrange(b, len(body) + 1)
    return body[:a] + body[b:c] + body[a:b] + body[c:]


def random_spans(rng: random.Random, body: str, count: int) -> list[Span]:
    spans = []
    for _ in range(count):
        start = rng.randrange(len(body))
        end = min(len(body), start + rng.randint(1, 60))
        spans.append(Span(start, end, body[start:end]))
    spans.append(Span(None, None, random_text(rng, 2)))
    spans.append(Span(0, 4, "zzzz"))
    return spans


@pytest.mark.parametrize("seed", range(60))
def test_random_edits_keep_every_anchor_consistent(seed):
    rng = random.Random(seed)
    old_body = random_text(rng, rng.randint(5, 150))
    new_body = old_body
    for _ in range(rng.randint(1, 4)):
        new_body = random_edit(rng, new_body)
    spans = random_spans(rng, old_body, 25)

    anchors = reanchor(old_body, new_body, spans)

    assert len(anchors) == len(spans)
    for span, anchor in zip(spans, anchors, strict=True):
        assert (anchor.status == AnchorStatus.ORPHANED) == (anchor.start is None)
        assert (anchor.start is None) == (anchor.end is None)
        if anchor.start is None:
            assert anchor.text == span.text
            continue
        assert new_body[anchor.start : anchor.end] == anchor.text
        if anchor.status in (AnchorStatus.ANCHORED, AnchorStatus.MOVED):
            assert anchor.text == span.text
            assert anchor.score == 100.0
        else:
            assert anchor.status == AnchorStatus.FUZZY
            assert 90.0 <= anchor.score <= 100.0


@pytest.mark.parametrize("seed", range(30))
def test_random_insertion_keeps_spans_outside_it_exact(seed):
    rng = random.Random(1000 + seed)
    old_body = random_text(rng, rng.randint(5, 150))
    position = rng.randrange(len(old_body) + 1)
    inserted = random_text(rng, rng.randint(1, 8)) + " "
    new_body = old_body[:position] + inserted + old_body[position:]
    spans = random_spans(rng, old_body, 25)[:-2]

    anchors = reanchor(old_body, new_body, spans)

    for span, anchor in zip(spans, anchors, strict=True):
        if span.end <= position:
            assert anchor == Anchor(span.start, span.end, span.text, AnchorStatus.ANCHORED, 100.0)
        elif span.start >= position:
            assert anchor.status in (AnchorStatus.ANCHORED, AnchorStatus.MOVED)
            assert anchor.text == span.text
            assert new_body[anchor.start : anchor.end] == span.text


# Large bodies


def large_body(rng: random.Random, length: int) -> str:
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10)))
        for _ in range(4000)
    ]
    common = ["the", "of", "and", "a", "to", "in", "said", "that"]
    words = []
    size = 0
    while size < length:
        word = rng.choice(common) if rng.random() < 0.4 else rng.choice(vocabulary)
        if rng.random() < 0.07:
            word += "." + rng.choice([" ", " ", "\n\n"])
        else:
            word += " "
        words.append(word)
        size += len(word)
    return "".join(words)


def word_spans(rng: random.Random, body: str, count: int) -> list[Span]:
    word_starts = [0, *(i + 1 for i, char in enumerate(body) if char == " ")]
    # Leave room after the last start for a span of up to 120 characters.
    word_starts = [start for start in word_starts if start < len(body) - 200]
    spans = []
    for _ in range(count):
        start = rng.choice(word_starts)
        end = body.find(" ", start + rng.randint(10, 120))
        spans.append(Span(start, end, body[start:end]))
    return spans


def test_large_body_with_one_insertion_shifts_only_the_spans_after_it():
    rng = random.Random(20_000)
    old_body = large_body(rng, 150_000)
    spans = word_spans(rng, old_body, 300)
    position = old_body.index(" ", len(old_body) // 2) + 1
    inserted = "This sentence was added by an editor after publication. "
    new_body = old_body[:position] + inserted + old_body[position:]

    anchors = reanchor(old_body, new_body, spans)

    assert len(old_body) >= 150_000
    assert_consistent(new_body, anchors)
    for span, anchor in zip(spans, anchors, strict=True):
        if span.end < position:
            assert anchor == Anchor(span.start, span.end, span.text, AnchorStatus.ANCHORED, 100.0)
        elif span.start >= position:
            shifted = span.start + len(inserted)
            assert anchor == Anchor(
                shifted, shifted + len(span.text), span.text, AnchorStatus.MOVED, 100.0
            )


def test_large_body_with_scattered_edits_maps_untouched_spans():
    rng = random.Random(150_000)
    old_body = large_body(rng, 150_000)
    spans = word_spans(rng, old_body, 300)
    edits = sorted(rng.sample(range(1_000, len(old_body) - 1_000, 1_000), 40))
    new_body = old_body
    # Applied from the end so earlier offsets stay valid; each replaces one character.
    for position in reversed(edits):
        new_body = new_body[:position] + " EDITED " + new_body[position + 1 :]

    anchors = reanchor(old_body, new_body, spans)

    assert_consistent(new_body, anchors)
    for span, anchor in zip(spans, anchors, strict=True):
        if any(span.start - 1 <= position <= span.end for position in edits):
            continue
        shift = 7 * sum(position < span.start for position in edits)
        assert anchor.start == span.start + shift
        assert anchor.text == span.text
