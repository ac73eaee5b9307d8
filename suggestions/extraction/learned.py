"""The tagger's attributions (``tagger.Tagged``) turned into the extractor's raw spans, with
speakers resolved by the same machinery as the rules' (``speakers._Speakers._resolve``): a
mention becomes a known source, a speaker seen earlier in the article, or a proposed one."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from suggestions.extraction import lexicon as R
from suggestions.extraction.mentions import _split_tokens
from suggestions.extraction.phrases import tokenize
from suggestions.extraction.records import _Anchor, _Entity, _Raw
from suggestions.extraction.tagger import Tagged

_DOUBLE_MARKS = '"“”„‟«»'
_WORD_RE = re.compile(r"\w+")
# What the rules never attribute either: a refusal ("declined to comment"), a speaker who is
# nobody ("No one said"), and the subject of a passive ("The mayor was said to be ...").
_NOT_CUES = R.words("declined declines refused refuses")
_PASSIVE = R.words("was were is are be been being")
_NOT_SPEAKERS = R.NEGATIVE_SUBJECTS | R.words("no")
MIN_WORDS = 2  # a shorter content ("it", "the plan") says too little to check
# The tagger's confidence is its marginal probability; its spans are less precise than the
# rules', so it is scaled down to stay below theirs.
_SCALE = 0.8


def content_kind(content: str) -> str:
    """``direct`` for one quotation (marks at both ends, none inside), ``mixed`` for a
    quotation among reported words, else ``indirect``."""
    stripped = content.strip().rstrip(".,;:")
    marks = [i for i, ch in enumerate(stripped) if ch in _DOUBLE_MARKS]
    if not marks:
        return "indirect"
    if marks[0] == 0 and marks[-1] >= len(stripped) - 2 and len(marks) <= 2:
        return "direct"
    return "mixed"


class _Learned:
    """Adds the tagger's attributions to ``raws`` (after the rules' when combined)."""

    text: str
    masked: str
    raws: list[_Raw]

    def _resolve(self, start: int, end: int, se: int, channel: str) -> tuple[_Entity, float]:
        raise NotImplementedError  # speakers._Speakers

    def _add_tagged(self, tagged: Sequence[Tagged]) -> None:
        """Each tagged content that overlaps no content already found becomes a raw span.
        A speaker span the rules resolved keeps their entity; a content without a source
        takes the speaker of the attribution before it (as the rules' continuations do)."""
        rules = [(r.start, r.end, r.anchor) for r in self.raws]
        contents = _Spans((s, e) for s, e, _a in rules)
        # A rule's speaker or cue is no content (a nested attribution's content may hold
        # one, so only a content inside one is left out).
        roles = _Spans(
            [(a.speaker_start, a.speaker_end) for *_se, a in rules]
            + [(a.cue_start, a.cue_end) for *_se, a in rules]
        )
        by_speaker = {(a.speaker_start, a.speaker_end): a.entity for _s, _e, a in rules}
        # An act of saying the rules parsed (its cue) is theirs: the tagger's reading of the
        # same cue ("told [the Herald]") would only differ from it.
        cues = _Spans((a.cue_start, a.cue_end) for *_se, a in rules)
        # Between a rule's speaker and its cue lies the speaker's description, relative
        # clauses included ("The official, who asked not to be named ..., said"): a verb
        # there is not a cue of its own.
        subjects = _Spans(
            (a.speaker_start, a.cue_start)
            for *_se, a in rules
            if a.speaker_start is not None and a.speaker_start < a.cue_start
        )
        anchors: dict[tuple, _Anchor] = {}
        previous: _Anchor | None = None
        for item in tagged:
            if (
                subjects.holds(item.cue_start, item.end)
                or contents.overlaps(item.start, item.end)
                or not self._plausible(item)
                or roles.holds(item.start, item.end)
                or cues.overlaps(item.cue_start, item.cue_end)
            ):
                continue
            key = (item.cue_start, item.cue_end, item.source)
            anchor = anchors.get(key)
            if anchor is None:
                anchor = self._tagged_anchor(item, by_speaker, previous)
                if anchor is None:
                    continue
                anchors[key] = anchor
            previous = anchor
            content = self.text[item.start : item.end]
            self.raws.append(
                _Raw(
                    start=item.start,
                    end=item.end,
                    kind=content_kind(content),
                    anchor=anchor,
                    confidence=round(item.confidence * _SCALE, 2),
                )
            )

    def _plausible(self, item: Tagged) -> bool:
        text = self.text
        if len(_WORD_RE.findall(text, item.start, item.end)) < MIN_WORDS:
            return False
        cue = _WORD_RE.findall(text, item.cue_start, item.cue_end)
        if not cue or cue[0].lower() in _NOT_CUES or cue[0] == "Asked":
            return False  # "Asked about the plan, ...": the question put, not an answer
        if item.source is not None:
            if (
                cue[0].lower() in _PASSIVE
                and item.source[1] <= item.cue_start
                and not cue[-1].lower().endswith("ing")
            ):
                # The subject of a passive is what is said, not who says it ("The mayor was
                # said to be ..."); a progressive is no passive ("Smith is urging ...").
                return False
            first = _WORD_RE.match(text, item.source[0])
            if first is not None and first.group().lower() in _NOT_SPEAKERS:
                return False
        return True

    def _tagged_anchor(
        self,
        item: Tagged,
        by_speaker: dict[tuple[int, int], _Entity],
        previous: _Anchor | None,
    ) -> _Anchor | None:
        cue = self.text[item.cue_start : item.cue_end]
        source = item.source
        if source is not None and not _split_tokens(tokenize(self.masked, *source)):
            source = None  # punctuation or a masked quotation: no mention to resolve
        if source is None:
            if previous is None:
                return None
            entity, start, end, mention = (
                previous.entity,
                previous.speaker_start,
                previous.speaker_end,
                previous.mention,
            )
        else:
            start, end = source
            entity = (
                by_speaker.get((start, end))
                or self._resolve(start, end, item.paragraph_end, "unknown")[0]
            )
            mention = self.text[start:end]
        return _Anchor(
            entity=entity,
            mention=mention,
            speaker_start=start,
            speaker_end=end,
            cue=cue,
            cue_start=item.cue_start,
            cue_end=item.cue_end,
        )


class _Spans:
    """Spans (start, end) asked, in O(log n), whether one of them overlaps a range or holds
    it whole: sorted by start, with the furthest end reached up to each."""

    def __init__(self, spans) -> None:
        ordered = sorted(set(spans))
        self.starts = [s for s, _e in ordered]
        self.reach: list[int] = []
        for _s, e in ordered:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)
        return bool(i) and self.reach[i - 1] > start

    def holds(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        return bool(i) and self.reach[i - 1] >= end
