"""The rule-based extractor: article text in, suggested attributions out."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from suggestions.extraction import lexicon as R
from suggestions.extraction.types import (
    Extraction,
    ExtractionError,
    KnownSource,
    ProposedSource,
    Suggestion,
)


def extract(
    text: str, *, known_sources: Sequence[KnownSource] = (), max_chars: int = 2_000_000
) -> Extraction:
    """Suggest attributions for an article body.

    ``text`` is the canonical body every offset points into. Raises ``ExtractionError`` (a
    ``ValueError``) when ``text`` is not a string or is longer than ``max_chars``, or when
    ``known_sources`` holds something other than ``KnownSource``. Empty text, text without
    quotes, unbalanced quotation marks, control characters and any script are accepted;
    time and memory grow linearly with the length of the text.
    """
    if not isinstance(text, str):
        raise ExtractionError(f"text must be a str, not {type(text).__name__}")
    if not isinstance(max_chars, int) or max_chars < 1:
        raise ExtractionError("max_chars must be a positive integer")
    if len(text) > max_chars:
        raise ExtractionError(
            f"text is {len(text):,} characters long; the limit is {max_chars:,} "
            "(split the document or raise max_chars)"
        )
    for known in known_sources:
        if not isinstance(known, KnownSource):
            raise ExtractionError(f"known_sources must hold KnownSource, not {known!r:.60}")
    if not text.strip():
        return Extraction((), ())
    return _Extractor(text, known_sources).run()


# --- internal records ----------------------------------------------------------------------


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


@dataclass
class _Raw:
    start: int
    end: int
    kind: str
    anchor: _Anchor
    confidence: float
    cue: tuple[str, int, int] | None = None  # overrides the anchor's cue ("adding")


_SENTENCE_TAIL = " \t\n.;:,!?"
_PARAGRAPH_ENDINGS = frozenset(".!?:;”\"’')…»」』")
# How many recently mentioned sources a pronoun, surname-less role or "the ministry" may
# refer back to. Bounded so resolution costs the same per mention in any article length.
_RECENT_WINDOW = 40
_ORG_KINDS = ("organization", "official_account")
_RELATIVES = ("who", "whose", "which")
_IT_KINDS = ("organization", "official_account", "document")
_COLLECTIVE_KINDS = ("organization", "official_account", "group")
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
# A second speaker in the same sentence: "..., but officials said ...".
_NEXT_CLAUSE_RE = re.compile(r",\s+(?:but|while|whereas|and|although|though|as)\s+")
_WORD_RE = re.compile(r"[\w-]+")
_ACRONYM_RE = re.compile(r",\s+or\s+([A-Z][A-Z0-9-]{1,9})\b")
_NAME_PARTICLES = R.words("al al- bin ibn de da di du van von der den la le el abu")


class _Extractor:
    def __init__(self, text: str, known_sources: Sequence[KnownSource]) -> None:
        self.text = text
        self.work = R.prepare(text)
        # Entities in order of last mention, most recent last: resolution looks back over a
        # bounded window of them, so each mention costs the same in a long article.
        self.recent: dict[int, _Entity] = {}
        self.people_by_name: dict[str, _Entity] = {}
        self.people_by_word: dict[str, _Entity] = {}
        self.orgs_by_form: dict[str, _Entity] = {}
        self.raws: list[_Raw] = []
        self.stray_marks = 0
        self.known_by_form: dict[str, KnownSource | None] = {}
        self.known_by_surname: dict[str, KnownSource | None] = {}
        self.known_entities: dict[int, _Entity] = {}
        self.known_orgs_by_head: dict[str, list[tuple[frozenset[str], KnownSource]]] = {}
        for known in known_sources:
            for form in (known.name, *known.aliases):
                self._index_known(self.known_by_form, fold_mention(form), known)
                if known.kind in _ORG_KINDS and form:
                    entry = (_word_set(form), known)
                    self.known_orgs_by_head.setdefault(_last_word(form), []).append(entry)
            if known.kind == "person" and known.name.strip():
                self._index_known(
                    self.known_by_surname, fold_mention(known.name.split()[-1]), known
                )

    @staticmethod
    def _index_known(index: dict, form: str, known: KnownSource) -> None:
        # A form shared by two sources is ambiguous and matches neither.
        if form:
            index[form] = known if index.get(form, known) is known else None

    # --- pipeline --------------------------------------------------------------------------

    def run(self) -> Extraction:
        work = self.work
        self.paragraphs = R.split_paragraphs(work)
        quotes, self.stray_marks = R.find_quotes(work, self.paragraphs)
        self.masked = R.build_masked(work, quotes, self.paragraphs)
        self.quotes = R.QuoteIndex(quotes, self.paragraphs)
        sentence_count = 0
        self.para_anchors: list[list[tuple[int, _Anchor]]] = []
        self.chain_anchors: dict[int, _Anchor] = {}
        pending: list[tuple[int, int, R.Quote]] = []
        for p_index, (ps, pe) in enumerate(self.paragraphs):
            body_start = R.dateline_end(self.masked, ps, pe) if p_index < 4 else ps
            anchors_here: list[tuple[int, _Anchor]] = []
            self.para_anchors.append(anchors_here)
            if _is_heading(work, ps, pe):
                continue
            for ss, se in R.split_sentences(self.masked, work, body_start, pe):
                s_index = sentence_count
                sentence_count += 1
                found = self._sentence(ss, se)
                self._anonymity(ss, se, found)
                anchors_here.extend((s_index, a) for a in found)
                quote = self._quote_only(ss, se)
                if quote is not None and not found:
                    pending.append((p_index, s_index, quote))
        self._continuations(pending)
        return self._output()

    def _quote_only(self, ss: int, se: int) -> R.Quote | None:
        quote = self.quotes.at(ss)
        if quote is None:
            return None
        end = quote.end(self.paragraphs)
        rest = self.masked[end:se].strip(_SENTENCE_TAIL)
        return quote if not rest else None

    # --- one sentence ----------------------------------------------------------------------

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

    def _tail(self, ss: int, se: int) -> int:
        while se > ss and self.masked[se - 1] in _SENTENCE_TAIL:
            se -= 1
        return se

    def _verb(self, ss: int, se: int, cs: int, ce: int, cue: str) -> tuple[_Anchor, int] | None:
        m = self.masked
        prev = R.WORD_BEFORE_RE.search(m, max(ss, cs - 30), cs)
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
            found = R.np_forward(m, ce, tail)
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
        subject = R.np_backward(m, ss, cs)
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
        found = R.np_forward(m, start, cs, until_verb=True)
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
            toks = R.tokenize(self.masked, ss, np_start)
            opener = toks[0][2].lower() if toks else ""
            clause = any(R.is_verb(toks, i) for i in range(len(toks)))
            return not clause or opener in R.NON_SUBJECT_OPENERS
        joined = _NEXT_CLAUSE_RE.search(self.masked, max(ss, np_start - 12), np_start + 1)
        return joined is not None and joined.end() >= np_start

    def _content_ok(self, start: int, end: int, *, clause_expected: bool = False) -> bool:
        """Whether text before an attribution reads as speech, not as the speaker's own
        description ("A third commander, Dilbrin Nargiz, said ...")."""
        if end - start < 2:
            return False
        toks = R.tokenize(self.masked, start, end)
        if any(t[2] == "“" for t in toks):
            return True
        if not toks or (R.np_like(toks) and not clause_expected):
            return False
        return any(R.is_verb(toks, i) for i in range(len(toks))) or len(toks) >= 4

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
        toks = R.tokenize(m, pos, that.start(1))
        if any(R.is_verb(toks, i) or t[2] in ",“:" for i, t in enumerate(toks)):
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

    def _speech_before(self, start: int, end: int, anchor: _Anchor) -> None:
        """Speech before the attribution: from the sentence start to before the comma."""
        self._add_region(start, end, anchor, split=False)

    def _speech_after(self, start: int, end: int, anchor: _Anchor) -> int:
        """Reported or quoted speech after the cue, up to ", adding" / ", according to" or a
        second speaker's clause. Returns where the next cue of the sentence may start."""
        m = self.masked
        resume = end
        for cue in R.CUE_RE.finditer(m, start, end):
            window = _NEXT_CLAUSE_RE.finditer(m, max(start, cue.start() - 200), cue.start())
            last = deque(window, maxlen=1)
            if not last or cue.group("according"):
                continue
            joined = last[0]
            subject = R.np_backward(m, joined.end(), cue.start())
            if subject is not None and subject[0] == joined.end():
                end = resume = joined.start()
                break
        adding = R.ADDING_RE.search(m, start, end)
        according = R.ACCORDING_IN_RE.search(m, start, adding.start() if adding else end)
        stop = (
            min(x.start() for x in (adding, according, None) if x) if (adding or according) else end
        )
        if according is not None and not anchor.recipient:
            found = R.np_forward(m, according.end(), end)
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
        for quote in self.quotes.within(pos, se):
            self._add_quote(quote, anchor, anchor.confidence)

    def _adding(self, match: re.Match, end: int, anchor: _Anchor) -> None:
        cue = (self.text[match.start(1) : match.end(1)], match.start(1), match.end(1))
        start = match.end()
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

    def _add_quote(self, quote: R.Quote, anchor: _Anchor, confidence: float) -> None:
        s, e = self.quotes.inner(quote, self.work)
        if e > s:
            self.raws.append(_Raw(s, e, "direct", anchor, confidence))
            if quote.chain >= 0:
                self.chain_anchors.setdefault(quote.chain, anchor)

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
                toks = R.tokenize(m, pos + 1, nxt if nxt != -1 else tail)
                if any(R.is_verb(toks, i) for i in range(len(toks))):
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
        found = R.np_forward(m, ce, tail)
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

    # --- continuations ---------------------------------------------------------------------

    def _continuations(self, pending: list[tuple[int, int, R.Quote]]) -> None:
        """Quote-only sentences take the speaker of their quote chain, of the paragraph, or
        of the previous paragraph (wire copy runs a speaker's quotes on like this).

        ``pending`` is in text order; each paragraph is walked once, so a paragraph of
        thousands of quotes costs linear time."""
        by_para: dict[int, list[tuple[int, R.Quote]]] = {}
        for p_index, s_index, quote in pending:
            by_para.setdefault(p_index, []).append((s_index, quote))
        for p_index, items in by_para.items():
            here = self.para_anchors[p_index]
            derived: list[tuple[int, _Anchor]] = []
            before: _Anchor | None = None
            j = 0
            for s_index, quote in items:
                while j < len(here) and here[j][0] < s_index:
                    before = here[j][1]
                    j += 1
                anchor, confidence = None, 0.0
                if quote.chain >= 0 and quote.chain in self.chain_anchors:
                    anchor, confidence = self.chain_anchors[quote.chain], 0.75
                elif before is not None:
                    anchor, confidence = before, 0.75
                elif j < len(here):
                    anchor, confidence = here[j][1], 0.65
                elif p_index > 0 and self.para_anchors[p_index - 1]:
                    anchor, confidence = self.para_anchors[p_index - 1][-1][1], 0.55
                if anchor is None:
                    continue
                self._add_quote(quote, anchor, confidence)
                derived.append((s_index, anchor))
                before = anchor
            if derived:
                here.extend(derived)
                here.sort(key=lambda item: item[0])

    # --- speakers ----------------------------------------------------------------------------

    def _resolve(self, start: int, end: int, se: int, channel: str) -> tuple[_Entity, float]:
        """The entity a speaker mention refers to, creating one when it is new."""
        m = self.masked
        toks = R.tokenize(m, start, end)
        text = self.work[start:end]
        lower = text.lower()
        confidence = 0.85
        if lower in R.SUBJECT_PRONOUNS:
            entity = self._pronoun(lower)
            confidence = 0.7 if entity is not None else 0.3
            if entity is None:
                gender = {"he": "m", "she": "f"}.get(lower)
                entity = _Entity(
                    kind="anonymous", description=text, plural=lower == "they", gender=gender
                )
        else:
            entity = self._mention(toks, text, start)
        if channel == "social_media_post" and entity.kind == "organization":
            entity.kind = "official_account"
        if entity.gender is None and entity.kind in ("person", "anonymous") and not entity.plural:
            entity.gender = self._gender(toks, end, se)
        entity.spoke = True
        self._touch(entity)
        return entity, confidence

    def _touch(self, entity: _Entity) -> None:
        self.recent.pop(id(entity), None)
        self.recent[id(entity)] = entity

    def _recent(self) -> Iterator[_Entity]:
        return islice(reversed(self.recent.values()), _RECENT_WINDOW)

    def _pronoun(self, pronoun: str) -> _Entity | None:
        """The most recent speaker a pronoun can refer to (gender, number and kind agree)."""
        for entity in self._recent():
            if not entity.spoke:
                continue
            if pronoun in ("he", "she"):
                if entity.kind not in ("person", "anonymous") or entity.plural:
                    continue
                wanted = "m" if pronoun == "he" else "f"
                if entity.gender in (None, wanted):
                    entity.gender = wanted
                    return entity
            elif (pronoun == "it" and entity.kind in _IT_KINDS) or (
                pronoun in ("they", "we") and (entity.plural or entity.kind in _COLLECTIVE_KINDS)
            ):
                return entity
        return None

    def _gender(self, toks: list[tuple[int, int, str]], end: int, se: int) -> str | None:
        words = [t[2].lower() for t in toks]
        for word in words:
            if word in R.FEMALE_WORDS:
                return "f"
            if word in R.MALE_WORDS:
                return "m"
        # A pronoun later in the sentence: "..., whose friend was shot next to him."
        after = {w.lower() for w in re.findall(r"[A-Za-z]+", self.work[end:se])}
        male, female = bool(after & {"he", "his", "him"}), bool(after & {"she", "her", "hers"})
        if male != female:
            return "m" if male else "f"
        for word in words:
            if word in R.FEMALE_NAMES:
                return "f"
            if word in R.MALE_NAMES:
                return "m"
        return None

    def _mention(self, toks: list[tuple[int, int, str]], text: str, start: int) -> _Entity:
        """A named or described speaker: matched in the archive, among sources seen in this
        article (name, surname, alias, "the ministry"), or new with the kind, role and
        affiliation the mention gives."""
        known = self._known(text)
        segments = _split_tokens(toks)
        name_index, name_seg, title = _name_segment(segments)
        # "Dr. Hana Lee of the Ostmark Institute": the phrase after the name.
        name_rest = segments[name_index][len(title) + len(name_seg) :] if name_seg else []
        descriptions = [seg for i, seg in enumerate(segments) if i != name_index]
        desc_text = ", ".join(self.work[s[0][0] : s[-1][1]] for s in descriptions if s)
        if title and not all(t[2].lower().rstrip(".") in _HONORIFICS for t in title):
            desc_text = desc_text or self.work[title[0][0] : title[-1][1]]
        head_seg = descriptions[0] if descriptions else (name_seg or [])
        head_i = R.head_index(head_seg) if head_seg else -1
        head = head_seg[head_i][2].lower() if head_i >= 0 else ""
        is_org = head in R.ORG_HEADS or (name_seg is not None and _org_name(name_seg) and not title)
        if known is None and name_seg is not None:
            known = self._known(self.work[name_seg[0][0] : name_seg[-1][1]])
        if known is not None:
            entity = self._known_entity(known)
            if not entity.description and desc_text:
                entity.description = desc_text
            return entity
        entity = self._mention_entity(
            segments, name_seg, title, descriptions, desc_text, head, is_org, text, start
        )
        if name_rest and entity.kind == "person" and entity.affiliation is None:
            entity.affiliation = self._pp_affiliation(name_rest, start)
        acronym = _ACRONYM_RE.search(text)
        if acronym and entity.affiliation is not None and entity.affiliation.known is None:
            _add_alias(entity.affiliation, acronym.group(1))
        return entity

    def _mention_entity(
        self,
        segments: list[list[tuple[int, int, str]]],
        name_seg: list[tuple[int, int, str]] | None,
        title: list[tuple[int, int, str]],
        descriptions: list[list[tuple[int, int, str]]],
        desc_text: str,
        head: str,
        is_org: bool,
        text: str,
        start: int,
    ) -> _Entity:
        if name_seg is not None and not (is_org and not title and descriptions):
            name = self.work[name_seg[0][0] : name_seg[-1][1]]
            if is_org or _org_name(name_seg):
                return self._org(_strip_article(name), desc_text, start, mention=text)
            return self._person(name, title, descriptions, desc_text, start)
        if name_seg is not None:
            # "The developer, Halden Homes": a company described by its line of business.
            name = _strip_article(self.work[name_seg[0][0] : name_seg[-1][1]])
            return self._org(name, desc_text, start, mention=text)
        if head in R.DOCUMENT_HEADS or head.removesuffix("s") in R.DOCUMENT_HEADS:
            owner = self._statement_owner(start)
            if owner is not None:
                return owner
            return _Entity(kind="document", description=text, head=head)
        if is_org:
            org_seg = next(
                (g for g in segments if g[R.head_index(g)][2].lower() in R.ORG_HEADS), segments[0]
            )
            org_text = self.work[org_seg[0][0] : org_seg[-1][1]]
            return self._org(_strip_article(org_text), text, start, head=head, mention=text)
        return self._unnamed(segments, text, head, start)

    def _known(self, form: str) -> KnownSource | None:
        if not self.known_by_form:
            return None
        return self.known_by_form.get(fold_mention(form))

    def _known_org(self, words: frozenset[str], head: str) -> KnownSource | None:
        """An archived organisation whose full name the mention contains ("Venmark’s Health
        Ministry" -> "Health Ministry"). A shorter mention ("the ministry") is not enough:
        across articles it could be any ministry. One match only."""
        if len(words) < 2:
            return None
        found = {
            known.id: known
            for names, known in self.known_orgs_by_head.get(head, ())
            if len(names) >= 2 and names <= words
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def _known_entity(self, known: KnownSource) -> _Entity:
        entity = self.known_entities.get(known.id)
        if entity is None:
            kind = known.kind
            entity = _Entity(
                kind=kind, name=known.name, role=known.role, head=_last_word(known.name)
            )
            entity.known = known
            entity.aliases.extend(known.aliases)
            entity.plural = kind == "group"
            self.known_entities[known.id] = entity
            if kind in _ORG_KINDS:
                self.orgs_by_form[fold_mention(known.name)] = entity
            self._touch(entity)
        return entity

    def _person(
        self,
        name: str,
        title: list[tuple[int, int, str]],
        descriptions: list[list[tuple[int, int, str]]],
        desc_text: str,
        start: int,
    ) -> _Entity:
        parts = name.split()
        if len(parts) == 1:
            if self.known_by_surname:
                known = self.known_by_surname.get(fold_mention(name))
                if known is not None:
                    return self._known_entity(known)
            entity = self.people_by_word.get(name.casefold())
            if entity is not None:
                _add_alias(entity, name)
                return entity
        entity = self.people_by_name.get(name.casefold())
        if entity is not None:
            return entity
        role, affiliation = "", None
        if title:
            role = " ".join(t[2] for t in title if t[2].lower().rstrip(".") not in _HONORIFICS)
            role = role.lower()
        for seg in descriptions:
            seg_role, seg_aff = self._role_and_affiliation(seg, start)
            role = role or seg_role
            affiliation = affiliation or seg_aff
        entity = _Entity(kind="person", name=name, description=desc_text, role=role)
        entity.head = role.split()[-1] if role else ""
        entity.affiliation = affiliation
        if entity.affiliation is None and role and descriptions:
            entity.affiliation = self._inherited_affiliation(descriptions[0], entity.head)
        entity.aliases.append(name)
        if len(parts) > 1:
            entity.aliases.append(parts[-1])
        self.people_by_name[name.casefold()] = entity
        for part in parts:
            self.people_by_word[part.casefold()] = entity
        return entity

    def _org(
        self, name: str, description: str, start: int, *, head: str = "", mention: str = ""
    ) -> _Entity:
        head = head or _last_word(name)
        words = _word_set(name)
        short = len(words) <= 1  # "the ministry", "the coalition", "the agency"
        entity = self.orgs_by_form.get(fold_mention(name))
        if entity is not None:
            return entity
        known = self._known(name) or self._known_org(words, head)
        if known is not None:
            return self._known_entity(known)
        for entity in self._recent():
            if entity.kind not in _ORG_KINDS:
                continue
            other = _word_set(entity.name) | {w for a in entity.aliases for w in _word_set(a)}
            if entity.head == head and (
                short or words <= _word_set(entity.name) or _word_set(entity.name) <= words
            ):
                if mention:
                    _add_alias(entity, mention)
                return entity
            if short and head in other:
                if mention:
                    _add_alias(entity, mention)
                return entity
        entity = _Entity(
            kind="organization", name=name, description=description or mention, head=head
        )
        if mention and mention != name:
            entity.aliases.append(mention)
        self.orgs_by_form[fold_mention(name)] = entity
        self._touch(entity)
        return entity

    def _unnamed(
        self, segments: list[list[tuple[int, int, str]]], text: str, head: str, start: int
    ) -> _Entity:
        first = segments[0][0][2].lower() if segments and segments[0] else ""
        plural = (head.endswith("s") and head != "police") or " and " in text
        if head in R.GROUP_HEADS or " and " in text:
            kind = "group"
        elif head in R.ANON_PLURALS or head in R.ANON_ROLE_HEADS:
            kind = "anonymous"
        else:
            kind = "group" if plural else "anonymous"
        definite = first in ("the", "this", "that", "these", "those")
        if definite or plural:
            singular = head[:-1] if head.endswith("s") else head
            for entity in self._recent():
                if entity.kind not in ("anonymous", "group", "person") or not entity.spoke:
                    continue
                same_words = fold_mention(entity.description) == fold_mention(text)
                same_head = entity.head in (head, singular) or entity.role in (head, singular)
                if same_words or (definite and same_head):
                    return entity
        role, affiliation = self._role_and_affiliation(segments[0], start)
        entity = _Entity(kind=kind, description=text, role=role or head, head=head, plural=plural)
        entity.affiliation = affiliation or self._inherited_affiliation(segments[0], head)
        return entity

    def _role_and_affiliation(
        self, seg: list[tuple[int, int, str]], start: int
    ) -> tuple[str, _Entity | None]:
        """Role ("spokesman") and affiliation ("for the US-backed forces") of a description."""
        if not seg:
            return "", None
        head_i = R.head_index(seg)
        role = seg[head_i][2].lower() if head_i >= 0 and seg[head_i][2].isalpha() else ""
        affiliation = self._pp_affiliation(seg[head_i + 1 :], start)
        if affiliation is None and head_i > 0:
            modifier = seg[head_i - 1][2].lower()
            if modifier in R.ORG_HEADS:
                for entity in self._recent():
                    if entity.kind in _ORG_KINDS and entity.head == modifier:
                        affiliation = entity
                        break
        return role, affiliation

    def _pp_affiliation(self, toks: list[tuple[int, int, str]], start: int) -> _Entity | None:
        """The organisation in "with/for/of/at/from the X" opening ``toks``, if it is one."""
        for i, tok in enumerate(toks):
            if tok[2].lower() not in ("with", "for", "of", "at", "from"):
                continue
            org_toks = toks[i + 1 :]
            if not org_toks:
                return None
            org_text = self.work[org_toks[0][0] : org_toks[-1][1]]
            org_text, _, acronym = org_text.partition(", or ")
            bare = _strip_article(org_text)
            if _last_word(org_text) not in R.ORG_HEADS and not bare[:1].isupper():
                return None
            known = self._known(org_text)
            if known is not None:
                return self._known_entity(known)
            affiliation = self._org(bare, "", start, mention=org_text)
            if acronym:
                _add_alias(affiliation, acronym.strip())
            return affiliation
        return None

    def _inherited_affiliation(self, seg: list[tuple[int, int, str]], head: str) -> _Entity | None:
        """ "Another commander", "A third commander": same side as the earlier commander."""
        if not seg or seg[0][2].lower() not in ("another", "a", "an") or not head:
            return None
        if seg[0][2].lower() != "another" and not (
            len(seg) > 1 and seg[1][2].lower() in ("second", "third", "fourth", "fifth")
        ):
            return None
        for entity in self._recent():
            if entity.head == head and entity.affiliation is not None:
                return entity.affiliation
        return None

    def _statement_owner(self, pos: int) -> _Entity | None:
        for raw in islice(reversed(self.raws), _RECENT_WINDOW):
            anchor = raw.anchor
            if anchor.speaker_start < pos and anchor.channel in ("statement", "social_media_post"):
                return anchor.entity
        return None

    # --- anonymity -------------------------------------------------------------------------

    def _anonymity(self, ss: int, se: int, found: list[_Anchor]) -> None:
        """Attach "spoke on condition of anonymity because ..." to the sources it covers."""
        for match in R.ANONYMITY_RE.finditer(self.masked, ss, se):
            group = "reason" if match.group("reason") else "purpose"
            if match.group(group):
                reason = self.work[match.start(group) : match.end(group)].strip()
            else:
                # "who was not authorized to speak publicly and spoke on condition of ..."
                near = R.NOT_ALLOWED_RE.search(self.masked, ss, se)
                reason = self.work[near.start() : near.end()] if near else ""
            reason = R.REASON_SUBJECT_RE.sub("", reason)
            if not reason:
                continue
            for entity in self._anonymous_targets(found, ss, match.start()):
                if not entity.anonymity_reason:
                    entity.anonymity_reason = reason

    def _anonymous_targets(self, found: list[_Anchor], ss: int, pos: int) -> list[_Entity]:
        here = [a.entity for a in found if a.entity.kind == "anonymous"]
        if here:
            return here
        earlier = [e for e in self._recent() if e.kind == "anonymous" and e.spoke]
        if not earlier:
            return []
        words = [t[2].lower() for t in R.tokenize(self.masked, ss, pos)]
        if words and words[0] in ("both", "all") and len(words) > 1:
            head = words[1].rstrip("s")
            return [e for e in earlier if e.head.rstrip("s") == head] or earlier[:2]
        if words and words[0] == "the" and len(words) > 1:
            head = words[1].rstrip("s")
            matching = [e for e in earlier if e.head.rstrip("s") == head]
            return matching[:1] or earlier[:1]
        if words and words[0] == "they":
            plural = [e for e in earlier if e.plural]
            return plural[:1] or earlier[:1]
        return earlier[:1]

    # --- output ------------------------------------------------------------------------------

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
            )
        return Extraction(tuple(suggestions.values()), proposed)

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


_NOT_BEFORE_CUE = R.words(
    "was were is are be been being not never to did does do would could should will can may "
    "might must the a an this his her its their our my your"
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "prof"})


def _is_heading(work: str, start: int, end: int) -> bool:
    """A headline, subheading, byline or update line: short and without final punctuation.
    These are metadata, never attributions ("Minister says talks failed")."""
    return work[end - 1] not in _PARAGRAPH_ENDINGS and work.count(" ", start, end) < 20


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


def _coordination(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split reported speech at a second predicate or that-clause joined by "and"."""
    parts: list[tuple[int, int]] = []
    pos = start
    for match in R.COORD_RE.finditer(masked, start, end):
        left = R.tokenize(masked, pos, match.start())
        if len(left) < 3 or not any(R.is_verb(left, i) for i in range(len(left))):
            continue
        parts.append((pos, match.start()))
        pos = match.end()
    parts.append((pos, end))
    return parts


def _split_tokens(toks: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Comma-separated parts of a mention; ", or SDF" (another name for the affiliation just
    mentioned) is dropped, the affiliation parser reads it."""
    segments: list[list[tuple[int, int, str]]] = [[]]
    for tok in toks:
        if tok[2] == ",":
            segments.append([])
        else:
            segments[-1].append(tok)
    return [s for s in segments if s and s[0][2] != "or"]


def _is_name_word(word: str) -> bool:
    lower = word.lower()
    if lower in _NAME_PARTICLES:
        return True
    return (
        word[:1].isupper()
        and lower not in R.TITLE_WORDS
        and lower not in R.ORG_HEADS
        and lower not in R.DETERMINERS
        and lower not in R.QUANTIFIERS
        and lower not in R.GROUP_HEADS
        and lower not in R.ANON_ROLE_HEADS
        and lower not in R.WEEKDAYS
    )


def _name_segment(
    segments: list[list[tuple[int, int, str]]],
) -> tuple[int, list[tuple[int, int, str]] | None, list[tuple[int, int, str]]]:
    """The segment holding a proper name: (its index, name tokens, title tokens)."""
    for index, seg in enumerate(segments):
        part = seg
        for i, tok in enumerate(seg):
            if i > 0 and tok[2].lower() in R.PREPOSITIONS:
                part = seg[:i]
                break
        run = 0
        while run < len(part) and _is_name_word(part[len(part) - 1 - run][2]):
            run += 1
        if not run:
            continue
        prefix = part[: len(part) - run]
        # Titles and lowercase descriptors before a name: "Council leader", "opposition
        # leader", "Dr."; a determiner makes it a description ("a third commander").
        if all(
            t[2].lower() in R.TITLE_WORDS
            or (t[2].isalpha() and t[2].islower() and t[2] not in R.DETERMINERS)
            or (t[2][:1].isupper() and prefix[-1][2].lower() in R.TITLE_WORDS)
            for t in prefix
        ):
            return index, part[len(part) - run :], prefix
        if len(prefix) == 1 and prefix[0][2].lower() == "the":
            return index, part, []  # "The Pentagon": a name with an article is no person
    return -1, None, []


def _org_name(name_toks: list[tuple[int, int, str]]) -> bool:
    words = [t[2] for t in name_toks]
    if words[0].lower() == "the":
        return True
    if len(words) == 1 and len(words[0]) >= 2 and words[0].isupper():
        return True  # an acronym: "SDF", "NATO"
    return words[-1].lower() in R.ORG_HEADS


# Names and descriptions recur across an article and across articles; caching their
# normalised forms keeps resolution cheap. Bounded, so memory stays flat.
@lru_cache(maxsize=8192)
def fold_mention(text: str) -> str:
    """Comparable form of a name: case-folded, straight apostrophes, no leading "the"."""
    text = " ".join(text.replace("’", "'").casefold().split())
    return text[4:] if text.startswith("the ") else text


def _strip_lower_article(text: str) -> str:
    return text[4:] if text.startswith("the ") else text


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip())


def _last_word(text: str) -> str:
    words = re.findall(r"[\w’'-]+", text)
    return words[-1].lower() if words else ""


@lru_cache(maxsize=8192)
def _word_set(text: str) -> frozenset[str]:
    return frozenset(
        w for w in _WORD_RE.findall(fold_mention(text)) if w not in R.DETERMINERS and w != "s"
    )


def _add_alias(entity: _Entity, alias: str) -> None:
    if alias and alias not in entity.aliases and alias.lower() not in R.SUBJECT_PRONOUNS:
        entity.aliases.append(alias)


def _slug(text: str) -> str:
    words = re.findall(r"\w+", text.casefold())
    return "-".join(words[:6])
