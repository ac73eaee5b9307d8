"""Cues: speech verbs and "according to" in a sentence, each read into a speaker, the
recipient, time and channel phrases around it, and where its speech lies."""

from __future__ import annotations

import re

from suggestions.extraction import lexicon as R
from suggestions.extraction.circumstances import _channel_of, _Circumstances
from suggestions.extraction.content import _NEXT_CLAUSE_RE, _RELATIVES, _Content
from suggestions.extraction.cuetests import (
    _evidence_subject,
    _no_clause,
    _object_ok,
    _plural_word,
    _speaker_start_ok,
)
from suggestions.extraction.phrases import (
    is_verb,
    np_backward,
    np_forward,
    np_like,
    tokenize,
    verb_follows,
)
from suggestions.extraction.records import _Anchor
from suggestions.extraction.segments import WORD_BEFORE_RE
from suggestions.extraction.speakers import _Speakers

# "said that the ..." drops the complementiser; "said that was not enough" keeps the pronoun.
_THAT_RE = re.compile(
    r"\s*(?:that\s+(?!(?:is|was|were|are|has|had|will|would|could|can|may|might|must|should)\b)"
    r"|:\s*|,\s*)?"
)
_TERMINAL_RE = re.compile(
    r"\s*(?:,?\s*adding\b|,\s*according\s+to\b|[,:]?\s*“|,\s*(?:who|whose|which)\b"
    r"|,\s*[a-z]+ing\b|,\s*(?:and|but)\s+(?:it|he|she|they|the|its|his|her|their)\b"
    r"|,?\s*(?:speaking\s+|who\s+spoke\s+)?on\s+(?:the\s+)?condition\b)"
)
_OPENER_RE = re.compile(r"(?:But|And|Yet|So|Still|Or|Now|Then|Instead|Also|Indeed),?")
_SPEECH_AHEAD_RE = re.compile(r"\s*(?:that\b|:)")
_WHO_CUE_RE = re.compile(r"\s*,?\s*(who)\s+(?:also\s+)?(?P<verb>" + R.VERB_ALT + r")\b")
_CALLED_NOT_SPEECH_RE = re.compile(r"\s+(?:off|up|in|back|out|it\s+quits)\b")
_NAME_AHEAD_RE = re.compile(r"\s+(?:[A-Z“]|[a-z]+\d)")
_TRAILING_PREPOSITIONS = R.words("to in at on of about during from outside inside near for with")
_JOINERS = R.words("and but yet so when after because as since while although though if before")
_CLAUSE_OPENER_RE = re.compile(
    r"(?:But|And|Yet|Still|However|Meanwhile|So|Then|Now)(?:\s+then)?,?\s+"
)
_CONJUNCTION_START_RE = re.compile(r"(?:and|but|or)\s")
_ASIDE_BEFORE_QUOTE_RE = re.compile(
    r"(?:to|at|in|on|with|during|amid|before|after)\b[^“”:;,]{0,60}[:,]\s*(?=“)"
)
_LY_ASIDE_RE = re.compile(r"\s*,\s*[a-z]+ly\s+")
_THAT_NEXT_RE = re.compile(r"\s+that\b")
_NOT_NAMED_RE = re.compile(r"\s*not\s+to\s+be\b")
_NOT_BEFORE_CUE = R.words(
    "was were is are be been being not never to did does do would could should will can may "
    "might must the a an this his her its their our my your of for with in on at by from into "
    "about as than"
)
_REDUCED_RELATIVE_RE = re.compile(
    r"\s+(?:by|on|in|at|for|to|last|this|earlier|during|after|before|with|since|over)\b"
)
# Past forms that rarely open a reduced relative clause ("The plan, announced on ...").
_NEVER_PARTICIPLE = R.words("said says told tells wrote writes added adds argued insisted")


class _Cues(_Circumstances, _Content, _Speakers):
    """A speech verb read into an anchor (speaker resolved) and its speech; the recipient,
    time and channel phrases around it."""

    def _verb(self, ss: int, se: int, cs: int, ce: int, cue: str) -> tuple[_Anchor, int] | None:
        m = self.masked
        prev = WORD_BEFORE_RE.search(m, max(ss, cs - 30), cs)
        prev_word = prev.group(1).lower() if prev and prev.end() >= cs - 1 else ""
        if prev and m[prev.end(1) : cs].strip():
            prev_word = ""  # punctuation in between: "..., said" has no word before it
        if prev_word in _NOT_BEFORE_CUE or prev_word.endswith("n't"):
            return None
        if prev_word == "who" and prev is not None:
            return self._relative_speech(ss, se, prev.start(), cs, ce, cue)
        if prev_word in R.RELATIVE_WORDS and prev_word != "where":
            return None  # "The official, which ... said": not the cue
        lower = cue.lower()
        if lower in R.BASE_FORMS and not _plural_word(prev_word):
            return None
        if lower in ("notes", "claims") and not _THAT_NEXT_RE.match(m, ce, se):
            return None  # plural nouns as often: "media claims", "his notes show"
        if lower.startswith("put") and m[ss:cs].split(None, 1)[0] != "As":
            return None  # only "As X put it, ..."
        if lower == "called" and (
            _CALLED_NOT_SPEECH_RE.match(m, ce, se)
            or (
                _NAME_AHEAD_RE.match(m, ce, se)
                and prev is not None
                and m[prev.start()].islower()
                and prev_word not in R.SUBJECT_PRONOUNS
            )
        ):
            return None  # "called off the strike", "a man called Ivo" (not "Beck called Ivo")
        if (
            lower not in _NEVER_PARTICIPLE
            and (_REDUCED_RELATIVE_RE.match(m, ce, se) or R.WHEN_RE.match(m, ce + 1, se))
            and m[ss:cs].rstrip().endswith(",")
        ):
            return None  # "The plan, announced on Monday, ...": a participle, not a cue
        tail = self._tail(ss, se)
        told = cue in R.TOLD_VERBS
        # Speech placed before an inverted verb: "“...,” said Simone Awad, a fighter."
        k = cs
        while k > ss and m[k - 1].isspace():
            k -= 1
        if k > ss and m[k - 1] in ",”" and not told:  # after "told" comes the recipient
            found = np_forward(m, ce, tail)
            if found is None and m[k - 1] == "”":
                # "“...,” said Birte Holm, the treasurer at the time the fee began":
                # a clause inside the apposition; the name before it is the speaker.
                longer = np_forward(m, ce, tail, until_verb=True)
                comma = m.find(",", longer[0], longer[1]) if longer else -1
                if longer is not None and comma != -1:
                    found = (longer[0], comma, comma)
            if found is not None and _speaker_start_ok(tokenize(m, found[0], found[1])):
                np_start, np_end, stop = found
                pos, extras = self._extras(stop, tail, told=False)
                relative = m[stop:se].lstrip(" ,").split(" ", 1)[0].lower() in _RELATIVES
                content_end = k - 1 if m[k - 1] == "," else k
                quoted = m[content_end - 1] == "”"
                if (relative or self._terminal(pos, tail, quoted=quoted)) and self._content_ok(
                    ss, content_end
                ):
                    anchor = self._anchor(np_start, np_end, cue, cs, ce, extras, ss, se)
                    self._speech_before(ss, content_end, anchor)
                    self._after_speaker(pos, se, tail, anchor)
                    who = _WHO_CUE_RE.match(m, stop, tail)
                    if who is not None:  # "..., said Alan Berg, who said he knew them."
                        verb = who.group("verb")
                        cue_at = who.span("verb")
                        self._relative_speech(ss, se, who.start(1), *cue_at, verb, anchor)
                    return anchor, se
        # "Vance praised the mayor and said ...": the subject of the first verb.
        and_verb = prev_word in ("and", "but")  # "... did not name them, but told ..."
        subject = self._clause_subject(ss, cs) if and_verb else np_backward(m, ss, cs)
        if subject is None and and_verb:
            subject = self._last_clause_subject(ss, cs)  # "In an interview, X ... and said"
        if subject is None:
            return None
        np_start, np_end = subject
        if lower in R.EVIDENCE_VERBS and not _evidence_subject(m, np_start, np_end):
            return None  # "Oduya found it difficult": not a finding reported
        pos, extras = self._extras(ce, tail, told=told)
        # Speech placed before the speaker: "Clashes were underway ..., he said, adding ..."
        k = np_start
        while k > ss and m[k - 1].isspace():
            k -= 1
        content_end = k - 1 if k > ss and m[k - 1] in ",—–" else k
        while content_end > ss and m[content_end - 1].isspace():
            content_end -= 1  # "The bridge is safe — the mayor said."
        quoted = k > ss and m[content_end - 1] == "”"
        if (
            k > ss
            and m[k - 1] in ",”—–"
            and self._terminal(pos, tail, quoted=quoted)
            and self._content_ok(ss, content_end)
        ):
            anchor = self._anchor(np_start, np_end, cue, cs, ce, extras, ss, se)
            self._speech_before(ss, content_end, anchor)
            self._after_speaker(pos, se, tail, anchor)
            return anchor, se
        # Speech after the cue: "Another commander said at least four fighters were killed."
        # "As one employee told the Weekly, “...”": the speech follows the comma.
        as_lead = m[ss:np_start].strip() == "As" and m[pos:tail].lstrip()[:1] in (",", ":")
        if not (and_verb or as_lead) and not self._subject_starts_clause(ss, np_start):
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
        aside = _ASIDE_BEFORE_QUOTE_RE.match(m, start, tail)
        if aside is not None:
            start = aside.end()  # "told his audience, to loud applause: “...”"
        if _CONJUNCTION_START_RE.match(m, start, tail):
            return None  # "..., X said on Saturday, and it has ...": the writer goes on
        that = gap is not None and "that" in m[gap.start() : gap.end()]
        if start < tail and (
            _no_clause(m, start, tail) or not (that or _object_ok(m, lower, start, tail))
        ):
            return None  # "replied 17 seconds later", "the index added 0.4 per cent"
        anchor = self._anchor(np_start, np_end, cue, cs, ce, extras, ss, se)
        if start >= tail:
            if m[pos:se].strip().startswith(":"):
                return anchor, se  # "X said:" with the quote in the next paragraph
            return None
        return anchor, self._speech_after(start, tail, anchor)

    def _relative_speech(
        self, ss: int, se: int, who: int, cs: int, ce: int, cue: str, main: _Anchor | None = None
    ) -> tuple[_Anchor, int] | None:
        """ "..., said Alan Berg, a doctor, who said he knew the family.": the relative
        clause's own speech, when it runs to the sentence end, said by the antecedent. A verb
        in a relative clause before the main verb is not a cue ("The official, who asked not
        to be named, said ...")."""
        m = self.masked
        tail = self._tail(ss, se)
        if R.CUE_RE.search(m, ce, tail) or _NOT_NAMED_RE.match(m, ce, tail):
            return None
        end = who
        while end > ss and m[end - 1] == " ":
            end -= 1
        if end <= ss or m[end - 1] != ",":
            return None  # "those who said ...": a restrictive clause, its end unknown
        subject = (main.speaker_start, main.speaker_end) if main else np_backward(m, ss, end - 1)
        if subject is None:
            return None
        pos, extras = self._extras(ce, tail, told=cue in R.TOLD_VERBS)
        pos = self._skip_to_that(pos, tail)
        gap = _THAT_RE.match(m, pos, tail)
        start = gap.end() if gap else pos
        if start >= tail or _no_clause(m, start, tail):
            return None
        anchor = self._anchor(*subject, cue, cs, ce, extras, ss, se)
        anchor.confidence = min(anchor.confidence, 0.7)
        count = len(self.raws)
        resume = self._speech_after(start, tail, anchor)
        return (anchor, resume) if len(self.raws) > count else None

    def _clause_subject(self, ss: int, cs: int) -> tuple[int, int] | None:
        """The subject of a sentence whose second verb is the cue: "But opposition leader
        Matteo Sarv called the vote “a dark day” and said ..." -> "opposition leader ..."."""
        m = self.masked
        start = ss
        opener = _CLAUSE_OPENER_RE.match(m, ss, ss + 20)
        if opener:
            start += opener.end()
        found = np_forward(m, start, cs, until_verb=True)
        if found is None or found[2] >= cs:
            return None
        if m[found[2]] in ",(" and not verb_follows(m, found[:2], cs):
            # "..., former Secretary Ana Feld, drew ...": an apposition, then the verb.
            return None
        return found[0], found[1]

    def _last_clause_subject(self, ss: int, cs: int) -> tuple[int, int] | None:
        """The subject of the last clause before ``cs`` that opens after a comma: "And
        although he thanked them, he sounded a rare note, saying ..." -> "he"."""
        m = self.masked
        comma = m.rfind(",", ss, cs)
        for _ in range(3):
            if comma == -1:
                return None
            found = np_forward(m, comma + 1, cs, until_verb=True)
            if found is not None and found[2] < cs and verb_follows(m, found[:2], cs):
                return found[0], found[1]
            comma = m.rfind(",", ss, comma)
        return None

    def _subject_starts_clause(self, ss: int, np_start: int) -> bool:
        """The subject opens the sentence, or follows an adverbial phrase and a comma, or a
        conjunction opening a second clause ("..., but officials said ...")."""
        lead = self.masked[ss:np_start].rstrip()
        if not lead or _OPENER_RE.fullmatch(lead) or lead[-1] in "—–;:":
            return True  # "But the mayor said ...", "And, he says, ...", "... — he told ..."
        end = ss + len(lead)
        comma_in_quote = lead.endswith("”") and self.work[end - 2 : end - 1] == ","
        if lead.endswith(",") or comma_in_quote:
            # An adverbial before the subject ("On Tuesday, ...", "Even as the group
            # crumbled, ..."), not a clause of speech ("Prices will rise, the bank ...").
            toks = tokenize(self.masked, ss, np_start)
            opener = toks[0][2].lower() if toks else ""
            clause = any(is_verb(toks, i) for i in range(len(toks)))
            return not clause or opener in R.NON_SUBJECT_OPENERS
        joined = _NEXT_CLAUSE_RE.search(self.masked, max(ss, np_start - 12), np_start + 1)
        if joined is not None and joined.end() >= np_start:
            return True
        # "... was copied on the letters and Orvik said ...", "... caught flak when she
        # said ...": a clause, then a conjunction or subordinator opening the next one.
        toks = tokenize(self.masked, ss, np_start)
        if len(toks) < 4 or toks[-1][2].lower() not in _JOINERS:
            return False
        return any(is_verb(toks, i) for i in range(len(toks) - 1))

    def _content_ok(self, start: int, end: int, *, clause_expected: bool = False) -> bool:
        """Whether text before an attribution reads as speech, not as the speaker's own
        description ("A third commander, Dilbrin Nargiz, said ...")."""
        if end - start < 2:
            return False
        toks = tokenize(self.masked, start, end)
        lead = toks[0][2].lower() if toks else ""
        if toks and toks[0][2] in ("Asked", "Pressed", "Speaking", "Responding"):
            return False  # "Asked how likely she was to win, 21 percent said ...": the question
        if (
            (lead in R.NON_SUBJECT_OPENERS or lead in R.WEEKDAYS)
            and not clause_expected
            and not any(is_verb(toks, i) for i in range(len(toks)))
        ):
            return False  # "Sunday on Fox News’s “Morning Show,” X said": no speech
        if any(t[2] == "“" for t in toks):
            return True
        if not toks or (np_like(toks) and not clause_expected):
            return False
        comma = next(
            (
                i
                for i, t in enumerate(toks)
                if t[2] == "," and not self.masked[t[0] - 1 : t[1] + 1][::2].isdigit()
            ),
            len(toks),
        )
        who = next((i for i, t in enumerate(toks) if t[2] in ("who", "whose")), 0)
        if who and np_like([t for t in toks[:who] if t[2] != ","]):
            # "Ana Pardi, who worked for Brand in 1992, says ...", "Gov. Ivo Ranta of Kell, a
            # Republican who has refused ..., said": the subject, not speech.
            return False
        if any(is_verb(toks, i) for i in range(len(toks))):
            return True
        # Without a verb: not an adverbial ("In a two-minute response, ...") nor a name and
        # its circumstances ("Jonas Ekdal, in a statement on Thursday, ...").
        first = toks[0][2].lower()
        if clause_expected:
            return len(toks) >= 4
        if first in R.NON_SUBJECT_OPENERS or first in R.CLAUSE_WORDS:
            return False
        if (
            comma + 1 < len(toks)
            and toks[comma + 1][2].lower() in R.NON_SUBJECT_OPENERS
            and np_like(toks[:comma])
        ):
            return False
        return len(toks) >= 4

    def _terminal(self, pos: int, tail: int, *, quoted: bool = False) -> bool:
        """Nothing after the attribution is more speech: the sentence ends, ", adding" or a
        relative follows; after a quote, a time or manner clause too ("... ,” Ortiz said as
        he loaded sandbags")."""
        if pos >= tail or _TERMINAL_RE.match(self.masked, pos, tail + 1):
            return True
        # "..., she said in a video message to the convention.", "..., he said in Paris,
        # noting ...": a place or occasion, then the sentence end or a terminal phrase.
        m = self.masked
        aside = _LY_ASIDE_RE.match(m, pos, tail)
        if aside is not None:
            pos = aside.end()  # "..., she says, especially in the social media era."
        comma = m.find(",", pos, tail)
        phrase_end = comma if comma != -1 else tail
        toks = tokenize(m, pos, phrase_end)
        if (
            toks
            and toks[0][2] in _TRAILING_PREPOSITIONS
            and not any(
                is_verb(toks, i) or t[2] in (":", "that") or t[2].lower() in R.CLAUSE_WORDS
                for i, t in enumerate(toks)
            )
            and (comma == -1 or _TERMINAL_RE.match(m, comma, tail + 1))
        ):
            return True
        # After a quote the speech is the quote; what follows is the writer's, unless it
        # opens a clause of speech ("that ...", ": ...").
        return quoted and not _SPEECH_AHEAD_RE.match(self.masked, pos, tail)

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
        act = R.act_of(cue)
        if cue == "according to" and _evidence_subject(self.masked, np_start, np_end):
            act = "evidence"
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
            act=act,
        )
