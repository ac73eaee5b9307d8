"""What can be a source's name: cleaning names read from article text, and refusing words
that are not names at all (pronouns, numbers, poll shares, adverbs, fragments, markup).

Extracted text brings invisible characters (soft hyphens, zero-width spaces, byte-order
marks), text decoded with the wrong code page ("Trumpâ€™s"), and spans cut in the wrong
place ("his brow and", "Senate filings)"). :func:`clean_name` repairs what can be repaired;
:func:`name_problem` says why what is left cannot name a source, or None;
:func:`speech_possessor` turns "Trump's remarks" into "Trump", the one who spoke.

Pure: no Django, no database.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e"),
    None,
)
# Sequences that UTF-8 text read as Windows-1252 produces ("â€™" for "’", "Ã©" for "é").
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u0152-\u2122]")
_EDGE = " \t\r\n\"“”„‟«»'‘’‚‛`,;:.!?*_—–-•·|/\\"
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


PRONOUNS = _word_set(
    """i me my mine myself we us our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs themselves one
    someone somebody anyone anybody everyone everybody nobody who whom whose this that these
    those"""
)
_ADVERBS = _word_set(
    """additionally also meanwhile however moreover furthermore nevertheless still then later
    earlier previously recently separately similarly likewise instead otherwise indeed
    finally first second third last now today yesterday tomorrow here there again already
    yet thus therefore hence accordingly besides overall notably nonetheless so along back
    wow"""
)
# Participles that open a sentence before its speaker ("Reached by phone, Kell said").
_PARTICIPLES = _word_set(
    """reached reaching appearing pressed asked asking speaking writing emerging frustrated
    responding interviewed contacted"""
)
_FUNCTION_WORDS = _word_set(
    """a an the and or but nor of to in on at by for with from as than that which who whom
    whose if when while because although though"""
)
_SPEECH_NOUNS = _word_set(
    """remarks remark comments comment words statement statements speech speeches tweet tweets
    post posts message messages testimony letter letters interview interviews claim claims
    argument arguments response answer answers reply replies view views warning warnings
    suggestion account accounts assertion assertions admission announcement promise promises
    pledge pledges"""
)
_CONTRACTION = re.compile(r"^(\w+)'(?:ve|m|re|s|d|ll)$")
_POSSESSIVE = re.compile(r"^(?P<owner>.+?)(?:'s|’s|s'|s’)\s+(?P<thing>[\w-]+)$")
_NUMBERISH = re.compile(r"^[\d.,%$€£\s-]+$|\d+(?:[.,]\d+)?\s*(?:%|percent|per cent)", re.I)
_MARKUP = re.compile(r"<[^>]*>|&[a-z]+;|https?://|www\.|\{|\}|\[\[|\]\]", re.I)


def fold_accents(name: str) -> str:
    """``name`` without accents or other combining marks ("Calderón" → "Calderon")."""
    if name.isascii():
        return name
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fix_mojibake(value: str) -> str:
    """Undo UTF-8 text decoded as Windows-1252, where that is what happened."""
    if not _MOJIBAKE.search(value):
        return value
    try:
        repaired = value.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
    return repaired


def clean_name(value: str) -> str:
    """A name as read from text, repaired: Unicode normalised (NFC), invisible characters
    dropped, mojibake undone, one space between words, no quotation marks, brackets or
    punctuation at either end (a final period of an initial is kept: "Jr."), no HTML tags."""
    value = unicodedata.normalize("NFC", fix_mojibake(value or "").translate(_INVISIBLE))
    value = " ".join(_TAG.sub(" ", value).split())
    tail_dot = value.endswith(".") and bool(re.search(r"\b(?:[A-Z]|Jr|Sr|St|Co|Inc)\.$", value))
    value = value.strip(_EDGE)
    # Brackets go only in pairs around the whole name; an unmatched one stays, to be seen.
    while len(value) > 2 and value[0] + value[-1] in ("()", "[]", "{}"):
        value = value[1:-1].strip(_EDGE)
    if tail_dot:
        value += "."
    return value


def speech_possessor(value: str) -> str | None:
    """The speaker in a possessive of speech ("Trump's remarks" → "Trump"), else None."""
    match = _POSSESSIVE.match(clean_name(value))
    if match and match.group("thing").casefold() in _SPEECH_NOUNS:
        return match.group("owner").strip()
    return None


def name_problem(value: str) -> str | None:
    """Why ``value`` (already cleaned) cannot name a source, or None when it can."""
    name = value.strip()
    if not name:
        return "it is empty"
    folded = name.casefold()
    words = folded.split()
    if not any(ch.isalpha() for ch in name):
        return "it has no letters"
    if _MARKUP.search(name):
        return "it is markup or an address"
    if _NUMBERISH.search(name):
        return "it is a figure or a share (a poll is a document or an organisation)"
    if folded in PRONOUNS or (len(words) == 1 and words[0] in PRONOUNS):
        return "it is a pronoun"
    contracted = _CONTRACTION.match(folded.replace("’", "'"))
    if len(words) == 1 and contracted and contracted.group(1) in PRONOUNS:
        return "it is a pronoun"  # "I've", "she's", "they'd"
    if len(words) == 1 and words[0] in _ADVERBS:
        return "it is an adverb"
    if len(words) == 1 and words[0] in _PARTICIPLES:
        return "it is a participle opening a sentence"
    if words[0] in _FUNCTION_WORDS - {"the", "a", "an"} or words[-1] in _FUNCTION_WORDS:
        return "it is a fragment of a sentence"
    if speech_possessor(name) is not None:
        return "it is something said, not who said it"
    if ("(" in name) != (")" in name) or ("[" in name) != ("]" in name):
        return "it is a fragment of a sentence"
    return None
