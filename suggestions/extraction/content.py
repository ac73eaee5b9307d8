"""Content boundaries: where the speech an attribution covers starts and ends, split at
"and" and ", adding", and read as direct, indirect or mixed."""

from __future__ import annotations

import re
from collections import deque

from suggestions.extraction import lexicon as R
from suggestions.extraction.phrases import is_verb, np_backward, np_forward, tokenize
from suggestions.extraction.records import _Anchor, _Raw
from suggestions.extraction.segments import Quote, QuoteIndex

_SENTENCE_TAIL = " \t\n.;:,!?"
_RELATIVES = ("who", "whose", "which")
# A second speaker in the same sentence: "..., but officials said ...".
_THAT_AFTER_RE = re.compile(r"\s*(?:that\s+|:\s*|,\s*)")
_AND_VERB_RE = re.compile(r",?\s+(?:and|but)\s+(?:also\s+|then\s+)?")
_AND_SPEAKER_RE = re.compile(r"\s+(?:and|but)\s+(?=[A-Z0-9])")
_NEXT_CLAUSE_RE = re.compile(r",\s+(?:but|while|whereas|and|although|though|as)\s+")


class _Content:
    """Speech spans recorded as ``raws`` for an anchor; quotes in a chain remember their
    first anchor (``chain_anchors``) for the paragraphs that continue them."""

    text: str
    work: str
    masked: str
    paragraphs: list[tuple[int, int]]
    quotes: QuoteIndex
    raws: list[_Raw]
    chain_anchors: dict[int, _Anchor]

    def _tail(self, ss: int, se: int) -> int:
        while se > ss and self.masked[se - 1] in _SENTENCE_TAIL:
            se -= 1
        return se

    def _speech_before(self, start: int, end: int, anchor: _Anchor) -> None:
        """Speech before the attribution: from the sentence start to before the comma."""
        self._add_region(start, end, anchor, split=False)

    def _speech_after(self, start: int, end: int, anchor: _Anchor) -> int:
        """Reported or quoted speech after the cue, up to ", adding" / ", according to" or a
        second speaker's clause. Returns where the next cue of the sentence may start."""
        m = self.masked
        resume = end
        for cue in R.CUE_RE.finditer(m, start, end):
            comma = m.rfind(",", max(start, cue.start() - 3), cue.start())
            if comma != -1 and not m[comma + 1 : cue.start()].strip() and cue.group("verb"):
                # "Ruiz wanted to attend ..., said Mark Jonas": another speaker's inverted cue.
                end = resume = comma
                break
            joined_verb = _AND_VERB_RE.search(m, max(start, cue.start() - 12), cue.start())
            if joined_verb is not None and joined_verb.end() == cue.start() and cue.group("verb"):
                # "... called the vote “a dark day” and said ...": the subject's next cue.
                end = resume = joined_verb.start()
                break
            window = _NEXT_CLAUSE_RE.finditer(m, max(start, cue.start() - 200), cue.start())
            last = deque(window, maxlen=1)
            if not last and cue.group("verb"):
                # "21 percent said “no” and 14 percent said “maybe”": a named or counted
                # second speaker after "and".
                last = deque(
                    _AND_SPEAKER_RE.finditer(m, max(start, cue.start() - 60), cue.start()), maxlen=1
                )
            if not last or cue.group("according"):
                continue
            joined = last[0]
            subject = np_backward(m, joined.end(), cue.start())
            if subject is not None and subject[0] == joined.end():
                end = resume = joined.start()
                break
        adding = R.ADDING_RE.search(m, start, end)
        writer = R.CLAUSE_STOP_RE.search(m, start, adding.start() if adding else end)
        if writer is not None:
            end = resume = writer.start()  # a cue in the writer's clause is read on its own
            adding = None
        according = R.ACCORDING_IN_RE.search(m, start, adding.start() if adding else end)
        stop = (
            min(x.start() for x in (adding, according, None) if x) if (adding or according) else end
        )
        if according is not None and not anchor.recipient:
            found = np_forward(m, according.end(), end)
            if found is not None:
                name = self.text[found[0] : found[1]]
                if {w.lower().strip(".") for w in name.split()} & R.OUTLET_WORDS:
                    anchor.recipient = re.sub(r"^the\s+", "", name)
        self._add_region(start, stop, anchor, split=True)
        if adding is not None and (according is None or adding.start() < according.start()):
            self._adding(adding, end, anchor)
        return resume

    def _after_speaker(self, pos: int, se: int, tail: int, anchor: _Anchor) -> None:
        """After "said X": ", adding ..." or a second part of a quote (", “B.”")."""
        m = self.masked
        adding = R.ADDING_RE.match(m, pos, tail)
        if adding is None:
            adding = R.ADDING_RE.search(m, pos, tail)
            after = m[pos : adding.start()] if adding is not None else ""
            if after.strip(" ,").split(" ")[0] not in _RELATIVES:
                adding = None
        if adding is not None:
            self._adding(adding, tail, anchor)
            return
        last = pos
        for quote in self.quotes.within(pos, se):
            between = m[last : quote.open].rstrip()
            if between.strip() and between[-1] not in ",:;—–":
                break  # "... on Valley Radio’s “Morning Show”": a title, not a second part
            self._add_quote(quote, anchor, anchor.confidence)
            last = quote.end(self.paragraphs)

    def _adding(self, match: re.Match, end: int, anchor: _Anchor) -> None:
        cue = (self.text[match.start(1) : match.end(1)], match.start(1), match.end(1))
        start = match.end()
        if match.group(1) == "telling":
            # "telling reporters that ...": the recipient is not the speech.
            told = R.RECIPIENT_RE.match(self.masked, start, end)
            if told is not None:
                that = _THAT_AFTER_RE.match(self.masked, told.end(), end)
                start = that.end() if that else told.end()
        tail = self._tail(start, end)
        self._add_region(start, tail, anchor, split=True, cue=cue)

    def _add_region(
        self,
        start: int,
        end: int,
        anchor: _Anchor,
        *,
        split: bool,
        cue: tuple[str, int, int] | None = None,
    ) -> None:
        parts = _coordination(self.masked, start, end) if split else [(start, end)]
        for a, b in parts:
            classified = self._classify(a, b)
            if classified is not None:
                kind, s, e = classified
                self.raws.append(_Raw(s, e, kind, anchor, anchor.confidence, cue))
                if kind == "direct":
                    quote = self.quotes.at(a if self.masked[a] == "“" else s - 1)
                    if quote is not None and quote.chain >= 0:
                        self.chain_anchors.setdefault(quote.chain, anchor)

    def _classify(self, start: int, end: int) -> tuple[str, int, int] | None:
        m = self.masked
        while start < end and m[start].isspace():
            start += 1
        while end > start and m[end - 1] in _SENTENCE_TAIL:
            end -= 1
        if end - start < 2:
            return None
        quote = self.quotes.at(start)
        if quote is not None and quote.end(self.paragraphs) >= end:
            s, e = self.quotes.inner(quote, self.work)
            return ("direct", s, e) if e > s else None
        if "“" in m[start:end]:
            return "mixed", start, end
        return "indirect", start, end

    def _add_quote(self, quote: Quote, anchor: _Anchor, confidence: float) -> None:
        s, e = self.quotes.inner(quote, self.work)
        if e > s:
            self.raws.append(_Raw(s, e, "direct", anchor, confidence))
            if quote.chain >= 0:
                self.chain_anchors.setdefault(quote.chain, anchor)


def _coordination(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split reported speech at a second predicate or that-clause joined by "and"."""
    parts: list[tuple[int, int]] = []
    pos = start
    for match in R.COORD_RE.finditer(masked, start, end):
        left = tokenize(masked, pos, match.start())
        if len(left) < 3 or not any(is_verb(left, i) for i in range(len(left))):
            continue
        parts.append((pos, match.start()))
        pos = match.end()
    parts.append((pos, end))
    return parts
