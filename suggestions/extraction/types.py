"""What the extractor returns, and what it is told about the archive."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownSource:
    """A source already in the archive, matched by name or alias."""

    id: int
    kind: str
    name: str
    aliases: tuple[str, ...]
    role: str = ""
    affiliation_id: int | None = None


@dataclass(frozen=True)
class ProposedSource:
    """A source the article introduces that the archive does not hold.

    ``affiliation_key`` is the key of another proposed source; when the affiliation is a
    known source instead, ``affiliation_id`` holds its id.
    """

    key: str
    kind: str
    name: str
    description: str
    role: str
    affiliation_key: str | None
    anonymity_reason: str
    aliases: tuple[str, ...]
    affiliation_id: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """One suggested attribution: ``text == body[start:end]`` always."""

    start: int
    end: int
    text: str
    kind: str  # direct | indirect | mixed
    cue: str
    cue_start: int
    cue_end: int
    speaker_start: int | None
    speaker_end: int | None
    speaker_mention: str
    source_id: int | None  # a KnownSource matched
    proposed_source: str | None  # key of a ProposedSource
    recipient: str  # outlet name as written ("The Associated Press"), or ""
    said_when_text: str  # "late on Tuesday", "on Wednesday", or ""
    confidence: float
    channel: str = "unknown"  # Attribution.Channel value
    # What the cue reports: "speech" (X said, told, urged), "belief" (X believes, thinks,
    # wants, fears) or "evidence" (a poll shows, a study found, according to the report).
    act: str = "speech"
    # The index in ``Extraction.suggestions`` of the first part of the same utterance when
    # this suggestion continues it (a quote split by its cue: "“A,” X said. “B.”"), else
    # None. The first part itself has None; every part keeps its own span.
    continues: int | None = None


@dataclass(frozen=True)
class Extraction:
    suggestions: tuple[Suggestion, ...]
    proposed_sources: tuple[ProposedSource, ...]


class ExtractionError(ValueError):
    """The input cannot be processed (wrong type, too long, bad known sources)."""
