"""How attributions and metadata spans show in a highlighted body: the kind (by the kind of
source), the CSS classes, the label and the tooltip. The reader and the admin's preview
both draw with these, each giving the links its own pages have; ``articles.highlight``
draws them."""

from collections.abc import Callable, Iterable

from access.text import shorten
from articles.anchoring import FLAGGED_STATUSES
from articles.highlight import Highlight, LegendKind, Link
from articles.models import MetadataSpan
from claims.models import Attribution
from sources.models import Source

# The kinds a highlight can have, in the key's order, with the short tag each label starts
# with: the tag tells the kind apart without relying on colour.
HIGHLIGHT_KINDS = [
    LegendKind(Source.Kind.PERSON.value, "named person"),
    LegendKind(Source.Kind.ANONYMOUS.value, "anonymous source", "anon"),
    LegendKind(Source.Kind.OFFICIAL_ACCOUNT.value, "official account", "account"),
    LegendKind(Source.Kind.ORGANIZATION.value, "organisation", "org"),
    LegendKind(Source.Kind.GROUP.value, "unnamed group", "group"),
    LegendKind(Source.Kind.DOCUMENT.value, "document", "doc"),
    LegendKind("unattributed", "unattributed statement", "no source"),
    LegendKind("metadata", "metadata (not a claim)", always=False),
]
KIND_TAGS = {entry.kind: entry.tag for entry in HIGHLIGHT_KINDS}
LABEL_LENGTH = 32


def highlight_kind(attribution: Attribution) -> str:
    return attribution.source.kind if attribution.source is not None else "unattributed"


def highlight_label(attribution: Attribution) -> str:
    """The label shown where a span starts: the kind's tag and who is speaking."""
    kind = highlight_kind(attribution)
    source = attribution.source
    if source is None:
        return KIND_TAGS[kind]
    who = shorten(source.name or source.description, LABEL_LENGTH)
    return f"{KIND_TAGS[kind]}: {who}" if KIND_TAGS[kind] else who


def claim_title(attribution: Attribution) -> str:
    return f"Claim #{attribution.claim_id}: {attribution.claim}" if attribution.claim_id else ""


def attribution_highlight(
    attribution: Attribution,
    *,
    href: str = "",
    links: tuple[Link, ...] = (),
    finding: str = "",
) -> Highlight:
    """The attribution's highlight: coloured by the kind of source, classed ``hl-at-<id>``,
    labelled with the kind's tag and the source (the label leading to ``href``, then
    ``links``), titled with who said it, how, and the claim. ``finding``: the summary of an
    open finding on it, which marks the span (``hl-finding``) and ends the title."""
    a = attribution
    # Only spans in the body are highlighted (``in_body``).
    assert a.start is not None
    assert a.end is not None
    kind = highlight_kind(a)
    css = f"hl hl-{kind} hl-at-{a.pk}"
    who = a.source.display_name if a.source is not None else "No source"
    kind_label = a.source.get_kind_display() if a.source is not None else "unattributed"
    title = f"{who} ({kind_label}), {a.get_kind_display()}. " + (
        claim_title(a) or "No claim linked yet."
    )
    if a.anchor_status in FLAGGED_STATUSES:
        css += " hl-flagged"
        title += " Re-anchored to a close match after a body edit: check it."
    if finding:
        css += " hl-finding"
        title += f" Open finding: {finding}"
    return Highlight(
        a.start, a.end, css, title, highlight_label(a), kind=kind, href=href, links=links
    )


def metadata_highlight(span: MetadataSpan) -> Highlight:
    """A metadata span's highlight (a byline, a photo credit): greyed, titled, unlabelled."""
    title = f"Metadata: {span.get_kind_display()}"
    # Only spans in the body are highlighted (``in_body``).
    assert span.start is not None
    assert span.end is not None
    return Highlight(span.start, span.end, "hl hl-metadata", title, kind="metadata")


def body_highlights(
    body: str,
    attributions: Iterable[Attribution],
    metadata_spans: Iterable[MetadataSpan],
    *,
    attribution_links: Callable[[Attribution], dict] = lambda attribution: {},
) -> list[Highlight]:
    """The highlights of every span still anchored in ``body`` (metadata first), leaving out
    the orphaned and the stale. ``attribution_links`` gives each attribution's ``href`` and
    ``links`` (see ``attribution_highlight``): the links of the page that draws them."""
    spans = [metadata_highlight(s) for s in metadata_spans if in_body(s, body)]
    spans += [
        attribution_highlight(a, **attribution_links(a)) for a in attributions if in_body(a, body)
    ]
    return spans


def in_body(span, body: str) -> bool:
    return span.start is not None and body[span.start : span.end] == span.text
