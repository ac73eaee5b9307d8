"""Read and write attributions in BRAT standoff (``.ann`` next to a ``.txt``).

BRAT is the annotation tool many attribution corpora are made in (PolNeAR among them). An
``.ann`` file holds, one per line and tab-separated:

- text-bound spans ``T12<TAB>Label START END[;START END ...]<TAB>covered text``; the labels
  read here are ``Source``, ``Cue`` and ``Content`` (``Content2`` is a second content part),
  plus the trigger (``Attribution`` or ``Attribution-no-source``); a span may be
  discontinuous (several ``START END`` pairs separated by ``;``);
- events ``E3<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`` joining them into one
  attribution; any role may be missing;
- comments (``#...``), notes and relations, which are kept as they are ignored.

Offsets are character offsets into the ``.txt`` file read as UTF-8, end exclusive. A line
that cannot be read (a stray continuation of a span's text, offsets outside the text, an
event naming a span that does not exist, a span's text that differs from the article at its
offsets) becomes a ``BratProblem`` with its line number; reading goes on. ``parse_brat``
never raises on the file's content.

Pure Python: no Django imports, so the extractor's training and scoring use it as well as
the import and export commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SPAN_LABELS = ("Source", "Cue", "Content")
TRIGGER_LABELS = ("Attribution", "Attribution-no-source")
_OFFSETS = re.compile(r"^\d+ \d+(?:;\d+ \d+)*$")
# Opening and closing quotation marks, straight and typographic, single and double.
QUOTE_MARKS = "\"“”„‟«»'‘’‚‛`"
_DOUBLE_MARKS = '"“”„‟«»'


@dataclass(frozen=True)
class BratSpan:
    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class BratAttribution:
    """One attribution: its roles (each may be missing) and the event's id."""

    id: str
    source: BratSpan | None
    cue: BratSpan | None
    content: BratSpan | None
    content_parts: tuple[BratSpan, ...] = ()

    @property
    def kind(self) -> str:
        return content_kind(self.content.text if self.content else "")


@dataclass(frozen=True)
class BratProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class BratDocument:
    name: str
    text: str
    attributions: list[BratAttribution] = field(default_factory=list)
    spans: dict[str, BratSpan] = field(default_factory=dict)
    problems: list[BratProblem] = field(default_factory=list)
    annotator: str = ""


def content_kind(content: str) -> str:
    """``direct`` when the content is one quotation (marks at both ends, none inside),
    ``mixed`` when it holds a quotation among reported words, else ``indirect``.

    Double marks decide; single marks count only where they open a word (an apostrophe in
    "don't" or "Trump's" is not a quotation mark)."""
    stripped = content.strip().rstrip(".,;:")
    if not stripped:
        return "indirect"
    marks = [i for i, ch in enumerate(stripped) if ch in _DOUBLE_MARKS]
    if not marks:
        opening = [i for i in _single_marks(stripped) if _opens(stripped, i)]
        if not opening:  # apostrophes only ("don't", "Trump's", "the voters'")
            return "indirect"
        marks = [i for i in _single_marks(stripped) if _opens(stripped, i) or _closes(stripped, i)]
    # A quotation over several paragraphs opens again at each one without closing.
    inner = [i for i in marks[1:-1] if not _at_line_start(stripped, i)]
    if marks[0] == 0 and marks[-1] >= len(stripped) - 2 and len(marks) >= 2 and not inner:
        return "direct"
    return "mixed"


def _single_marks(value: str) -> list[int]:
    return [i for i, ch in enumerate(value) if ch in "'‘’‚‛`"]


def _opens(value: str, i: int) -> bool:
    """A mark at a word's start, before a character: ``'no'``, not ``voters'`` or ``don't``."""
    before_ok = i == 0 or not value[i - 1].isalnum()
    return before_ok and i + 1 < len(value) and not value[i + 1].isspace()


def _closes(value: str, i: int) -> bool:
    after_ok = i == len(value) - 1 or not value[i + 1].isalnum()
    return after_ok and i > 0 and not value[i - 1].isspace()


def _at_line_start(value: str, i: int) -> bool:
    return value[:i].rstrip(" \t").endswith("\n")


def parse_brat(text: str, ann: str, *, name: str = "") -> BratDocument:
    """Read one ``.ann`` file against its article text."""
    document = BratDocument(name=name, text=text)
    events: list[tuple[int, str, str]] = []
    # The rest of the last span's text: a span over a line break writes its text on several
    # lines, and the following lines are that text, not BRAT lines.
    remainder = ""
    for number, raw in enumerate(ann.split("\n"), start=1):
        line = raw.rstrip("\r")
        if remainder and remainder.startswith(_squash(line)):
            # A blank line is a paragraph break inside the span's text.
            remainder = remainder[len(_squash(line)) :]
            continue
        remainder = ""
        if not line.strip() or line.startswith("#"):
            continue
        ident, _, rest = line.partition("\t")
        if ident.startswith("T") and ident[1:].isdigit():
            span = _span(document, number, ident, rest)
            if span is not None:
                document.spans[ident] = span
                listed = " ".join(document.text[a:b] for a, b in _listed(rest))
                remainder = _squash(listed)[len(_squash(rest.partition("\t")[2])) :]
        elif ident.startswith("E") and ident[1:].isdigit():
            events.append((number, ident, rest))
        elif (ident[:1] in "RANM*" and ident[1:].isdigit()) or ident == "*":
            continue  # relations, attributes, normalisations, notes: not read
        else:
            document.problems.append(
                BratProblem(number, f"not a BRAT line (text outside a span?): {line[:60]!r}")
            )
    for number, ident, rest in events:
        attribution = _event(document, number, ident, rest)
        if attribution is not None:
            document.attributions.append(attribution)
    return document


def _span(document: BratDocument, number: int, ident: str, rest: str) -> BratSpan | None:
    head, tab, covered = rest.partition("\t")
    label, _, offsets = head.partition(" ")
    if not tab or not label or not _OFFSETS.match(offsets):
        document.problems.append(
            BratProblem(number, f"{ident}: expected 'Label START END<TAB>text', got {rest[:60]!r}")
        )
        return None
    fragments = tuple((int(a), int(b)) for a, b in (pair.split(" ") for pair in offsets.split(";")))
    size = len(document.text)
    for start, end in fragments:
        if not 0 <= start <= end <= size:
            document.problems.append(
                BratProblem(number, f"{ident}: offsets {start}-{end} outside the text ({size})")
            )
            return None
    # BRAT writes the covered text in the order the fragments are listed; the span keeps
    # them in text order.
    listed = " ".join(document.text[a:b] for a, b in fragments)
    fragments = tuple(sorted(fragments))
    actual = " ".join(document.text[a:b] for a, b in fragments)
    # The covered text is the whole text on one line (as ``write_brat`` writes it), or stops
    # at the span's first line break with the rest on the next lines (as BRAT writes it);
    # spaces are not compared.
    said = _squash(covered)
    if not said or said not in (_squash(listed), _squash(listed.split("\n", 1)[0])):
        document.problems.append(
            BratProblem(
                number,
                f"{ident}: the text at {fragments[0][0]}-{fragments[-1][1]} is "
                f"{actual[:40]!r}, the line says {covered[:40]!r}",
            )
        )
        return None
    return BratSpan(ident, label, fragments, actual)


def _listed(rest: str) -> list[tuple[int, int]]:
    offsets = rest.partition("\t")[0].partition(" ")[2]
    return [(int(a), int(b)) for a, b in (pair.split(" ") for pair in offsets.split(";"))]


def _squash(value: str) -> str:
    return "".join(value.split())


def _event(document: BratDocument, number: int, ident: str, rest: str) -> BratAttribution | None:
    roles: dict[str, list[BratSpan]] = {}
    for item in rest.split():
        role, colon, ref = item.partition(":")
        if not colon:
            document.problems.append(BratProblem(number, f"{ident}: {item!r} is not ROLE:ID"))
            return None
        span = document.spans.get(ref)
        if span is None:
            document.problems.append(
                BratProblem(number, f"{ident}: {role} names {ref}, which is not a span here")
            )
            return None
        roles.setdefault(role.rstrip("0123456789") or role, []).append(span)
    if not any(role in roles for role in SPAN_LABELS):
        document.problems.append(
            BratProblem(number, f"{ident}: no source, cue or content (an empty event); skipped")
        )
        return None
    contents = roles.get("Content", [])
    sources, cues = roles.get("Source", []), roles.get("Cue", [])
    return BratAttribution(
        id=ident,
        source=sources[0] if sources else None,
        cue=cues[0] if cues else None,
        content=contents[0] if contents else None,
        content_parts=tuple(contents[1:]),
    )


def read_brat_pair(txt_path: Path, ann_path: Path) -> BratDocument:
    """Read an article text and its ``.ann`` file (UTF-8; a BOM is ignored). Line breaks
    are kept as they are (``\r\n`` counts two characters in BRAT's offsets)."""
    text = txt_path.read_bytes().decode("utf-8-sig")
    ann = ann_path.read_bytes().decode("utf-8-sig")
    name = txt_path.stem
    document = parse_brat(text, ann, name=name)
    document.annotator = ann_path.stem[len(name) + 1 :] if ann_path.stem != name else ""
    return document


def brat_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """The (text, annotation) pairs of a folder, sorted by name.

    Two layouts: ``NAME.txt`` beside ``NAME.ann`` (BRAT's own), or PolNeAR's ``text/NAME.txt``
    with ``attributions/NAME_ANNOTATOR.ann``; where an article has several annotators' files,
    the first by name is read (the same file every run)."""
    folder = Path(folder)
    pairs: list[tuple[Path, Path]] = []
    if (folder / "text").is_dir() and (folder / "attributions").is_dir():
        # NAME.ann, else NAME_ANNOTATOR.ann (the annotator id has no "_"; NAME may).
        by_name: dict[str, Path] = {}
        for ann in sorted((folder / "attributions").glob("*.ann")):
            by_name.setdefault(ann.stem, ann)
        for ann in sorted((folder / "attributions").glob("*_*.ann")):
            by_name.setdefault(ann.stem.rsplit("_", 1)[0], ann)
        for txt in sorted((folder / "text").glob("*.txt")):
            if txt.stem in by_name:
                pairs.append((txt, by_name[txt.stem]))
        return pairs
    for txt in sorted(folder.glob("*.txt")):
        ann = txt.with_suffix(".ann")
        if ann.exists():
            pairs.append((txt, ann))
    return pairs


def read_brat_folder(folder: Path) -> Iterator[BratDocument]:
    for txt, ann in brat_pairs(folder):
        yield read_brat_pair(txt, ann)


def write_brat(attributions: Iterable[BratAttributionOut]) -> str:
    """The ``.ann`` text for attributions given by offsets into one article's text.

    Spans are numbered T1, T2 ... in the order written and each attribution gets a trigger
    span on its cue (or its content when it has no cue), as BRAT's attribution schemas
    expect; a content with later parts (``BratAttributionOut.more_content``) is one
    discontinuous span, "start end;start end". ``parse_brat`` reads the result back to the
    same spans."""
    lines: list[str] = []
    counter = {"T": 0, "E": 0}

    def span(label: str, *parts: tuple[int, int, str]) -> str:
        counter["T"] += 1
        ident = f"T{counter['T']}"
        offsets = ";".join(f"{start} {end}" for start, end, _covered in parts)
        covered = " ".join(" ".join(text.split()) for _start, _end, text in parts)
        lines.append(f"{ident}\t{label} {offsets}\t{covered}")
        return ident

    for item in attributions:
        roles: list[str] = []
        refs: dict[str, str] = {}
        for label, value in (
            ("Source", item.source),
            ("Cue", item.cue),
        ):
            if value is not None:
                refs[label] = span(label, value)
        if item.content is not None:
            refs["Content"] = span("Content", item.content, *sorted(item.more_content))
        trigger_at = item.cue or item.content or item.source
        if trigger_at is None:
            continue
        trigger = "Attribution" if item.source is not None else "Attribution-no-source"
        roles.append(f"Attribution:{span(trigger, trigger_at)}")
        roles.extend(f"{label}:{ref}" for label, ref in refs.items())
        counter["E"] += 1
        lines.append(f"E{counter['E']}\t{' '.join(roles)}")
    return "\n".join(lines) + ("\n" if lines else "")


@dataclass(frozen=True)
class BratAttributionOut:
    """An attribution to write: each role as (start, end, covered text), or None, and the
    later parts of a content split by its cue (after ``content``) in ``more_content``."""

    source: tuple[int, int, str] | None
    cue: tuple[int, int, str] | None
    content: tuple[int, int, str] | None
    more_content: tuple[tuple[int, int, str], ...] = ()
