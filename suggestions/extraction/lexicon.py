"""Lexicons, compiled patterns and text segmentation for :mod:`suggestions.extraction`.

Pure Python, no Django. Everything here works on two strings of the same length as the
article body, so every offset found in them is an offset into the body:

- ``work``: the body with control characters turned into spaces (and lone carriage
  returns into newlines), so patterns never trip on them;
- ``masked``: ``work`` with the inside of every quotation replaced by ``~`` and its marks
  normalised to “ and ”, so patterns looking for speech verbs, subjects and clause
  boundaries never look inside a quote (a quote's own "he said" is not an attribution).

Every pattern is compiled once, bounded and free of nested quantifiers over the same text,
so matching stays linear in the length of the article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# --- lexicons ------------------------------------------------------------------------------


def words(text: str) -> frozenset[str]:
    """A lexicon written as one space-separated string."""
    return frozenset(text.split())


# Speech verbs as cues. Third-person "-s" forms that are also common plural nouns ("claims",
# "notes", "reports", "estimates", "states") are left out: "media reports said" would
# otherwise read as "media" reporting.
SPEECH_VERBS = words(
    "said says say told tells added adds tweeted tweets wrote writes posted stated announced "
    "announces claimed insisted insists warned warns argued argues noted explained explains "
    "confirmed confirms acknowledged acknowledges admitted asserted stressed emphasized "
    "emphasised maintained contended alleged predicted predicts estimated cautioned recalled "
    "recalls replied responded complained conceded declared declares observed remarked "
    "testified reported asked asks suggested"
)
TOLD_VERBS = frozenset({"told", "tells"})
SOCIAL_VERBS = frozenset({"tweeted", "tweets", "posted"})

DETERMINERS = words(
    "a an the this that these those his her its their our my your another each every some any "
    "no both all many several few most such"
)
QUANTIFIERS = words(
    "one two three four five six seven eight nine ten eleven twelve dozens hundreds thousands "
    "scores more other second third fourth fifth"
)
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you"})
RELATIVE_WORDS = frozenset({"who", "whose", "whom", "which", "that", "where"})
CLAUSE_WORDS = words(
    "that which who whose whom if because when while although though whether unless until "
    "since where"
)
# Words that open an adverbial or subordinate phrase, never a subject noun phrase.
NON_SUBJECT_OPENERS = words(
    "even as while when after before although though because if since despite amid following "
    "in on at during by from with without for to into speaking asked meanwhile however but and "
    "yet still also earlier later separately instead then now here there so thus according "
    "over under last late early nevertheless moreover"
)
NEGATIVE_SUBJECTS = words("no nobody none neither nothing")
PARENTHETICALS = frozenset(
    {
        "however",
        "meanwhile",
        "too",
        "also",
        "though",
        "in turn",
        "for its part",
        "for his part",
        "for her part",
        "for their part",
        "in a statement",
        "in response",
        "separately",
    }
)
PREPOSITIONS = words("with for of at in from on by near inside outside")
WEEKDAYS = words("monday tuesday wednesday thursday friday saturday sunday")
MONTHS = words(
    "january february march april may june july august september october november december"
)
FINITE_WORDS = words(  # auxiliaries, modals and a few unambiguous present forms
    "is are was were am has have had will would can could should may might must shall did "
    "does do says thinks believes knows seems appears remains goes "
    # irregular past forms that are not also common nouns or adjectives
    "began became broke brought built bought caught chose came drew drove ate fell felt fought "
    "found flew forgot froze got gave went grew heard held hid kept knew led lost made meant "
    "met paid ran rang rose said sat saw sent slept sold spent spoke stood stole struck swore "
    "taught told tore thought threw understood woke wore won wrote shrank shrunk sank sought "
    "took"
)
# "-ed" words that are adjectives before a noun as often as verbs.
ED_ADJECTIVES = words(
    "armed retired unnamed named based detailed wounded injured trained skilled talented "
    "united reserved unidentified embattled beleaguered so-called advanced elected appointed "
    "renowned seasoned respected"
)

# Head nouns of mentions. Kept small and generic: a mention whose head is unknown still gets a
# kind from its shape (plural: group; singular: anonymous).
ANON_ROLE_HEADS = words(
    "official officials source sources commander commanders diplomat diplomats officer "
    "officers aide aides spokesman spokeswoman spokesperson person people member members "
    "employee employees staffer staffers adviser advisers advisor advisors leader leaders "
    "investigator investigators insider insiders negotiator negotiators lawyer lawyers "
    "doctor doctors medic medics nurse nurses rescuer rescuers fighter fighters soldier "
    "soldiers worker workers engineer engineers executive executives manager managers "
    "analyst analysts expert experts resident witness trader traders minister ministers "
    "lawmaker lawmakers legislator legislators activist driver farmer teacher student "
    "survivor official-in-charge representative representatives delegate delegates "
    "director directors president chairman chairwoman chair mayor governor general officer "
    "captain coach player players inspector inspectors researcher researchers scientist "
    "scientists economist economists epidemiologist"
)
# Plural person nouns that name an unnamed group rather than anonymous officials.
GROUP_HEADS = words(
    "supporters residents witnesses protesters protestors activists villagers fans voters "
    "survivors refugees families relatives parents students workers critics locals neighbors "
    "neighbours shoppers passengers farmers customers users patients opponents demonstrators "
    "citizens people"
)
# Plural nouns that are anonymous sources when used bare ("officials said").
ANON_PLURALS = words(
    "officials sources diplomats commanders officers aides leaders investigators insiders "
    "negotiators executives prosecutors"
)
ORG_HEADS = words(
    "ministry department office agency authority authorities government council coalition "
    "forces army military police service services party union alliance association "
    "federation committee commission company corporation corp inc ltd group organization "
    "organisation foundation institute university hospital court bank fund board bureau "
    "command guard front movement network league club team administration embassy "
    "parliament senate congress cabinet presidency palace firm operator charity developer "
    "airline carrier manufacturer retailer insurer regulator society trust council's "
    "municipality prefecture secretariat mission observatory hall"
)
DOCUMENT_HEADS = words("statement report post tweet letter document release message")
TITLE_WORDS = words(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. gen gen. general col col. colonel lt lt. "
    "capt capt. captain maj maj. major sgt sgt. sergeant adm adm. admiral gov gov. governor "
    "sen sen. senator rep rep. representative president prime minister secretary director "
    "leader chief commander mayor judge justice chairman chairwoman chair councillor "
    "councilor councilman councilwoman ambassador king queen prince princess sheikh rev rev. "
    "reverend father sister pope coach spokesman spokeswoman spokesperson lawyer attorney "
    "officer detective inspector sir dame lord lady deputy vice foreign defense defence "
    "interior health finance justice economy trade education state club council port party "
    "union team head executive managing ceo chief-executive archbishop bishop imam rabbi "
    "pastor professor doctor"
)
MALE_WORDS = words(
    "mr mr. sir lord king prince father brother son husband uncle grandfather spokesman "
    "chairman businessman congressman councilman policeman man boy sheikh"
)
FEMALE_WORDS = words(
    "mrs mrs. ms ms. miss madam dame lady queen princess mother sister daughter wife aunt "
    "grandmother spokeswoman chairwoman businesswoman congresswoman councilwoman policewoman "
    "woman girl"
)
# A weak signal only, used when the text gives no pronoun, title or gendered role word.
MALE_NAMES = words(
    "john james robert michael william david richard joseph charles christopher daniel paul "
    "mark donald george kenneth steven edward brian ronald anthony kevin jason matthew gary "
    "timothy thomas jose larry jeffrey frank scott eric stephen andrew raymond gregory joshua "
    "jerry dennis walter patrick peter harold douglas henry carl arthur ryan roger ahmed mohammed "
    "muhammad ali omar hassan ivan sergei dmitry pierre jean hans klaus lars erik olaf "
    "giovanni marco luca carlos juan miguel pedro"
)
FEMALE_NAMES = words(
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa "
    "betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa "
    "deborah stephanie rebecca sharon laura cynthia kathleen amy angela helen anna brenda "
    "emma olivia sophia maria fatima aisha layla olga natalia elena marie sophie ingrid "
    "astrid greta giulia francesca carmen lucia ana"
)
OUTLET_WORDS = words(
    "press wire agency news times post herald journal gazette courier tribune telegraph "
    "guardian observer radio television tv broadcasting chronicle daily weekly magazine "
    "reuters afp ap bbc cnn npr bloomberg dpa xinhua"
)
RECIPIENT_CHANNELS = {
    "reporters": "press_conference",
    "journalists": "press_conference",
    "conference": "press_conference",
    "briefing": "press_conference",
    "media": "interview",
    "television": "broadcast",
}

# --- compiled patterns ---------------------------------------------------------------------


def _trie_pattern(words: list[str]) -> str:
    """One regex alternation shared by prefix ("sa(?:id|ys|y)"): Python's engine tries the
    branches of a flat alternation one by one at every position, a trie only where the
    first letters match."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = (
            branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        )
        if optional:
            body = (body if body.startswith("(?:") else "(?:" + body + ")") + "?"
        return body

    return render(trie)


_VERB_ALT = _trie_pattern(SPEECH_VERBS)
# Case-sensitive on purpose: a capitalised "Asked whether ..." opens a participle phrase.
CUE_RE = re.compile(
    r"(?<![\w’'-])(?:(?P<according>[Aa]ccording to)|(?P<verb>" + _VERB_ALT + r"))(?![\w’'-])"
)
ADDING_RE = re.compile(r",?\s+(adding)\b\s*(?:that\s+|:\s*|,\s*)?")
ACCORDING_IN_RE = re.compile(r",\s+according to\s+")
QUOTE_CHARS_RE = re.compile(r"[“”„«»「」『』\"]")
PARAGRAPH_SPLIT_RE = re.compile(r"\n[^\S\n]*\n\s*")
LINE_SPLIT_RE = re.compile(r"\n\s*")
SENTENCE_END_RE = re.compile(r"[.!?;。！？]+(?=[”)\]’'\s])[”)\]’']*\s+")
TOKEN_RE = re.compile(r"[^\W_][\w’'.&/-]*|[,“”:;()—–]|~+")
WORD_BEFORE_RE = re.compile(r"([\w’'.-]+)\W*$")
AUX_TAIL_RE = re.compile(
    r"(?:\s+(?:has|have|had|also|later|previously|earlier|then|again|repeatedly|once|"
    r"further|separately|publicly|privately|recently|would|will|has also|had also|"
    r"already|reportedly|initially|first|subsequently)){1,4}\s*$"
)
# A dateline opening a paragraph: "PORT SALVEN, Maravia (Meridian Wire) — ".
DATELINE_RE = re.compile(
    r"[A-Z][A-Z’'. -]{2,40}(?:,[^\S\n]*[A-Z][\w’'. -]{1,40})?(?:[^\S\n]*\([^()\n]{1,60}\))?"
    r"[^\S\n]*[—–-]{1,2}[^\S\n]+"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:morning|afternoon|evening|night)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)"
)
WHEN_RE = re.compile(
    r"(?:(?:late|early|earlier|later)\s+)?(?:"
    r"(?:on\s+)?" + _DAY + r"(?:\s+" + _PART + r")?"
    r"|(?:on\s+)?" + _MONTH + r"\s+\d{1,2}(?:,\s*\d{4})?"
    r"|(?:on\s+)?\d{1,2}\s+" + _MONTH + r"(?:\s+\d{4})?"
    r"|yesterday(?:\s+" + _PART + r")?|today|tonight|last\s+night|later|earlier"
    r"|(?:this|last)\s+(?:week|month|year|weekend|" + _PART + r"|" + _DAY + r")"
    r"|earlier\s+(?:this|on|in\s+the)\s+(?:week|month|year|day|" + _DAY + r")"
    r"|(?:shortly\s+|just\s+|soon\s+|immediately\s+|hours\s+|minutes\s+)?(?:before|after)\s+"
    r"(?:the|a|an|his|her|their|its)\s+[a-z]+"
    r")(?![\w’'-])"
)
CHANNEL_RE = re.compile(
    r"(?:in\s+(?:an?|its|his|her|their|the)\s+(?:[\w-]+\s+){0,2}?(?P<doc>statement|interview|address|speech|post|letter"
    r"|e-?mail|release|video|message|tweet|report|filing|op-ed|column)"
    r"(?:\s+with\s+(?P<with>(?:the\s+)?[A-Z][\w’'&.-]*(?:\s+[A-Z][\w’'&.-]*){0,4}))?"
    r"|on\s+an?\s+(?:[\w-]+\s+)?(?P<call>conference\s+call|call|podcast|livestream)"
    r"|on\s+(?P<social>Twitter|X|Facebook|Telegram|Instagram|TikTok|YouTube|social\s+media"
    r"|Threads|Bluesky)"
    r"|on\s+(?P<tv>(?:state\s+)?(?:television|TV|radio))"
    r"|at\s+an?\s+(?:[\w-]+\s+){0,2}?(?P<event>news\s+conference|press\s+conference|briefing"
    r"|rally|meeting|hearing|event|summit|ceremony|session|forum)"
    r"|to\s+(?P<press>reporters|journalists)"
    r"|(?:by|over\s+the)\s+(?:tele)?phone|via\s+video\s+link"
    r"|during\s+an?\s+(?:[\w-]+\s+){0,2}?(?:briefing|interview|visit|speech|debate|hearing))"
    r"(?:\s+(?:posted|published|released|issued|shared|sent)\s+(?:on|to|by)\s+"
    r"(?P<where>Twitter|X|Facebook|Telegram|Instagram|its\s+website|social\s+media|[A-Z][\w-]*))?"
    r"(?![\w’'-])"
)
RECIPIENT_RE = re.compile(
    r"(?:(?:the\s+)?(?P<proper>(?:The\s+)?[A-Z][\w’'&.-]*(?:\s+(?:of\s+|for\s+|and\s+|the\s+)?"
    r"[A-Z][\w’'&.-]*){0,5})"
    # Someone not named: "reporters", "the council", "local media", "a news conference".
    r"|(?P<common>(?:(?:the|a|an|his|her|their|its|local|state|foreign|fellow)\s+)?"
    r"(?!that\b|of\b|about\b)[a-z][\w-]*"
    r"(?:\s+(?:media|television|conference|call|briefing|lawmakers|officials))?))"
    r"(?![\w’'-])"
)
ANONYMITY_RE = re.compile(
    r"(?:on\s+(?:the\s+)?condition\s+(?:of\s+anonymity|(?:that\s+)?(?:they|he|she)\s+not\s+be"
    r"\s+(?:named|identified))|anonymously|requested\s+anonymity"
    r"|(?:asked|declined|requested)\s+not\s+to\s+be\s+(?:named|identified)"
    r"|(?:was|were)\s+not\s+(?:named|identified)|not\s+to\s+be\s+(?:named|identified))"
    r"(?:[\s,]*(?:(?:because|as|since)\s+(?P<reason>[^,;.]+)|(?P<purpose>to\s+[^,;.]+)))?"
)
NOT_ALLOWED_RE = re.compile(
    r"not\s+(?:authori[sz]ed|allowed|permitted|cleared)\s+to\s+[^,;.]+?(?=\s+and\s+spoke\b|[,;.]|$)"
)
REASON_SUBJECT_RE = re.compile(r"^(?:he|she|they|it|i|we)\s+(?:was|were|is|are|had|has|have)\s+")
# A verbal group after "and" starting a second predicate with the subject elided
# ("... are putting up a fight and staged a counterattack").
COORD_RE = re.compile(
    r",?\s+(?:(?:and|but)\s+that\s+|and\s+(?=(?:also\s+)?(?:[a-z]{2,}ed|would|will|could|can|may"
    r"|might|should|must|had|has|have|was|were|is|are|began|said|took|made|sent|gave|found"
    r"|kept|lost|won|held|left)\b))"
)
# After a closing quote: "... win!” Palsson said" is one sentence, "... win.” The crowd ..." two.
CUE_AHEAD_RE = re.compile(
    r"\s+(?:(?:[A-Z][\w’'.-]*|the|a|an|of|for|his|her|their)\s+){0,6}(?:" + _VERB_ALT + r")\b"
)

ABBREVIATIONS = words(
    "mr mrs ms dr prof gen col lt capt maj sgt adm gov sen rep st mt ft jr sr rev no vs inc "
    "corp co ltd jan feb aug sept oct nov dec a.m p.m u.s u.k u.n e.g i.e approx est dept "
    "fig al cf"
)

OPEN_MARKS = {"“": "”", "„": "“”", "«": "»", "「": "」", "『": "』"}
CLOSE_MARKS = frozenset("”»」』")

# --- text preparation ----------------------------------------------------------------------

_CONTROL_TABLE = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127, *range(128, 160)], " ")
_CONTROL_TABLE.update({0x2028: "\n", 0x2029: "\n"})
_LONE_CR_RE = re.compile(r"\r(?!\n)")


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\r]")


def prepare(text: str) -> str:
    """The body with control characters as spaces and line ends as ``\\n``, same length."""
    if not _CONTROL_RE.search(text):
        return text
    work = _LONE_CR_RE.sub("\n", text)
    return work.replace("\r", " ").translate(_CONTROL_TABLE)


def split_paragraphs(work: str) -> list[tuple[int, int]]:
    """Paragraph bounds: blank-line separated, or line separated when no blank line exists."""
    splitter = PARAGRAPH_SPLIT_RE if PARAGRAPH_SPLIT_RE.search(work) else LINE_SPLIT_RE
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in splitter.finditer(work):
        _append_trimmed(work, start, match.start(), bounds)
        start = match.end()
    _append_trimmed(work, start, len(work), bounds)
    return bounds


def _append_trimmed(work: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and work[start].isspace():
        start += 1
    while end > start and work[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


@dataclass
class Quote:
    """A quotation inside one paragraph. ``close`` is None when the paragraph ends first and
    the quote goes on in the next paragraph (the wire convention for long quotes)."""

    open: int
    close: int | None
    para: int
    chain: int = -1

    def end(self, paragraphs: list[tuple[int, int]]) -> int:
        """The offset just after the quote: after its closing mark, or the paragraph end."""
        return self.close + 1 if self.close is not None else paragraphs[self.para][1]


def find_quotes(work: str, paragraphs: list[tuple[int, int]]) -> tuple[list[Quote], int]:
    """Balanced quotations per paragraph, linked into chains across paragraphs.

    Returns the quotes in text order and the number of stray marks ignored. A quote left
    open at a paragraph's end is kept only when the next paragraph opens with a quotation
    mark (a quote running on); otherwise its mark is stray and ignored.
    """
    quotes: list[Quote] = []
    stray = 0
    for index, (start, end) in enumerate(paragraphs):
        opened: int | None = None
        closers = ""
        for match in QUOTE_CHARS_RE.finditer(work, start, end):
            pos, mark = match.start(), match.group()
            if mark == '"':
                if opened is None:
                    if _can_open(work, pos, start, end):
                        opened, closers = pos, '"'
                    else:
                        stray += 1
                elif '"' in closers:
                    quotes.append(Quote(opened, pos, index))
                    opened = None
                continue
            if opened is not None and mark in closers:
                quotes.append(Quote(opened, pos, index))
                opened = None
            elif mark in OPEN_MARKS and (opened is None or mark == work[opened]):
                if opened is not None:
                    stray += 1  # a second opening mark: the first one was never closed
                opened, closers = pos, OPEN_MARKS[mark]
            elif mark in CLOSE_MARKS or mark in OPEN_MARKS:
                stray += 1
        if opened is not None:
            quotes.append(Quote(opened, None, index))
    kept: list[Quote] = []
    chain_count = 0
    for i, quote in enumerate(quotes):
        if quote.close is None:
            nxt = quotes[i + 1] if i + 1 < len(quotes) else None
            runs_on = (
                nxt is not None
                and nxt.para == quote.para + 1
                and nxt.open == paragraphs[nxt.para][0]
            )
            if not runs_on:
                stray += 1
                continue
            if quote.chain < 0:
                quote.chain = chain_count
                chain_count += 1
            nxt.chain = quote.chain
        kept.append(quote)
    return kept, stray


def _can_open(work: str, pos: int, start: int, end: int) -> bool:
    before = work[pos - 1] if pos > start else " "
    after = work[pos + 1] if pos + 1 < end else " "
    return not after.isspace() and (before.isspace() or before in "([{—–-/:")


def build_masked(work: str, quotes: list[Quote], paragraphs: list[tuple[int, int]]) -> str:
    """``work`` with each quotation's inside replaced by ``~`` and its marks normalised."""
    pieces: list[str] = []
    last = 0
    for quote in quotes:
        end = quote.end(paragraphs)
        pieces.append(work[last : quote.open])
        pieces.append("“")
        if quote.close is None:
            pieces.append("~" * (end - quote.open - 1))
        else:
            pieces.append("~" * (quote.close - quote.open - 1))
            pieces.append("”")
        last = end
    pieces.append(work[last:])
    return "".join(pieces)


class QuoteIndex:
    """Quotes looked up by position, in O(log n)."""

    def __init__(self, quotes: list[Quote], paragraphs: list[tuple[int, int]]) -> None:
        self.quotes = quotes
        self.opens = [q.open for q in quotes]
        self.paragraphs = paragraphs

    def within(self, start: int, end: int) -> list[Quote]:
        """Quotes opening in ``[start, end)``."""
        i = bisect_right(self.opens, start - 1)
        out = []
        while i < len(self.quotes) and self.quotes[i].open < end:
            out.append(self.quotes[i])
            i += 1
        return out

    def at(self, pos: int) -> Quote | None:
        """The quote opening exactly at ``pos``."""
        i = bisect_right(self.opens, pos) - 1
        if i >= 0 and self.opens[i] == pos:
            return self.quotes[i]
        return None

    def inner(self, quote: Quote, work: str) -> tuple[int, int]:
        """The words inside a quote: no marks, no surrounding space, no trailing comma."""
        start = quote.open + 1
        end = quote.close if quote.close is not None else self.paragraphs[quote.para][1]
        while start < end and work[start].isspace():
            start += 1
        while end > start and (work[end - 1].isspace() or work[end - 1] == ","):
            end -= 1
        return start, end


MAX_SENTENCE = 3000


def split_sentences(masked: str, work: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence bounds in one paragraph of the masked text.

    Quotes are masked, so a quote never splits. A period after a known abbreviation or an
    initial does not end a sentence; a closing quote that ends in ., ? or ! ends one unless
    a speaker and verb follow ("... win!” Palsson said"). Over-long stretches without a
    boundary are cut at a space so later steps stay linear.
    """
    bounds: list[tuple[int, int]] = []
    sent_start = start
    for match in SENTENCE_END_RE.finditer(masked, start, end):
        dot = match.start()
        if masked[dot] == "." and _is_abbreviation(masked, dot, sent_start):
            continue
        nxt = match.end()
        if nxt < end and masked[nxt].islower() and masked[dot] != ";":
            continue
        _append_trimmed(masked, sent_start, match.end(), bounds)
        sent_start = match.end()
    _append_trimmed(masked, sent_start, end, bounds)
    bounds = _split_after_quotes(masked, work, bounds)
    out: list[tuple[int, int]] = []
    for s, e in bounds:
        while e - s > MAX_SENTENCE:
            cut = masked.rfind(" ", s + MAX_SENTENCE // 2, s + MAX_SENTENCE)
            cut = cut if cut > s else s + MAX_SENTENCE
            _append_trimmed(masked, s, cut, out)
            s = cut
        _append_trimmed(masked, s, e, out)
    return out


def _is_abbreviation(masked: str, dot: int, floor: int) -> bool:
    match = WORD_BEFORE_RE.search(masked, max(floor, dot - 20), dot)
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    return (len(word) == 1 and word.isalpha()) or word in ABBREVIATIONS


def _split_after_quotes(
    masked: str, work: str, bounds: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in bounds:
        pos = s
        cursor = masked.find("”", s, e)
        while cursor != -1:
            after = cursor + 1
            # "“We will win!” Palsson said" is one sentence when the quote opens it; a quote
            # closing a sentence that began earlier ends it whatever follows.
            opens_sentence = masked.rfind("“", pos, cursor) == pos
            if (
                after < e
                and masked[after].isspace()
                and work[cursor - 1] in ".!?"
                and not (opens_sentence and CUE_AHEAD_RE.match(masked, after, min(e, after + 120)))
            ):
                nxt = after
                while nxt < e and masked[nxt].isspace():
                    nxt += 1
                if nxt < e and not masked[nxt].islower() and masked[nxt] not in ",.;:":
                    _append_trimmed(masked, pos, after, out)
                    pos = nxt
            cursor = masked.find("”", after, e)
        _append_trimmed(masked, pos, e, out)
    return out


def dateline_end(masked: str, start: int, end: int) -> int:
    """Where the body text starts after a dateline at the paragraph start (or ``start``)."""
    match = DATELINE_RE.match(masked, start, min(end, start + 140))
    return match.end() if match else start


# --- tokens and noun phrases ---------------------------------------------------------------


def tokenize(masked: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Word and punctuation tokens with their offsets."""
    return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(masked, start, end)]


def is_verb(tokens: list[tuple[int, int, str]], i: int) -> bool:
    """Whether the token reads as a finite verb (so the phrase is a clause, not a name)."""
    word = tokens[i][2]
    if word[0].isupper():
        return False  # "May", "Will": names and months, not verbs, inside a noun phrase
    lower = word.lower()
    if lower in FINITE_WORDS:
        return True
    if (
        len(lower) > 3
        and lower.endswith("ed")
        and not lower.endswith("eed")
        and "-" not in lower
        and word[0].islower()
        and lower not in ED_ADJECTIVES
        and i > 0
    ):
        prev = tokens[i - 1][2].lower()
        return not (
            prev in DETERMINERS
            or prev in QUANTIFIERS
            or prev in PREPOSITIONS
            or prev.endswith("ly")
            or prev in {",", "and", "or", "“", "newly"}
        )
    return False


# Words after a head noun that start its post-modifier ("a source familiar with ...").
POSTMODIFIER_STARTS = words("familiar close briefed knowledgeable involved aware to")


def head_index(tokens: list[tuple[int, int, str]]) -> int:
    """Index of the head noun: the last word before a preposition, comma or relative."""
    head = -1
    for i, (_, _, word) in enumerate(tokens):
        lower = word.lower()
        if i > 0 and (
            lower in PREPOSITIONS
            or lower in RELATIVE_WORDS
            or lower in POSTMODIFIER_STARTS
            or word in ",(:;"
        ):
            break
        if word[0].isalnum():
            head = i
    return head


def np_like(tokens: list[tuple[int, int, str]]) -> bool:
    """Whether tokens read as a subject noun phrase (no verb, a plausible first word)."""
    if not tokens or len(tokens) > 16:
        return False
    first = tokens[0][2]
    lower = first.lower()
    if lower in SUBJECT_PRONOUNS:
        return len(tokens) == 1
    if lower in NEGATIVE_SUBJECTS:
        return False  # "No one said ...", "Nobody said ...": nobody speaks
    if lower in NON_SUBJECT_OPENERS or lower in CLAUSE_WORDS or lower in WEEKDAYS:
        return False
    if lower in MONTHS and len(tokens) > 1 and tokens[1][2][0].isdigit():
        return False
    for i, (_, _, word) in enumerate(tokens):
        if word.lower() in CLAUSE_WORDS or word in ":;“" or is_verb(tokens, i):
            return False
        if i > 0 and word.lower() in SPEECH_VERBS:
            return False
    if first[0].isupper() or first[0].isdigit() or lower in DETERMINERS or lower in QUANTIFIERS:
        return True
    head = tokens[head_index(tokens)][2].lower()
    if head in ANON_ROLE_HEADS or head in GROUP_HEADS or head in ORG_HEADS:
        return True
    # A bare lowercase plural ("stall holders", "medics") can be a subject; a bare word that
    # might be a verb or an adverb cannot.
    return len(tokens) <= 3 and head.endswith("s") and not first.endswith("ing")


def _segments(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Stretches of ``[lo, hi)`` between commas, closing quotes, colons and dashes."""
    out: list[tuple[int, int]] = []
    start = lo
    for i in range(lo, hi):
        if masked[i] in ",”:;—–(":
            out.append((start, i))
            start = i + 1
    out.append((start, hi))
    return out


def np_backward(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject noun phrase ending at ``hi`` (just before a speech verb), or None.

    Takes up to three comma-separated noun phrases in apposition ("A spokesman for the
    forces, Adnan Afrin,"), skipping a relative or participle clause between the phrase and
    the verb ("Whitlock, who led the club ..., said"), and stops at anything that is not a
    noun phrase (a clause, an adverbial opener).
    """
    lo = max(lo, hi - 400)
    aux = AUX_TAIL_RE.search(masked, lo, hi)
    if aux:
        hi = aux.start()
    while hi > lo and masked[hi - 1].isspace():
        hi -= 1
    if hi <= lo:
        return None
    segments = _segments(masked, lo, hi)
    accepted: list[tuple[int, int]] = []
    skipped_clause = False
    for s, e in reversed(segments):
        toks = tokenize(masked, s, e)
        if not toks:
            if accepted or skipped_clause:
                break
            continue
        if len(toks) <= 3 and " ".join(t[2].lower() for t in toks) in PARENTHETICALS:
            continue  # "The council, however, said ..."
        first = toks[0][2].lower()
        if (
            not accepted
            and not skipped_clause
            and (first in RELATIVE_WORDS or (first.endswith("ing") and toks[0][2][0].islower()))
        ):
            skipped_clause = True
            continue
        if np_like(toks):
            if accepted and (
                toks[0][2].lower() in SUBJECT_PRONOUNS
                or masked[e] != ","
                or _is_pronoun_segment(masked, accepted[0])
            ):
                break
            accepted.insert(0, (toks[0][0], toks[-1][1]))
            if len(accepted) == 3:
                break
            continue
        if not accepted:
            restricted = _before_relative(toks)
            if restricted is not None:
                accepted.insert(0, restricted)
                break
            suffix = _np_suffix(toks)
            if suffix is not None:
                accepted.insert(0, suffix)
        break
    if not accepted:
        return None
    return accepted[0][0], accepted[-1][1]


def _is_pronoun_segment(masked: str, span: tuple[int, int]) -> bool:
    return masked[span[0] : span[1]].lower() in SUBJECT_PRONOUNS


def _before_relative(toks: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """ "A rescuer who took part in the operation": the phrase before a relative clause that
    has its own verb. ("a decision that stall holders" has none: the subject is later.)"""
    for i in range(1, len(toks)):
        if toks[i][2].lower() in ("who", "that", "which"):
            clause = toks[i + 1 :]
            if np_like(toks[:i]) and any(is_verb(clause, j) for j in range(len(clause))):
                return toks[0][0], toks[i - 1][1]
            return None
    return None


def _np_suffix(toks: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The longest noun-phrase suffix of a stretch ("On Tuesday the ministry" -> "the
    ministry"), starting with a determiner, a capitalised word or a known head noun."""
    for i in range(max(1, len(toks) - 12), len(toks)):
        word = toks[i][2]
        lower = word.lower()
        if lower in WEEKDAYS or lower in MONTHS or lower in CLAUSE_WORDS:
            continue
        starts_well = (
            lower in DETERMINERS
            or lower in QUANTIFIERS
            or word[0].isupper()
            or lower in GROUP_HEADS
            or lower in ANON_PLURALS
            or lower in ORG_HEADS
        )
        if starts_well and np_like(toks[i:]):
            return toks[i][0], toks[-1][1]
    return None


def np_forward(
    masked: str, lo: int, hi: int, *, until_verb: bool = False
) -> tuple[int, int, int] | None:
    """A speaker noun phrase starting at ``lo`` (after an inverted verb or "according to").

    Returns ``(start, end, stop)``: the phrase and where it stopped (a relative clause, a
    time or channel phrase, ", adding", a quote, the sentence end), or None when a verb
    shows that a clause, not a speaker, follows. With ``until_verb`` the phrase before the
    verb is returned instead: the subject of a clause ("Sarv called ... and said ...").
    """
    hi = min(hi, lo + 400)
    toks = tokenize(masked, lo, hi)
    if not toks:
        return None
    end = -1
    count = 0
    for i, (s, _, word) in enumerate(toks):
        lower = word.lower()
        if lower in RELATIVE_WORDS or word in ":;“(—–" or lower == "adding":
            return _np_result(toks, end, s)
        if count and (WHEN_RE.match(masked, s, hi) or CHANNEL_RE.match(masked, s, hi)):
            return _np_result(toks, end, s)
        if word == ",":
            nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
            nlow = nxt.lower()
            # An apposition follows a comma: "Simone Awad, a fighter", "Irena Dobos, editor
            # of the Daily", "Pieter Olm, 64, ..."; a participle or relative clause does not.
            if (
                not nxt
                or not nxt[0].isalnum()
                or nlow in RELATIVE_WORDS
                or nlow in {"adding", "according", "speaking", "and", "but"}
                or (nxt[0].islower() and (nlow.endswith("ing") or is_verb(toks, i + 1)))
            ):
                return _np_result(toks, end, s)
            continue
        if is_verb(toks, i) or (count and lower in SPEECH_VERBS):
            return _np_result(toks, end, s) if until_verb else None
        if i == 0 and (lower in NON_SUBJECT_OPENERS or lower in CLAUSE_WORDS):
            return None
        count += 1
        if count > 24:
            return None
        end = i
    return _np_result(toks, end, hi)


def _np_result(
    toks: list[tuple[int, int, str]], end: int, stop: int
) -> tuple[int, int, int] | None:
    if end < 0:
        return None
    return toks[0][0], toks[end][1], stop
