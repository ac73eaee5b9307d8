"""Reading JSON Lines one line at a time: never the whole file in memory.

Each line is decoded as UTF-8 (a byte order mark at the start of the file is allowed) and
parsed as JSON on its own, so a line with a wrong byte, cut-off JSON or a wrong field is
reported with its line number and the other lines still import.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

# A 1,000,000-character body is at most 4 MB of UTF-8, about 6 MB with JSON escapes.
MAX_LINE_BYTES = 16 * 1024 * 1024

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass
class Line:
    """A line of the file: its number (from 1), and its JSON value or what is wrong."""

    number: int
    value: Any = None
    error: str = ""
    size: int = 0  # bytes, for progress


def read_lines(stream: BinaryIO, *, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """The non-blank lines of a JSON Lines file opened in binary mode, parsed."""
    number = 0
    offset = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        size = len(raw)
        if size > max_line_bytes and not raw.endswith(b"\n"):
            size += _skip_rest_of_line(stream)
            yield Line(
                number,
                error=f"the line is longer than {max_line_bytes:,} bytes; it was not read",
                size=size,
            )
            offset += size
            continue
        if number == 1:
            if raw.startswith(_UTF16_BOMS):
                yield Line(
                    number,
                    error="the file is UTF-16; save it as UTF-8 (JSON Lines is UTF-8)",
                    size=size,
                )
                return
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
                offset += len(codecs.BOM_UTF8)
        yield _parse_line(number, raw, offset, size)
        offset += len(raw)


def _parse_line(number: int, raw: bytes, offset: int, size: int) -> Line:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Line(
            number,
            error=(
                f"not UTF-8: byte 0x{raw[error.start]:02x} at byte {error.start + 1} of the "
                f"line (byte {offset + error.start} of the file); save the file as UTF-8"
            ),
            size=size,
        )
    stripped = text.strip()
    if not stripped:
        return Line(number, error="", value=_BLANK, size=size)
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as error:
        where = "" if error.msg.endswith(" at") else " at"
        message = f"not valid JSON: {error.msg}{where} column {error.colno}"
        if error.pos >= len(stripped) - 1 or error.msg.startswith("Unterminated"):
            message += " (the line looks cut off)"
        return Line(number, error=message, size=size)
    except RecursionError:
        return Line(number, error="not valid JSON: nested too deeply", size=size)
    return Line(number, value=value, size=size)


def _skip_rest_of_line(stream: BinaryIO) -> int:
    skipped = 0
    while chunk := stream.readline(1024 * 1024):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


class _Blank:
    """The value of a blank line, which is skipped."""


_BLANK = _Blank()


def is_blank(line: Line) -> bool:
    return line.value is _BLANK


def count_lines(stream: BinaryIO) -> int:
    """Lines in the file (for a progress bar's total), read in blocks; rewinds the file."""
    count = 0
    last = b"\n"
    while block := stream.read(1024 * 1024):
        count += block.count(b"\n")
        last = block[-1:]
    stream.seek(0)
    return count + (last != b"\n")
