"""Circumstances of a cue: the recipient, time and channel phrases after it ("told
reporters on Tuesday in a statement"), and a place or manner phrase before "that"."""

from __future__ import annotations

import re

from suggestions.extraction import lexicon as R
from suggestions.extraction.mentions import _strip_lower_article
from suggestions.extraction.phrases import is_verb, tokenize

_THAT_AHEAD_RE = re.compile(
    r"\s+(?:(?:on|in|at|outside|inside|near|from|after|before|during|of"
    r"|the|a|an|his|her|their|its|[\w’'-]+)\s+){1,7}?(that\s)"
)


class _Circumstances:
    """Phrases around a cue, read from the masked text."""

    work: str
    masked: str

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
