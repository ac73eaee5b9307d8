"""Cues: speech verbs and "according to" in a sentence, each read into a speaker, the
recipient, time and channel phrases around it, and where its speech lies."""

from __future__ import annotations

import re

from suggestions.extraction import lexicon as R
from suggestions.extraction.content import _NEXT_CLAUSE_RE, _RELATIVES, _Content
from suggestions.extraction.mentions import _strip_lower_article
from suggestions.extraction.phrases import is_verb, np_backward, np_forward, np_like, tokenize
from suggestions.extraction.records import _Anchor
from suggestions.extraction.segments import WORD_BEFORE_RE
from suggestions.extraction.speakers import _Speakers

# "said that the ..." drops the complementiser; "said that was not enough" keeps the pronoun.
_THAT_RE = re.compile(
    r"\s*(?:that\s+(?!(?:is|was|were|are|has|had|will|would|could|can|may|might|must|should)\b)"
    r"|:\s*|,\s*)?"
)
_STATEMENT_OF_RE = re.compile(
    r"(?:an?|the)\s+(?:[\w-]+\s+)?(?:statement|report|post|letter|release|tweet)\s+"
    r"(?:from|by|issued\s+by|released\s+by|of)\s+"
)
_TERMINAL_RE = re.compile(
    r"\s*(?:,?\s*adding\b|,\s*according\s+to\b|,?\s*“|,\s*(?:who|whose|which)\b"
    r"|,\s*[a-z]+ing\b"
    r"|,?\s*(?:speaking\s+|who\s+spoke\s+)?on\s+(?:the\s+)?condition\b)"
)
_THAT_AHEAD_RE = re.compile(
    r"\s+(?:(?:on|in|at|outside|inside|near|from|after|before|during|of"
    r"|the|a|an|his|her|their|its|[\w’'-]+)\s+){1,7}?(that\s)"
)
_NOT_BEFORE_CUE = R.words(
    "was were is are be been being not never to did does do would could should will can may "
    "might must the a an this his her its their our my your"
)


class _Cues(_Content, _Speakers):
    """One sentence's cues, each turned into an anchor (speaker resolved) and its speech."""

    def _sentence(self, ss: int, se: int) -> list[_Anchor]:
        anchors: list[_Anchor] = []
        consumed = ss
        for match in R.CUE_RE.finditer(self.masked, ss, se):
            if match.start() < consumed:
                continue
            if match.group("according"):
                result = self._according(ss, se, match.start(), match.end())
            else:
                result = self._verb(ss, se, match.start(), match.end(), match.group("verb"))
            if result is not None:
                anchors.append(result[0])
                consumed = result[1]
        return anchors

    def _verb(self, ss: int, se: int, cs: int, ce: int, cue: str) -> tuple[_Anchor, int] | None:
        m = self.masked
        prev = WORD_BEFORE_RE.search(m, max(ss, cs - 30), cs)
        prev_word = prev.group(1).lower() if prev and prev.end() >= cs - 1 else ""
        if prev and m[prev.end() : cs].strip():
            prev_word = ""  # punctuation in between: "..., said" has no word before it
        if prev_word in _NOT_BEFORE_CUE or prev_word.endswith("n't"):
            return None
        tail = self._tail(ss, se)
        told = cue in R.TOLD_VERBS
        # Speech placed before an inverted verb: "“...,” said Simone Awad, a fighter."
        k = cs
        while k > ss and m[k - 1].isspace():
            k -= 1
        if k > ss and m[k - 1] in ",”":
            found = np_forward(m, ce, tail)
            if found is not None:
                np_start, np_end, stop = found
                pos, extras = self._extras(stop, tail, told=False)
                relative = m[stop:se].lstrip(" ,").split(" ", 1)[0].lower() in _RELATIVES
                content_end = k - 1 if m[k - 1] == "," else k
                if (relative or self._terminal(pos, tail)) and self._content_ok(ss, content_end):
                    anchor = self._anchor(np_start, np_end, cue, cs, ce, extras, ss, se)
                    self._speech_before(ss, content_end, anchor)
                    self._after_speaker(pos, se, tail, anchor)
                    return anchor, se
        subject = np_backward(m, ss, cs)
        if subject is None and prev_word == "and":
            subject = self._clause_subject(ss, cs)
        if subject is None:
            return None
        np_start, np_end = subject
        pos, extras = self._extras(ce, tail, told=told)
        # Speech placed before the speaker: "Clashes were underway ..., he said, adding ..."
        k = np_start
        while k > ss and m[k - 1].isspace():
            k -= 1
        if k > ss and m[k - 1] in ",”" and self._terminal(pos, tail):
            content_end = k - 1 if m[k - 1] == "," else k
            if self._content_ok(ss, content_end):
                anchor = self._anchor(np_start, np_end, cue, cs, ce, extras, ss, se)
                self._speech_before(ss, content_end, anchor)
                self._after_speaker(pos, se, tail, anchor)
                return anchor, se
        # Speech after the cue: "Another commander said at least four fighters were killed."
        if prev_word != "and" and not self._subject_starts_clause(ss, np_start):
            return None
        lead_when = R.WHEN_RE.match(m, ss, np_start)
        lead_channel = R.CHANNEL_RE.match(m, ss, np_start)
        if lead_when and not extras.get("when"):
            extras["when"] = self.work[lead_when.start() : lead_when.end()]
        if lead_channel and extras.get("channel", "unknown") == "unknown":
            extras["channel"] = _channel_of(lead_channel)
        pos = self._skip_to_that(pos, tail)
        gap = _THAT_RE.match(m, pos, tail)
        start = gap.end() if gap else pos
        anchor = self._anchor(np_start, np_end, cue, cs, ce, extras, ss, se)
        if start >= tail:
            if m[pos:se].strip().startswith(":"):
                return anchor, se  # "X said:" with the quote in the next paragraph
            return None
        return anchor, self._speech_after(start, tail, anchor)

    def _clause_subject(self, ss: int, cs: int) -> tuple[int, int] | None:
        """The subject of a sentence whose second verb is the cue: "But opposition leader
        Matteo Sarv called the vote “a dark day” and said ..." -> "opposition leader ..."."""
        m = self.masked
        start = ss
        opener = re.match(r"(?:But|And|Yet|Still|However|Meanwhile),?\s+", m[ss : ss + 12])
        if opener:
            start += opener.end()
        found = np_forward(m, start, cs, until_verb=True)
        if found is None or found[2] >= cs or (found[2] == found[1] and m[found[2]] == ","):
            return None
        return found[0], found[1]

    def _subject_starts_clause(self, ss: int, np_start: int) -> bool:
        """The subject opens the sentence, or follows an adverbial phrase and a comma, or a
        conjunction opening a second clause ("..., but officials said ...")."""
        lead = self.masked[ss:np_start].rstrip()
        if not lead:
            return True
        if lead.endswith(","):
            # An adverbial before the subject ("On Tuesday, ...", "Even as the group
            # crumbled, ..."), not a clause of speech ("Prices will rise, the bank ...").
            toks = tokenize(self.masked, ss, np_start)
            opener = toks[0][2].lower() if toks else ""
            clause = any(is_verb(toks, i) for i in range(len(toks)))
            return not clause or opener in R.NON_SUBJECT_OPENERS
        joined = _NEXT_CLAUSE_RE.search(self.masked, max(ss, np_start - 12), np_start + 1)
        return joined is not None and joined.end() >= np_start

    def _content_ok(self, start: int, end: int, *, clause_expected: bool = False) -> bool:
        """Whether text before an attribution reads as speech, not as the speaker's own
        description ("A third commander, Dilbrin Nargiz, said ...")."""
        if end - start < 2:
            return False
        toks = tokenize(self.masked, start, end)
        if any(t[2] == "“" for t in toks):
            return True
        if not toks or (np_like(toks) and not clause_expected):
            return False
        return any(is_verb(toks, i) for i in range(len(toks))) or len(toks) >= 4

    def _terminal(self, pos: int, tail: int) -> bool:
        return pos >= tail or bool(_TERMINAL_RE.match(self.masked, pos, tail + 1))

    def _extras(self, pos: int, se: int, *, told: bool) -> tuple[int, dict[str, str]]:
        """Recipient, time and channel phrases right after a cue or speaker."""
        m = self.masked
        extras: dict[str, str] = {}
        for _ in range(4):
            start = pos
            while start < se and m[start] == " ":
                start += 1
            if told and "recipient" not in extras:
                match = R.RECIPIENT_RE.match(m, start, se)
                if match and not R.WHEN_RE.match(m, start, se):
                    extras["recipient"] = self._recipient(match)
                    last = match.group().split()[-1].lower()
                    channel = R.RECIPIENT_CHANNELS.get(last)
                    if channel is None and extras["recipient"]:
                        channel = "interview"  # told an outlet
                    if channel is not None:
                        extras.setdefault("channel", channel)
                    pos = match.end()
                    continue
            match = R.WHEN_RE.match(m, start, se)
            if match and "when" not in extras:
                extras["when"] = self.work[match.start() : match.end()]
                pos = match.end()
                continue
            match = R.CHANNEL_RE.match(m, start, se)
            if match:
                channel = _channel_of(match)
                if channel != "unknown" or "channel" not in extras:
                    extras["channel"] = channel
                outlet = match.group("with")
                if outlet and {w.lower() for w in outlet.split()} & R.OUTLET_WORDS:
                    extras.setdefault("recipient", _strip_lower_article(outlet))
                pos = match.end()
                continue
            break
        return pos, extras

    def _skip_to_that(self, pos: int, tail: int) -> int:
        """Past a short place or manner phrase before "that": "told reporters outside the
        court that ...", "said on the sidelines of the summit that ..."."""
        m = self.masked
        that = _THAT_AHEAD_RE.match(m, pos, min(tail, pos + 80))
        if that is None:
            return pos
        toks = tokenize(m, pos, that.start(1))
        if any(is_verb(toks, i) or t[2] in ",“:" for i, t in enumerate(toks)):
            return pos
        return that.start(1)

    def _recipient(self, match: re.Match) -> str:
        proper = match.group("proper")
        if not proper:
            return ""
        words = {w.lower().strip(".") for w in proper.split()}
        return (
            self.work[match.start("proper") : match.end("proper")] if words & R.OUTLET_WORDS else ""
        )

    def _anchor(
        self,
        np_start: int,
        np_end: int,
        cue: str,
        cs: int,
        ce: int,
        extras: dict[str, str],
        ss: int,
        se: int,
    ) -> _Anchor:
        channel = extras.get("channel", "unknown")
        if cue in R.SOCIAL_VERBS:
            channel = "social_media_post"
        entity, confidence = self._resolve(np_start, np_end, se, channel)
        return _Anchor(
            entity=entity,
            mention=self.text[np_start:np_end],
            speaker_start=np_start,
            speaker_end=np_end,
            cue=self.text[cs:ce],
            cue_start=cs,
            cue_end=ce,
            recipient=extras.get("recipient", ""),
            when=extras.get("when", ""),
            channel=channel,
            confidence=confidence,
        )

    def _according(self, ss: int, se: int, cs: int, ce: int) -> tuple[_Anchor, int] | None:
        m = self.masked
        tail = self._tail(ss, se)
        lead = m[ss:cs].strip()
        if not lead:
            # "According to X, the clause." The clause starts after the first comma that is
            # followed by a verb before the next comma.
            pos = m.find(",", ce, tail)
            while pos != -1:
                nxt = m.find(",", pos + 1, tail)
                toks = tokenize(m, pos + 1, nxt if nxt != -1 else tail)
                if any(is_verb(toks, i) for i in range(len(toks))):
                    break
                pos = nxt
            if pos == -1:
                return None
            speaker = (ce, pos)
            while speaker[0] < speaker[1] and m[speaker[0]].isspace():
                speaker = (speaker[0] + 1, speaker[1])
            while speaker[1] > speaker[0] and m[speaker[1] - 1].isspace():
                speaker = (speaker[0], speaker[1] - 1)
            anchor = self._according_anchor(speaker[0], speaker[1], cs, ce, ss, se)
            return anchor, self._speech_after(pos + 1, tail, anchor)
        # "The clause, according to X." Speech from the sentence start.
        found = np_forward(m, ce, tail)
        if found is None:
            return None
        content_end = cs
        while content_end > ss and m[content_end - 1] in " ,":
            content_end -= 1
        if not self._content_ok(ss, content_end, clause_expected=True):
            return None
        anchor = self._according_anchor(found[0], found[1], cs, ce, ss, se)
        self._speech_before(ss, content_end, anchor)
        return anchor, se

    def _according_anchor(
        self, start: int, end: int, cs: int, ce: int, ss: int, se: int
    ) -> _Anchor:
        # "a statement from the town hall": the town hall speaks, through a statement.
        inner = _STATEMENT_OF_RE.match(self.masked, start, end)
        if inner is not None:
            anchor = self._anchor(inner.end(), end, "according to", cs, ce, {}, ss, se)
            anchor.speaker_start, anchor.mention = start, self.text[start:end]
            anchor.channel = "statement"
        else:
            anchor = self._anchor(start, end, "according to", cs, ce, {}, ss, se)
        return anchor


def _channel_of(match: re.Match) -> str:
    if match.group("call"):
        return "press_conference" if "conference" in match.group() else "interview"
    if match.group("social"):
        return "social_media_post"
    if match.group("tv"):
        return "broadcast"
    if match.group("press"):
        return "press_conference"
    event = match.group("event")
    if event and ("conference" in event or "briefing" in event):
        return "press_conference"
    doc = match.group("doc")
    if doc in ("statement", "release", "letter", "report", "filing"):
        return "statement" if doc != "report" else "document"
    if doc == "interview":
        return "interview"
    if doc in ("post", "tweet", "video", "message"):
        return "social_media_post"
    if doc in ("address", "speech"):
        return "broadcast"
    return "unknown"
