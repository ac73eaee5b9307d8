"""The body highlighter: marks that nest properly whatever the spans do, labels with their
links in place, everything escaped, and the key. Pure: no database."""

import random
from html import unescape
from html.parser import HTMLParser

import pytest

from articles.highlight import Highlight, LegendKind, Link, drawn_text, highlight, legend


def test_highlight_wraps_nested_spans_inside_their_outer_span():
    html = highlight("abcdef", [Highlight(2, 4, "in"), Highlight(0, 6, "out")])
    assert html == (
        '<mark class="out">ab</mark>'
        '<mark class="out"><mark class="in">cd</mark></mark>'
        '<mark class="out">ef</mark>'
    )


def test_highlight_splits_overlapping_spans_into_properly_nested_pieces():
    html = highlight("abcdef", [Highlight(0, 4, "a"), Highlight(2, 6, "b")])
    assert html == (
        '<mark class="a">ab</mark>'
        '<mark class="a"><mark class="b">cd</mark></mark>'
        '<mark class="b">ef</mark>'
    )


def test_highlight_keeps_adjacent_spans_apart():
    html = highlight("abcdef", [Highlight(3, 6, "b"), Highlight(0, 3, "a")])
    assert html == '<mark class="a">abc</mark><mark class="b">def</mark>'


def test_highlight_escapes_the_body_and_wraps_escaped_text():
    body = "Before <script>alert(1)</script> after & done"
    start = body.index("alert(1)")
    html = highlight(body, [Highlight(start, start + len("alert(1)"), "q")])
    assert "<script>" not in html
    assert html == (
        'Before &lt;script&gt;<mark class="q">alert(1)</mark>&lt;/script&gt; after &amp; done'
    )


def test_highlight_escapes_titles_and_labels():
    html = highlight("quote", [Highlight(0, 5, "q", title='"><img src=x>', label="<b>Varnok")])
    assert "<img" not in html
    assert "<b>" not in html
    assert 'title="&quot;&gt;&lt;img src=x&gt;"' in html
    assert ">&lt;b&gt;Varnok</span>" in html


def test_highlight_draws_label_links_in_place_and_escapes_them():
    claim = Link('/claims/1/?a=1&b="x"', "claim", "hl-claim", title='Claim #1: "<i>rise</i>"')
    span = Highlight(0, 5, "q", label="<b>Varnok", href="/sources/1/?x=<y>", links=(claim,))
    html = highlight("quote", [span])
    assert html == (
        '<span class="hl-label q"><a href="/sources/1/?x=&lt;y&gt;">&lt;b&gt;Varnok</a>'
        '<a class="hl-claim" href="/claims/1/?a=1&amp;b=&quot;x&quot;" '
        'title="Claim #1: &quot;&lt;i&gt;rise&lt;/i&gt;&quot;" '
        'aria-label="Claim #1: &quot;&lt;i&gt;rise&lt;/i&gt;&quot;">claim</a></span>'
        '<mark class="q">quote</mark>'
    )


def test_legend_counts_spans_by_kind_and_lists_optional_kinds_only_when_present():
    kinds = [LegendKind("person", "named <person>"), LegendKind("metadata", "meta", always=False)]
    spans = [Highlight(0, 1, "a", kind="person"), Highlight(1, 2, "b", kind="person")]
    html = legend(kinds, spans, hint="Labels <lead> somewhere.")
    swatch = '<span class="hl-swatch hl-person" aria-hidden="true"></span>'
    assert f"{swatch}named &lt;person&gt; " in html
    assert '<span class="count">2</span>' in html
    assert "hl-metadata" not in html
    assert "Labels &lt;lead&gt; somewhere. Darker where spans nest" in html
    with_meta = legend(kinds, [Highlight(0, 1, "m", kind="metadata")], hint="")
    assert 'hl-metadata" aria-hidden="true"></span>meta <span class="count">1</span>' in with_meta


def test_highlight_leaves_out_empty_and_out_of_range_spans():
    spans = [Highlight(2, 2, "empty"), Highlight(3, 99, "past"), Highlight(-1, 2, "before")]
    assert highlight("abcdef", spans) == "abcdef"


def test_highlight_keeps_line_breaks_for_pre_wrap():
    assert highlight("one\n\ntwo", [Highlight(0, 3, "a")]) == '<mark class="a">one</mark>\n\ntwo'


def test_highlight_leaves_out_blank_lines_after_the_first_between_paragraphs():
    body = "One said it.\n\n \n\t\nTwo said it.\n\nThree.\n\n\n"
    spans = [Highlight(4, 8, "a"), Highlight(0, 30, "outer")]
    html = highlight(body, spans)
    assert html == (
        '<mark class="outer">One </mark><mark class="outer"><mark class="a">said</mark></mark>'
        '<mark class="outer"> it.\n\n</mark><mark class="outer">Two said it.</mark>'
        "\n\nThree.\n\n"
    )
    assert drawn_text(body) == "One said it.\n\nTwo said it.\n\nThree.\n\n"
    # One blank line, or lines with words, are drawn as they are.
    assert drawn_text("a\n\nb\n c\n") == "a\n\nb\n c\n"


def test_legend_shows_what_a_re_anchored_span_looks_like():
    html = legend([LegendKind("person", "named person")], [], hint="")
    assert '<span class="hl-swatch hl-flagged" aria-hidden="true"></span>A span in a box' in html
    assert "dashed" not in html


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack, self.text, self.ok = [], [], True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag

    def handle_data(self, data):
        if not self.stack or self.stack[-1] != "span":
            self.text.append(data)

    def handle_entityref(self, name):
        self.handle_data(unescape(f"&{name};"))

    def handle_charref(self, name):
        self.handle_data(unescape(f"&#{name};"))


@pytest.mark.parametrize("seed", range(20))
def test_highlight_of_random_spans_is_well_formed_and_keeps_the_text(seed):
    rng = random.Random(seed)
    body = "".join(rng.choice("ab <>&\"'\n") for _ in range(rng.randint(0, 60)))
    spans = []
    for i in range(rng.randint(0, 12)):
        start = rng.randint(-2, len(body) + 1)
        spans.append(Highlight(start, start + rng.randint(-1, 20), f"c{i}", "t", f"L{i}"))
    parser = _Balance()
    parser.feed(highlight(body, spans))
    parser.close()
    assert parser.ok
    assert not parser.stack
    assert "".join(parser.text) == drawn_text(body)
