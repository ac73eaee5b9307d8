"""An article body as HTML with spans highlighted; pure, so it is easy to test.

Spans may nest and overlap. The body is cut at every span boundary, and each piece is
wrapped in one ``<mark>`` per span covering it, outermost first, all closed at the end of
the piece: the marks always nest properly, whatever the spans do. Every piece of text,
title and label is escaped; the highlight wraps escaped text, never raw HTML.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Highlight:
    """One span to highlight: ``body[start:end]``, its CSS classes, tooltip and label."""

    start: int
    end: int
    css_class: str
    title: str = ""
    # Shown in small type where the span starts (e.g. who is speaking); empty for none.
    label: str = ""


def highlight(body: str, spans: Iterable[Highlight]) -> SafeString:
    """``body`` escaped, with every valid span wrapped in marks. Empty or out-of-range spans
    (an orphaned or stale one) are left out rather than breaking the text."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(body)]
    # Outer spans first: earlier start, then longer; input order breaks ties.
    ordered = sorted(enumerate(valid), key=lambda item: (item[1].start, -item[1].end, item[0]))
    rank = {index: position for position, (index, _) in enumerate(ordered)}
    boundaries = sorted({0, len(body), *(s.start for s in valid), *(s.end for s in valid)})

    starting: dict[int, list[int]] = {}
    for index, span in enumerate(valid):
        starting.setdefault(span.start, []).append(index)

    parts: list[str] = []
    open_spans: list[int] = []
    for left, right in pairwise(boundaries):
        open_spans = [i for i in open_spans if valid[i].end > left]
        new = starting.get(left, [])
        open_spans = sorted([*open_spans, *new], key=rank.__getitem__)
        for i in sorted(new, key=rank.__getitem__):
            if valid[i].label:
                parts.append(
                    format_html(
                        '<span class="hl-label {}">{}</span>', valid[i].css_class, valid[i].label
                    )
                )
        # A label sits just before the text it names; it is outside the marks so that it
        # never counts as quoted text.
        for i in open_spans:
            span = valid[i]
            if span.title:
                parts.append(
                    format_html('<mark class="{}" title="{}">', span.css_class, span.title)
                )
            else:
                parts.append(format_html('<mark class="{}">', span.css_class))
        parts.append(escape(body[left:right]))
        parts.append("</mark>" * len(open_spans))
    # Every part above is escaped text or a tag built by format_html.
    return mark_safe("".join(parts))
