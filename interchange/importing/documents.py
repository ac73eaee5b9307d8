"""Articles from plain-text and HTML files: one article per file.

Plain text: an optional header of ``Name: value`` lines (``Title``, ``Author``, ``Date``,
``URL``, ``Outlet``, ``Dateline``, ``Language``) ended by a blank line; then the first line
is the headline when a blank line follows it, otherwise the file name is; the rest is the
body, kept as written (line breaks normalised, blank lines around it trimmed).

HTML: the main text is found by trafilatura, which drops navigation, footers, comments and
other boilerplate, and comes back as clean text with one paragraph per block, separated by
blank lines (a list's items and a ``<br>`` keep their own lines). The headline, byline,
publication time, canonical URL and publisher come from the page's metadata where it has
any (``<title>``, Open Graph and ``article:`` meta tags, JSON-LD ``NewsArticle``,
``<link rel=canonical>``, ``<time>``), and the language from ``<html lang>``.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from django.utils import timezone

from interchange.importing.records import ArticleRecord, RecordError, build_record

_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,20}):\s*(.*?)\s*$")
_HEADER_NAMES = {
    "title": "headline",
    "headline": "headline",
    "author": "byline",
    "byline": "byline",
    "by": "byline",
    "date": "published_at",
    "published": "published_at",
    "published at": "published_at",
    "url": "url",
    "link": "url",
    "canonical url": "url",
    "outlet": "outlet",
    "publisher": "outlet",
    "publication": "outlet",
    "dateline": "dateline",
    "language": "language",
    "lang": "language",
}
# Longest first line taken as a headline (Article.headline holds 500 characters).
MAX_TITLE_LINE = 300

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)""")


def decode_utf8(data: bytes) -> str:
    """``data`` as text: UTF-8, with or without a byte order mark; ``RecordError`` saying
    where the first wrong byte is otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RecordError(["the file is UTF-16; save it as UTF-8"])
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RecordError([_encoding_message(data, error)]) from error


def _encoding_message(data: bytes, error: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    return (
        f"not UTF-8: byte 0x{data[error.start]:02x} at line {line}, byte {column} of the "
        f"line (byte {error.start} of the file); save the file as UTF-8"
    )


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 date or time; a date alone, or a time without offset, is taken in the
    site's time zone (``TIME_ZONE``). Raises ``ValueError``."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = datetime.combine(date.fromisoformat(value), time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def title_from_name(name: str) -> str:
    stem = PurePath(name).stem
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or stem


# Plain text


def parse_text(data: bytes, *, name: str, default_outlet: str = "") -> ArticleRecord:
    """One article from a plain-text file (see the module help)."""
    text = decode_utf8(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header, lines = _header(lines)
    problems: list[str] = []
    values: dict[str, Any] = {}
    for field_name, value in header.items():
        if field_name == "published_at":
            try:
                values[field_name] = parse_datetime(value)
            except ValueError:
                problems.append(f"published_at: {value!r} is not an ISO 8601 date or time")
        elif field_name != "outlet":
            values[field_name] = value
    while lines and not lines[0].strip():
        lines.pop(0)
    if "headline" not in values:
        first = lines[0].strip() if lines else ""
        if first and len(first) <= MAX_TITLE_LINE and len(lines) > 1 and not lines[1].strip():
            values["headline"] = first
            lines = lines[1:]
        else:
            values["headline"] = title_from_name(name)
    values["body"] = "\n".join(lines).strip("\n")
    if not values["body"].strip():
        problems.append("body: the file has no text")
    outlet = header.get("outlet") or default_outlet
    if not outlet:
        problems.append("outlet: the file names none; give a default outlet")
    if problems:
        raise RecordError(problems)
    return build_record(values, outlet=outlet)


def _header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """The ``Name: value`` lines heading the file (all of them known names, ended by a
    blank line), and the lines after them. No header if any line is not such a line."""
    header: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            if header:
                return header, lines[index + 1 :]
            return {}, lines
        match = _HEADER_LINE.match(line)
        field_name = _HEADER_NAMES.get(match[1].strip().lower()) if match else None
        if match is None or field_name is None or not match[2]:
            return {}, lines
        header[field_name] = match[2]
    return {}, lines


# HTML


def decode_html(data: bytes) -> str:
    """The page as text: UTF-8 (with or without BOM), or the charset the page declares in
    a ``<meta>`` tag; ``RecordError`` saying where the first wrong byte is otherwise."""
    try:
        return decode_utf8(data)
    except RecordError as utf8_error:
        match = _DECLARED_CHARSET.search(data[:4096])
        if match is None:
            raise
        declared = match[1].decode("ascii").lower()
        try:
            codec = codecs.lookup(declared)
        except LookupError:
            raise RecordError(
                [f"the page declares the unknown charset {declared!r}", *utf8_error.messages]
            ) from None
        if codec.name == "utf-8":
            raise
        try:
            return data.decode(codec.name)
        except UnicodeDecodeError as error:
            raise RecordError(
                [f"not {declared} as the page declares: {_encoding_message(data, error)}"]
            ) from error


def parse_html(data: bytes, *, name: str, default_outlet: str = "") -> ArticleRecord:
    """One article from an HTML page (see the module help)."""
    import trafilatura

    html = decode_html(data)
    document = trafilatura.bare_extraction(
        html,
        config=_trafilatura_config(),
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        date_extraction_params={
            "extensive_search": False,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    assert not isinstance(document, dict)  # a dict only with as_dict=True
    blocks = _blocks(document.body) if document is not None and document.body is not None else []
    if document is None or not blocks:
        raise RecordError(["no article text found in the page"])
    headline = " ".join((document.title or "").split()) or title_from_name(name)
    if blocks and _same_words(blocks[0], headline):
        blocks = blocks[1:]
    if not blocks:
        raise RecordError(["no article text found in the page besides its title"])
    values: dict[str, Any] = {"headline": headline, "body": "\n\n".join(blocks)}
    if document.author:
        values["byline"] = " ".join(document.author.split())
    if document.url and re.match(r"https?://", document.url):
        values["url"] = document.url
    # A date htmldate gives that we cannot read leaves the date empty.
    if document.date:
        with contextlib.suppress(ValueError):
            values["published_at"] = parse_datetime(document.date)
    language = _HTML_LANG.search(html[:20000])
    if language:
        values["language"] = language[1].lower()
    outlet = default_outlet
    sitename = " ".join((document.sitename or "").split())
    if sitename and sitename.lower() != (document.hostname or "").lower():
        outlet = sitename
    if not outlet:
        raise RecordError(["outlet: the page names no publisher; give a default outlet"])
    return build_record(values, outlet=outlet)


def _trafilatura_config():
    from trafilatura.settings import use_config

    config = use_config()
    # Short pages are articles too: without this, text under 250 characters is replaced by
    # a cruder whole-page extraction.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _blocks(body) -> list[str]:
    """Paragraphs of trafilatura's body element: one per child, a list's items and a
    table's rows one per line, ``<lb/>`` a line break, other whitespace collapsed."""
    blocks = []
    for child in body:
        if child.tag == "list":
            lines = [_inline_text(item) for item in child.iter("item")]
        elif child.tag == "table":
            lines = [
                " | ".join(filter(None, (_inline_text(cell) for cell in row.iter("cell"))))
                for row in child.iter("row")
            ]
        else:
            lines = [_inline_text(child)]
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
    return blocks


def _inline_text(element) -> str:
    parts: list[str] = []

    def walk(node, top: bool) -> None:
        if node.tag == "lb":
            parts.append("\n")
        else:
            parts.append(node.text or "")
            for child in node:
                walk(child, False)
        if not top and node.tail:
            parts.append(node.tail)

    walk(element, True)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
