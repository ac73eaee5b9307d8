"""Attributions as CSV, one row per attribution, for spreadsheets."""

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import IO, Any

from django.db.models import F, QuerySet

from claims.models import Attribution

# (column, value of an attribution) in the order written.
COLUMNS: list[tuple[str, Any]] = [
    ("attribution_id", lambda a: a.pk),
    ("article_id", lambda a: a.article_id),
    ("article_headline", lambda a: a.article.headline),
    ("article_url", lambda a: a.article.url),
    ("article_outlet", lambda a: a.article.outlet.name),
    ("article_published_at", lambda a: a.article.published_at),
    ("source_id", lambda a: a.source_id),
    ("source_name", lambda a: a.source.display_name if a.source_id else ""),
    ("source_kind", lambda a: a.source.kind if a.source_id else ""),
    ("source_role", lambda a: a.source.role if a.source_id else ""),
    ("claim_id", lambda a: a.claim_id),
    ("claim_text", lambda a: a.claim.text if a.claim_id else ""),
    ("kind", lambda a: a.kind),
    ("stance", lambda a: a.stance),
    ("quote_text", lambda a: a.text),
    ("start", lambda a: a.start),
    ("end", lambda a: a.end),
    ("speaker_mention", lambda a: a.speaker_mention),
    ("cue", lambda a: a.cue),
    ("channel", lambda a: a.channel),
    ("recipient", lambda a: a.recipient.name if a.recipient_id else ""),
    ("said_on", lambda a: a.said_on),
    ("said_when_text", lambda a: a.said_when_text),
    ("anchor_status", lambda a: a.anchor_status),
    ("is_reviewed", lambda a: a.is_reviewed),
]
HEADER = [name for name, _value in COLUMNS]

# A spreadsheet takes a cell starting with one of these as a formula (OWASP, "CSV
# Injection"); such cells are written with a leading apostrophe, which shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def attributions_for_csv(queryset: QuerySet | None = None) -> QuerySet:
    """The attributions with what the columns need, without article bodies, in article
    and text order."""
    queryset = Attribution.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("article__outlet", "source", "claim", "recipient")
        .defer("article__body", "article__notes")
        .order_by(
            F("article__published_at").asc(nulls_last=True),
            "article_id",
            F("start").asc(nulls_last=True),
            "id",
        )
    )


def cell(value: Any) -> str | int:
    """One value as written: dates in ISO 8601 (times in UTC), booleans as true/false,
    text that a spreadsheet would run as a formula escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_rows(attributions: Iterable[Attribution]) -> Iterator[list]:
    yield HEADER
    for attribution in attributions:
        yield [cell(value(attribution)) for _name, value in COLUMNS]


def write_attributions_csv(
    stream: IO[str], attributions: QuerySet | None = None, *, excel: bool = False
) -> int:
    """Write ``attributions`` (all by default) as CSV to a text stream; ``excel`` starts
    it with a UTF-8 byte order mark, which Excel needs to read UTF-8. Returns the number
    of rows written."""
    if excel:
        stream.write(BOM)
    writer = csv.writer(stream)
    written = -1  # the header row
    for written, row in enumerate(  # noqa: B007 (the count is the result)
        csv_rows(attributions_for_csv(attributions).iterator(chunk_size=1000))
    ):
        writer.writerow(row)
    return written


class Echo:
    """A write-only "file" that hands back what is written (for streaming responses)."""

    def write(self, value: str) -> str:
        return value


def stream_attributions_csv(attributions: QuerySet, *, excel: bool = False) -> Iterator[str]:
    """The CSV text, row by row, for a streaming response."""
    writer = csv.writer(Echo())
    if excel:
        yield BOM
    for row in csv_rows(attributions_for_csv(attributions).iterator(chunk_size=1000)):
        yield writer.writerow(row)
