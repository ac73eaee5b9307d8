"""Frames: one sentence's cues found and dispatched: speech verbs (``cues``), "according
to", participles after a main clause (", saying ..."), and the cues of a headline layout."""

from __future__ import annotations

import re

from suggestions.extraction import lexicon as R
from suggestions.extraction.cues import _OPENER_RE, _Cues
from suggestions.extraction.phrases import is_verb, np_forward, np_like, tokenize, verb_follows
from suggestions.extraction.records import _Anchor

_STATEMENT_OF_RE = re.compile(
    r"(?:an?|the)\s+(?:[\w-]+\s+)?(?:statement|report|post|letter|release|tweet)\s+"
    r"(?:from|by|issued\s+by|released\s+by|of)\s+"
)
# "Ilse Varga: ...": up to six words before a colon at the sentence start.
_COLON_RE = re.compile(
    r"([A-Z][\w’'.&()-]*(?:[^\S\n]+[\w’'.&()-]+){0,5}?)[^\S\n]*:(?:[^\S\n]+(?=\S)|(?=“))"
)
# "“...” — Ilse Varga", "— Ilse Varga (@ivarga) May 3, 2024", "- Ana Ruiz." ending a sentence.
SIGNATURE_RE = re.compile(
    r"(?<!\S)(?P<dash>[—–-]|--)[^\S\n]*(?P<name>[A-Z][\w’'.-]*(?:[^\S\n]+[A-Z][\w’'.-]*){0,4})"
    r"(?:[^\S\n]*\((?P<handle>@\w{1,30})\))?[^\S\n]*(?:[\w,. ]{0,30})$"
)
# "his claim that ...", "Ms. Ortiz's view that ...": the owner of a noun of saying.
_NOUN_CUE_RE = re.compile(
    r"(?<![\w’'-])(?P<owner>[Hh]is|[Hh]er|[Tt]heir|[Ii]ts"
    r"|(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w-]*[’']s)\s+(?:[a-z-]+\s+)?"
    r"(?P<noun>claims?|view|belief|argument|assertion|insistence|contention|suggestion|warning"
    r"|promise|pledge|allegation|assessment|prediction|hope|fear|concern|conclusion|finding"
    r"|position|complaint|accusation|charge|assurance|denial|vow)\s+that\s+"
)
_POSSESSIVES = {"his": "he", "her": "she", "their": "they", "its": "it"}
_NOUN_ACTS = dict.fromkeys(("view", "belief", "hope", "fear", "concern"), "belief") | {
    "conclusion": "evidence",
    "finding": "evidence",
}
_IN_SOURCE_RE = re.compile(
    r"(?P<cue>In|According\s+to)\s+(?P<source>(?:the|a|an)\s+(?:[\w’'/.-]+\s+){0,6}?"
    r"(?:poll|survey|study|report|analysis|census|audit)s?"
    r"(?:\s+(?:of|by|from|released|published|conducted)\s+[^,;“]{1,60}?)?)"
    r"(?:,\s+(?:conducted|released|published|taken)\s+[^,;“]{1,40})?,\s+"
)
_TITLE_CUE_RE = re.compile(
    r"\s(?P<cue>Says|Said|Tells|Told|Warns|Claims|Urges|Vows|Admits|Denies|Predicts|Insists"
    r"|Believes|Thinks|Wants)\b"
)
_NOT_CLAIM_OPENERS = R.words("what how why when where who which inside here live a an the")
_EVIDENCE_LABELS = R.words("poll survey study report analysis audit")
_WITH_SAYING_RE = re.compile(
    r"\bwith\s+(?P<who>(?:[\w’'%.-]+\s+){0,7}?[\w’'%.-]+)\s+(?P<cue>saying|arguing|claiming)"
    r"\s+(?:that\s+)?"
)
_OPENER_WORD_RE = re.compile(r"(?:But|And|Then|Later|Finally),?\s+")
_INTRO_PREPOSITIONS = R.words("at in on to during before after from via with in over outside")
# Words before a colon that label a line rather than name a speaker.
_LABELS = R.words(
    "photo photos update updated note related correction source sources video watch read full "
    "transcript caption credit warning breaking exclusive live analysis opinion background "
    "context example question answer bottom quote image graphic chart map data results "
    "here why what how more plus reporting contact email follow twitter tel phone fax date "
    "time location venue price tickets subject editor editors lesson result verdict bonus "
    "tip step part chapter day week remember latest continued contributing revealed look paid "
    "notice watch listen exclusive"
)


class _Frames(_Cues):
    """One sentence's cues, each turned into an anchor (speaker resolved) and its speech."""

    def _sentence(self, ss: int, se: int) -> list[_Anchor]:
        anchors: list[_Anchor] = []
        consumed = ss
        layout = (
            self._colon(ss, se)
            or self._signature(ss, se)
            or self._in_source(ss, se)
            or self._title(ss, se)
        )
        if layout is not None:
            return [layout]
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
        if consumed < se and not anchors:
            noun = self._noun_cue(ss, se) or self._quote_intro(ss, se)
            if noun is not None:
                return [noun]
        if consumed < se:
            with_saying = self._with_saying(ss, se, consumed)
            if with_saying is not None:
                anchors.append(with_saying)
                return anchors
            for match in R.ADDING_RE.finditer(self.masked, consumed, se):
                m = self.masked
                after_mark = m[match.start()] == "," or m[match.start() - 1] == "”"
                if after_mark and self._participle(ss, se, match):
                    anchors.append(self.raws[-1].anchor)
                    break
        return anchors

    def _participle(self, ss: int, se: int, match: re.Match) -> bool:
        """A participle cue after the main clause: "The council rejected the plan, saying it
        was too costly" -> the clause's subject says "it was too costly"."""
        m = self.masked
        subject = self._clause_subject(ss, match.start())
        if subject is None:
            subject = self._last_clause_subject(ss, match.start())
        if subject is None:
            return False
        if not verb_follows(m, subject, match.start()):
            return False
        count = len(self.raws)
        cue = self.text[match.start(1) : match.end(1)]
        anchor = self._anchor(*subject, cue, match.start(1), match.end(1), {}, ss, se)
        self._adding(match, self._tail(ss, se), anchor)
        return len(self.raws) > count

    def _according(self, ss: int, se: int, cs: int, ce: int) -> tuple[_Anchor, int] | None:
        m = self.masked
        tail = self._tail(ss, se)
        lead = m[ss:cs].strip()
        # "Since May, according to X, the clause.": an adverbial lead is not the speech.
        lead_end = cs
        while lead_end > ss and m[lead_end - 1] in " ,":
            lead_end -= 1
        adverbial = lead.endswith(",") and not self._content_ok(ss, lead_end, clause_expected=True)
        if not lead or adverbial or _OPENER_RE.fullmatch(lead):  # "But according to X, ..."
            # "According to X, the clause." The clause starts after the first comma that is
            # followed by a verb (or a quote) before the next comma; else after the first
            # comma when what precedes it reads as a speaker.
            first = pos = _clause_comma(m, ce, tail)
            while pos != -1:
                nxt = _clause_comma(m, pos + 1, tail)
                toks = tokenize(m, pos + 1, nxt if nxt != -1 else tail)
                if any(is_verb(toks, i) or t[2] == "“" for i, t in enumerate(toks)):
                    break
                pos = nxt
            if pos == -1 and first != -1 and np_like(tokenize(m, ce, first)):
                pos = first
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
        found = np_forward(m, ce, tail, until_verb=True)  # "a poll released Sunday"
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

    def _with_saying(self, ss: int, se: int, start: int) -> _Anchor | None:
        """ "..., with 30 percent of voters saying they like him": the group between "with"
        and the participle says what follows, up to the next comma."""
        m = self.masked
        if m.find("with ", start, se) == -1:
            return None  # (cheap test first: most sentences have no "with")
        match = _WITH_SAYING_RE.search(m, start, se)
        if match is None or not np_like(tokenize(m, *match.span("who"))):
            return None
        tail = self._tail(ss, se)
        end = _clause_comma(m, match.end(), tail)
        said = tokenize(m, match.end(), end if end != -1 else tail)
        if not any(is_verb(said, i) or t[2] == "“" for i, t in enumerate(said)):
            return None  # "left with his hat saying nothing"
        cs, ce = match.span("cue")
        anchor = self._anchor(*match.span("who"), self.text[cs:ce], cs, ce, {}, ss, se)
        count = len(self.raws)
        self._add_region(match.end(), end if end != -1 else tail, anchor, split=False)
        return anchor if len(self.raws) > count else None

    def _noun_cue(self, ss: int, se: int) -> _Anchor | None:
        """A noun of saying or believing owned by its speaker, after the sentence's verb:
        "The mayor repeated his claim that the bridge was safe", "... rejected Ms. Ortiz's
        view that ..."."""
        m = self.masked
        if m.find(" that ", ss, se) == -1:
            return None
        match = _NOUN_CUE_RE.search(m, ss, se)
        if match is None or match.start() == ss:
            return None  # the subject of the sentence: the clause's end is not known
        owner = match.group("owner")
        cs, ce = match.span("noun")
        if owner.lower() in _POSSESSIVES:
            entity = self._pronoun(_POSSESSIVES[owner.lower()])
            if entity is None:
                return None
            start, end = match.span("owner")
            anchor = _Anchor(
                entity, self.text[start:end], start, end, self.text[cs:ce], cs, ce, confidence=0.6
            )
        else:
            start, end = match.start("owner"), match.end("owner") - 2
            anchor = self._anchor(start, end, self.text[cs:ce], cs, ce, {}, ss, se)
        anchor.act = _NOUN_ACTS.get(match.group("noun").lower(), "speech")
        count = len(self.raws)
        self._speech_after(match.end(), self._tail(ss, se), anchor)
        return anchor if len(self.raws) > count else None

    def _in_source(self, ss: int, se: int) -> _Anchor | None:
        """A poll, survey or study opening the sentence: "In the latest harbour poll,
        conducted in May, Varga led Ruiz 47 percent to 39 percent." (evidence)."""
        m = self.masked
        match = _IN_SOURCE_RE.match(m, ss, min(se, ss + 160))
        if match is None:
            return None
        start, tail = match.end(), self._tail(ss, se)
        toks = tokenize(m, start, tail)
        if not any(is_verb(toks, i) for i in range(len(toks))):
            return None
        cs, ce = match.span("cue")
        anchor = self._anchor(*match.span("source"), self.text[cs:ce], cs, ce, {}, ss, se)
        anchor.act = "evidence"
        count = len(self.raws)
        self._speech_after(start, tail, anchor)
        return anchor if len(self.raws) > count else None

    def _quote_intro(self, ss: int, se: int) -> _Anchor | None:
        """A quote ending the sentence after a clause and a colon or comma: "Ms. Ruiz
        interjected: “...”", "He continued, “...”" -> the verb is the cue."""
        m = self.masked
        tail = self._tail(ss, se)
        if tail <= ss or m[tail - 1] != "”":
            return None
        open_at = m.rfind("“", ss, tail)
        mark = open_at - 1
        while mark > ss and m[mark] == " ":
            mark -= 1
        if open_at <= ss or m[mark] not in ",:":
            return None
        opener = _OPENER_WORD_RE.match(m, ss, mark)
        toks = tokenize(m, opener.end() if opener else ss, mark)
        v = next((k for k, t in enumerate(toks) if k > 0 and _verb_like(toks, k)), -1)
        if v < 0 or v > 8 or len(toks) - v > 8:
            return None
        lead = v - 1 if toks[v - 1][2].endswith("ly") and toks[v - 1][2].islower() else v
        rest = toks[v + 1 :]
        if not lead or not np_like(toks[:lead]) or any(t[2] in ",“”;" for t in rest):
            return None
        if rest and rest[0][2] not in _INTRO_PREPOSITIONS:
            return None  # "The band played a song: ...": an object, not speech
        subject = toks[0][0], toks[lead - 1][1]
        cs, ce = toks[lead][0], toks[v][1]
        anchor = self._anchor(*subject, self.text[cs:ce], cs, ce, {}, ss, se)
        count = len(self.raws)
        self._add_region(open_at, tail, anchor, split=False)
        return anchor if len(self.raws) > count else None

    def _title(self, ss: int, se: int) -> _Anchor | None:
        """A title-case headline with its cue: "Ilse Varga Says The Deal Is Dead.", "The Deal
        Is Dead, Ilse Varga Says." (the sentence is a paragraph of its own)."""
        m = self.masked
        tail = self._tail(ss, se)
        match = _TITLE_CUE_RE.search(m, ss, tail)
        if match is None or (ss > 0 and m[ss - 1] not in "\n") or (se < len(m) and m[se] != "\n"):
            return None
        words = re.findall(r"[A-Za-z][\w’'-]*", m[ss:tail])
        if len(words) < 4 or sum(w[0].isupper() for w in words) < 0.8 * len(words):
            return None
        cs, ce = match.span("cue")
        comma = m.rfind(",", ss, cs)
        if comma != -1 and ce >= tail:  # "The Deal Is Dead, Ilse Varga Says."
            toks = tokenize(m, comma + 1, cs)
            if not _name_like(toks):
                return None
            anchor = self._anchor(toks[0][0], toks[-1][1], m[cs:ce], cs, ce, {}, ss, se)
            content = (ss, comma)
        else:
            toks = tokenize(m, ss, cs)
            if not _name_like(toks) or tail - ce < 8:
                return None
            anchor = self._anchor(ss, toks[-1][1], m[cs:ce], cs, ce, {}, ss, se)
            content = (ce, tail)
        count = len(self.raws)
        self._add_region(*content, anchor, split=False)
        return anchor if len(self.raws) > count else None

    # --- layouts: a colon or a dash as the cue ---------------------------------------------

    def _colon(self, ss: int, se: int) -> _Anchor | None:
        """A name and a colon opening a sentence: "Ilse Varga: “We won.”", "MORRIS: We will
        not back down." (a transcript). The name must read as one and the rest as speech:
        a quote, or a clause with a verb."""
        m = self.masked
        match = _COLON_RE.match(m, ss, min(se, ss + 80))
        if match is None:
            return None
        paren = m.find("(", ss, match.end(1))  # "Rep. Trey Gowd (R-S.C.):"
        if not _name_like(tokenize(m, ss, paren if paren != -1 else match.end(1))):
            return None
        start, tail = match.end(), self._tail(ss, se)
        rest = tokenize(m, start, tail)
        # A title line ("Ilse Varga: Valley Deal Is Dead.") is a paragraph of its own.
        title = (ss == 0 or m[ss - 1] == "\n") and (se == len(m) or m[se] == "\n")
        lowered = [(a, b, w.lower()) for a, b, w in rest]
        if not rest or not (
            rest[0][2] == "“"
            or any(is_verb(lowered if title else rest, i) for i in range(len(rest)))
            or (title and len(rest) >= 4 and rest[0][2].lower() not in _NOT_CLAIM_OPENERS)
        ):
            return None
        anchor = self._anchor(ss, match.end(1), ":", match.end(1), match.end(1) + 1, {}, ss, se)
        if m[ss : match.end(1)].lower() in _EVIDENCE_LABELS:
            anchor.act = "evidence"  # "Poll: Varga holds a narrow lead."
        count = len(self.raws)
        self._add_region(start, tail, anchor, split=False)
        return anchor if len(self.raws) > count else None

    def _signature(self, ss: int, se: int) -> _Anchor | None:
        """A quote signed with a dash: "“We won.” — Ilse Varga", a post signed "— Ilse Varga
        (@ivarga) May 3, 2024"."""
        m = self.masked
        if not has_dash(m, ss, se):
            return None
        dash = SIGNATURE_RE.search(m, ss, se)
        if dash is None:
            return None
        name_end = dash.end("name")
        if m[name_end - 1] == "." and name_end - dash.start("name") > 4:
            name_end -= 1  # "- Ana Ruiz." ends a sentence, not an initial
        if not _name_like(tokenize(m, dash.start("name"), name_end)):
            return None
        cs = dash.start("dash")
        start, end = ss, cs
        if cs == ss:  # the signature is a sentence of its own: it signs the paragraph
            start = m.rfind("\n", 0, ss) + 1
            if not m[start:cs].strip():
                # "- Ana Ruiz." alone on its line: it signs the quote of the paragraph above.
                end = start
                while end > 0 and m[end - 1].isspace():
                    end -= 1
                start = m.rfind("\n", 0, end) + 1
        elif m[cs] == "-":
            return None  # a single hyphen signs only on a line of its own
        while end > start and m[end - 1].isspace():
            end -= 1
        while start < end and m[start].isspace():
            start += 1
        quoted = end - start > 2 and m[start] == "“" and m[end - 1] == "”"
        if not (quoted or dash.group("handle")) or end - start < 2:
            return None
        anchor = self._anchor(dash.start("name"), name_end, m[cs], cs, cs + 1, {}, ss, se)
        if dash.group("handle"):
            anchor.channel = "social_media_post"
        count = len(self.raws)
        self._add_region(start, end, anchor, split=False)
        return anchor if len(self.raws) > count else None


def _name_like(toks: list[tuple[int, int, str]]) -> bool:
    """A short speaker name or description: capitalised words, titles, role and organisation
    heads ("Ilse Varga", "Sen. Ivo Brand", "PALMER", "Harbour Authority"); no label."""
    if not toks or len(toks) > 6 or (len(toks) == 1 and len(toks[0][2]) < 2):
        return False
    if any(t[2].lower() in _LABELS for t in toks):
        return False
    last = toks[-1][2]
    if not (last[0].isupper() or last.lower() in R.ORG_HEADS or last.lower() in R.ANON_ROLE_HEADS):
        return False
    return all(
        t[2][0].isupper()
        or t[2].lower() in R.TITLE_WORDS
        or t[2].lower() in ("of", "the", "for", "al", "de", "van", "von")
        for t in toks
    )


def _clause_comma(masked: str, start: int, end: int) -> int:
    """The next comma in ``[start, end)`` that is not inside a number ("1,200"), or -1."""
    pos = masked.find(",", start, end)
    while pos != -1 and 0 < pos < len(masked) - 1 and masked[pos - 1].isdigit():
        if not masked[pos + 1].isdigit():
            break
        pos = masked.find(",", pos + 1, end)
    return pos


def _verb_like(toks: list[tuple[int, int, str]], i: int) -> bool:
    """A finite verb, or a lowercase word that reads as one ("concludes", "interjected")."""
    word = toks[i][2]
    if is_verb(toks, i):
        return True
    return word.isalpha() and word.islower() and len(word) > 3 and word.endswith(("ed", "es"))


def has_dash(masked: str, start: int, end: int) -> bool:
    """A cheap test before ``SIGNATURE_RE``: a dash, or a hyphen after a space."""
    return (
        masked.find("—", start, end) != -1
        or masked.find("–", start, end) != -1
        or masked.find(" -", start - 1 if start else 0, end) != -1
        or masked.startswith("-", start)
    )
