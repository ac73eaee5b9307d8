"""An article body as HTML with spans highlighted, and the key to the highlights; pure, so
it is easy to test. The reader and the admin's preview both draw with it: what a span is
(its kind, label, title, links) comes with each highlight (``claims.highlights`` makes
them from attributions and metadata spans).

Spans may nest and overlap. The body is cut at every span boundary, and each piece is
wrapped in one ``<mark>`` per span covering it, outermost first, all closed at the end of
the piece: the marks always nest properly, whatever the spans do. The body is drawn for
``white-space: pre-wrap``; blank lines after the first between two paragraphs are left
out, so that a body pasted with extra empty lines shows paragraphs, not gaps. A span's label sits
just before the text it names, outside the marks (it never counts as quoted text), as
``<span class="hl-label …">`` holding the label (a link where the highlight has an
``href``, else a ``<span>``) and then the highlight's further links. Every piece of text,
title, label and URL is escaped; the highlight wraps escaped text, never raw HTML.
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# What the key says of every highlighted body, after what its labels lead to. It describes
# the stylesheets (site.css, admin.css): translucent marks, and ``hl-flagged`` in a box,
# drawn beside it as the body draws it; no kind of source is boxed.
LEGEND_NOTE = mark_safe(  # a constant, no text from elsewhere
    'Darker where spans nest. <span class="hl-flag-key"><span class="hl-swatch hl-flagged" '
    'aria-hidden="true"></span>A span in a box</span> was re-anchored to a close match '
    "after a body edit: check it."
)

# The blank lines after the first in a run of them (whitespace-only lines count).
EXTRA_BLANK_LINES = re.compile(r"\n[^\S\n]*\n((?:[^\S\n]*\n)+)")


@dataclass(frozen=True)
class Link:
    """A link drawn in a label after the label's own text (e.g. to the span's claim)."""

    href: str
    text: str
    css_class: str = ""
    # The link's tooltip and accessible name, where its text alone is too short.
    title: str = ""


@dataclass(frozen=True)
class Highlight:
    """One span to highlight: ``body[start:end]``, its CSS classes, tooltip and label."""

    start: int
    end: int
    css_class: str
    title: str = ""
    # Shown in small type where the span starts (e.g. who is speaking); empty for none.
    label: str = ""
    # What the key counts it as (a legend kind); empty for none.
    kind: str = ""
    # Where the label leads; empty for a label that is not a link.
    href: str = ""
    # Further links in the label, after its text.
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class LegendKind:
    """One entry of the key: the kind (its CSS class is ``hl-<kind>``), its name, the short
    tag its labels start with (so the kind is told apart without colour), and whether it
    is listed when no highlight has it."""

    kind: str
    label: str
    tag: str = ""
    always: bool = True


def highlight(body: str, spans: Iterable[Highlight]) -> SafeString:
    """``body`` escaped, with every valid span wrapped in marks. Empty or out-of-range spans
    (an orphaned or stale one) are left out rather than breaking the text."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(body)]
    # Outer spans first: earlier start, then longer; input order breaks ties.
    ordered = sorted(enumerate(valid), key=lambda item: (item[1].start, -item[1].end, item[0]))
    rank = {index: position for position, (index, _) in enumerate(ordered)}
    # Left out: the extra blank lines, the body cut at their ends as at a span's.
    hidden = {m.start(1): m.end(1) for m in EXTRA_BLANK_LINES.finditer(body)}
    cuts = {0, len(body), *hidden, *hidden.values()}
    boundaries = sorted({*cuts, *(s.start for s in valid), *(s.end for s in valid)})

    starting: dict[int, list[int]] = {}
    for index, span in enumerate(valid):
        starting.setdefault(span.start, []).append(index)

    parts: list[str] = []
    open_spans: list[int] = []
    hidden_until = 0
    for left, right in pairwise(boundaries):
        open_spans = [i for i in open_spans if valid[i].end > left]
        new = starting.get(left, [])
        open_spans = sorted([*open_spans, *new], key=rank.__getitem__)
        parts.extend(label(valid[i]) for i in sorted(new, key=rank.__getitem__))
        hidden_until = max(hidden_until, hidden.get(left, 0))
        if right <= hidden_until:
            continue
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


def drawn_text(body: str) -> str:
    """The text ``highlight`` shows of ``body``: all of it but the extra blank lines."""
    return EXTRA_BLANK_LINES.sub(lambda m: m.group(0)[: m.start(1) - m.start()], body)


def label(span: Highlight) -> SafeString:
    """The label in front of a span, with its links in place; empty for a span without."""
    if not span.label:
        return mark_safe("")
    if span.href:
        text = format_html('<a href="{}">{}</a>', span.href, span.label)
    else:
        text = format_html("<span>{}</span>", span.label)
    links = format_html_join("", "{}", ((link_html(link),) for link in span.links))
    return format_html('<span class="hl-label {}">{}{}</span>', span.css_class, text, links)


def link_html(link: Link) -> SafeString:
    if link.title:
        return format_html(
            '<a class="{}" href="{}" title="{}" aria-label="{}">{}</a>',
            link.css_class,
            link.href,
            link.title,
            link.title,
            link.text,
        )
    return format_html('<a class="{}" href="{}">{}</a>', link.css_class, link.href, link.text)


def legend(kinds: Sequence[LegendKind], spans: Iterable[Highlight], *, hint: str) -> SafeString:
    """The key to the highlights: each kind with how many spans have it (a kind that is not
    ``always`` listed only when some span has it), then ``hint`` (what the labels lead
    to) and the note on nesting and re-anchored spans."""
    counts = Counter(span.kind for span in spans)
    items = format_html_join(
        "",
        '<li><span class="hl-swatch hl-{}" aria-hidden="true"></span>{}{} '
        '<span class="count">{}</span></li>',
        (
            (
                entry.kind,
                format_html('<span class="hl-tag hl-{}">{}</span>', entry.kind, entry.tag)
                if entry.tag
                else "",
                entry.label,
                counts[entry.kind],
            )
            for entry in kinds
            if entry.always or counts[entry.kind]
        ),
    )
    return format_html(
        '<ul class="hl-legend">{}</ul><p class="hint hl-hint">{} {}</p>', items, hint, LEGEND_NOTE
    )
