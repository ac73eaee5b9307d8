"""Results: the raw spans turned into the ``Extraction`` returned, suggestions in text order
with the new sources they need."""

from __future__ import annotations

import re
from dataclasses import replace

from suggestions.extraction.records import _Entity, _Raw
from suggestions.extraction.types import Extraction, ProposedSource, Suggestion


class _Results:
    """The extractor's output, built once every sentence has been read."""

    text: str
    raws: list[_Raw]
    stray_marks: int

    def _output(self) -> Extraction:
        proposed = self._proposed()
        suggestions: dict[tuple[int, int], Suggestion] = {}
        penalty = 0.15 if self.stray_marks else 0.0
        for raw in sorted(self.raws, key=lambda r: (r.start, r.end)):
            if (raw.start, raw.end) in suggestions or raw.end <= raw.start:
                continue
            anchor = raw.anchor
            entity = anchor.entity
            cue, cue_start, cue_end = raw.cue or (anchor.cue, anchor.cue_start, anchor.cue_end)
            suggestions[(raw.start, raw.end)] = Suggestion(
                start=raw.start,
                end=raw.end,
                text=self.text[raw.start : raw.end],
                kind=raw.kind,
                cue=cue,
                cue_start=cue_start,
                cue_end=cue_end,
                speaker_start=anchor.speaker_start,
                speaker_end=anchor.speaker_end,
                speaker_mention=anchor.mention,
                source_id=entity.known.id if entity.known else None,
                proposed_source=None if entity.known else entity.key,
                recipient=anchor.recipient,
                said_when_text=anchor.when,
                confidence=round(max(0.05, raw.confidence - penalty), 2),
                channel=anchor.channel,
                act=anchor.act,
            )
        return Extraction(_linked(tuple(suggestions.values())), proposed)

    def _proposed(self) -> tuple[ProposedSource, ...]:
        needed: list[_Entity] = []
        seen: set[int] = set()
        for raw in sorted(self.raws, key=lambda r: r.start):
            entity: _Entity | None = raw.anchor.entity
            while entity is not None and id(entity) not in seen:
                seen.add(id(entity))
                if entity.known is None:
                    needed.append(entity)
                entity = entity.affiliation
        keys: set[str] = set()
        for entity in needed:
            base = _slug(entity.name or entity.description or entity.kind) or entity.kind
            key, n = base, 2
            while key in keys:
                key, n = f"{base}-{n}", n + 1
            keys.add(key)
            entity.key = key
        out = []
        for entity in needed:
            aff = entity.affiliation
            aliases = tuple(dict.fromkeys(a for a in entity.aliases if a and a != entity.name))
            out.append(
                ProposedSource(
                    key=entity.key,
                    kind=entity.kind,
                    name=entity.name if entity.kind not in ("anonymous", "group") else "",
                    description=entity.description,
                    role=entity.role,
                    affiliation_key=aff.key if aff is not None and aff.known is None else None,
                    anonymity_reason=entity.anonymity_reason,
                    aliases=aliases if entity.kind not in ("anonymous", "group") else (),
                    affiliation_id=aff.known.id if aff is not None and aff.known else None,
                )
            )
        return tuple(out)


def _linked(suggestions: tuple[Suggestion, ...]) -> tuple[Suggestion, ...]:
    """The suggestions (in text order) with ``continues`` set: the parts that share one cue
    span are one utterance split by it ("“A,” X said. “B.”"), and each part after the first
    points to the first."""
    first: dict[tuple[int, int], int] = {}
    out = list(suggestions)
    for i, item in enumerate(suggestions):
        if item.cue_end <= item.cue_start:
            continue
        head = first.setdefault((item.cue_start, item.cue_end), i)
        if head != i:
            out[i] = replace(item, continues=head)
    return tuple(out)


def _slug(text: str) -> str:
    words = re.findall(r"\w+", text.casefold())
    return "-".join(words[:6])
