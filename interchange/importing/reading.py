"""The files to import and reading them: formats told by extension, and each file streamed
into records (or the reason a record cannot be read)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from interchange.importing import documents, jsonl
from interchange.importing.records import ArticleRecord, RecordError, parse_record

# One plain-text or HTML file is one article; a larger file is refused unread.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024


class Format(StrEnum):
    AUTO = "auto"
    JSONL = "jsonl"
    TEXT = "text"
    HTML = "html"


EXTENSIONS = {
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
}


@dataclass
class ImportFile:
    """A file to import: ``name`` is how messages refer to it; ``open`` opens it for
    reading bytes."""

    name: str
    open: Callable[[], BinaryIO]
    format: Format = Format.AUTO

    @classmethod
    def from_path(cls, path: str | Path, format: Format | str = Format.AUTO) -> ImportFile:
        path = Path(path)
        return cls(name=str(path), open=lambda: path.open("rb"), format=Format(format))

    def resolved_format(self) -> Format | None:
        if self.format != Format.AUTO:
            return self.format
        name = self.name.lower()
        return next((fmt for ext, fmt in EXTENSIONS.items() if name.endswith(ext)), None)


def files_from_paths(paths: Iterable[str | Path], format: Format | str) -> list[ImportFile]:
    """The files to import: each path, and in each folder every file whose extension
    tells its format (sorted by name, subfolders included)."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in EXTENSIONS:
                    files.append(ImportFile.from_path(child, format))
        else:
            files.append(ImportFile.from_path(path, format))
    return files


@dataclass
class _Item:
    """One record read from a file: the record, or why it cannot be read."""

    file: str
    line: int | None
    record: ArticleRecord | None = None
    messages: list[str] = field(default_factory=list)
    blank: bool = False


def _read(files: Sequence[ImportFile], *, default_outlet: str) -> Iterator[_Item]:
    for file in files:
        fmt = file.resolved_format()
        if fmt is None:
            suffix = Path(file.name).suffix or "no extension"
            yield _Item(
                file.name,
                None,
                messages=[
                    f"cannot tell the format from the name ({suffix}); give the format "
                    "(jsonl, text or html)"
                ],
            )
            continue
        try:
            stream = file.open()
        except OSError as error:
            yield _Item(file.name, None, messages=[f"cannot read the file: {error.strerror}"])
            continue
        with stream:
            try:
                if fmt == Format.JSONL:
                    yield from _read_jsonl(file.name, stream, default_outlet)
                else:
                    yield _read_document(file.name, stream, fmt, default_outlet)
            except OSError as error:
                yield _Item(file.name, None, messages=[f"cannot read the file: {error}"])


def _read_jsonl(name: str, stream: BinaryIO, default_outlet: str) -> Iterator[_Item]:
    for line in jsonl.read_lines(stream):
        if jsonl.is_blank(line):
            yield _Item(name, line.number, blank=True)
        elif line.error:
            yield _Item(name, line.number, messages=[line.error])
        else:
            try:
                record = parse_record(line.value, default_outlet=default_outlet)
            except RecordError as error:
                yield _Item(name, line.number, messages=error.messages)
            else:
                yield _Item(name, line.number, record=record)


def _read_document(name: str, stream: BinaryIO, fmt: Format, default_outlet: str) -> _Item:
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        return _Item(name, None, messages=[f"the file is larger than {MAX_DOCUMENT_BYTES:,} bytes"])
    parse = documents.parse_html if fmt == Format.HTML else documents.parse_text
    try:
        record = parse(data, name=Path(name).name, default_outlet=default_outlet)
    except RecordError as error:
        return _Item(name, None, messages=error.messages)
    return _Item(name, None, record=record)
