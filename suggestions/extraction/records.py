"""The records the extractor's stages hand each other: a speaker (entity), one act of
saying (anchor) and a span of speech found for it (raw)."""

from __future__ import annotations

from dataclasses import dataclass, field

from suggestions.extraction.types import KnownSource


@dataclass(eq=False)
class _Entity:
    kind: str
    name: str = ""
    description: str = ""
    role: str = ""
    head: str = ""
    known: KnownSource | None = None
    affiliation: _Entity | None = None
    anonymity_reason: str = ""
    aliases: list[str] = field(default_factory=list)
    gender: str | None = None
    plural: bool = False
    spoke: bool = False
    key: str = ""


@dataclass(eq=False)
class _Anchor:
    """Who said it and how: shared by every suggestion of one act of saying."""

    entity: _Entity
    mention: str
    speaker_start: int
    speaker_end: int
    cue: str
    cue_start: int
    cue_end: int
    recipient: str = ""
    when: str = ""
    channel: str = "unknown"
    confidence: float = 0.85
    act: str = "speech"  # speech | belief | evidence


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    anchor: _Anchor
    confidence: float
    cue: tuple[str, int, int] | None = None  # overrides the anchor's cue ("adding")
