"""Word lists and phrase patterns: the words and phrases the extractor recognises.

Every pattern is compiled once, bounded and free of nested quantifiers over the same text,
so matching stays linear in the length of the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
    "testified reported asked asks suggested urged urges vowed vows promised promises pledged "
    "pledges denied denies argue insist warn predict concluded revealed reiterated "
    "countered charged called described accused assured reminded informed acknowledge "
    "wondered demanded shouted exclaimed quipped joked mused pleaded boasted bragged lamented "
    "retorted scoffed snapped yelled screamed interjected griped marveled marvelled notes "
    "claims"
)
# Cues of belief or wish rather than speech ("She believes the deal is dead"); base forms
# only after a pronoun or plural subject ("I think", "voters fear").
BELIEF_VERBS = words(
    "believes believed believe thinks thought think fears feared fear hopes hoped hope "
    "expects expected expect wants wanted want worries worry doubts doubted knows"
)
# Cues of evidence: a document, poll or finding shows ("A poll shows Smith ahead").
EVIDENCE_VERBS = words("shows showed show found finds suggests indicates indicated")
EVIDENCE_HEADS = words(
    "poll polls survey surveys study studies report reports data analysis analyses figures "
    "estimates records documents research review audit census footage count tally results"
)
CUE_VERBS = SPEECH_VERBS | BELIEF_VERBS | EVIDENCE_VERBS
# Base forms: cues only after "I", "we", "they", "you" or a plural subject ("Critics argue").
BASE_FORMS = words(
    "argue insist warn predict believe think fear hope expect want worry show acknowledge"
)
# Subjects that present evidence: "researchers found", "the audit shows".
EVIDENCE_PEOPLE = words(
    "researchers scientists investigators analysts economists experts auditors inspectors "
    "pollsters authors"
)


def act_of(cue: str) -> str:
    """ "speech", "belief" or "evidence" for a cue verb."""
    lower = cue.lower()
    if lower in BELIEF_VERBS or lower.rsplit(None, 1)[-1] in BELIEF_PHRASE_WORDS:
        return "belief"
    if lower in EVIDENCE_VERBS:
        return "evidence"
    return "speech"


TOLD_VERBS = frozenset({"told", "tells", "assured", "reminded", "informed"})
SOCIAL_VERBS = frozenset({"tweeted", "tweets", "posted"})

DETERMINERS = words(
    "a an the this that these those his her its their our my your another each every some any "
    "no both all many several few most such"
)
QUANTIFIERS = words(
    "one two three four five six seven eight nine ten eleven twelve dozens hundreds thousands "
    "scores more other second third fourth fifth half majority minority plurality three-quarters "
    "two-thirds one-third one-quarter about nearly almost roughly approximately"
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
    "over under last late early nevertheless moreover among across within beyond unlike like "
    "including regarding"
)
NEGATIVE_SUBJECTS = words("no nobody none neither nothing what whatever")
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
    "renowned seasoned respected registered unregistered undecided committed affiliated "
    "educated married divorced employed unemployed insured uninsured qualified concerned "
    "interested satisfied dissatisfied disappointed polled surveyed sampled"
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

# Words after a head noun that start its post-modifier ("a source familiar with ...").
POSTMODIFIER_STARTS = words("familiar close briefed knowledgeable involved aware to")

ABBREVIATIONS = words(
    "mr mrs ms dr prof gen col lt capt maj sgt adm gov sen rep st mt ft jr sr rev no vs inc "
    "corp co ltd jan feb aug sept oct nov dec a.m p.m u.s u.k u.n e.g i.e approx est dept "
    "fig al cf"
)

# --- compiled patterns ---------------------------------------------------------------------


def _trie_pattern(words: Iterable[str]) -> str:
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


VERB_ALT = _trie_pattern(CUE_VERBS)
# Case-sensitive on purpose: a capitalised "Asked whether ..." opens a participle phrase.
# Cues of several words: a verb and its noun or adjective ("expressed concern that", "made
# clear that", "pointed out that", "remain confident that").
PHRASE_ALT = (
    r"expressed\s+(?:concern|hope|confidence|doubts?|fears?|optimism|frustration|regret)"
    r"|voiced\s+(?:concern|hope|confidence|doubts?|fears?|optimism|frustration)"
    r"|made\s+(?:it\s+)?clear|made\s+the\s+case|pointed\s+out|put\s+it"
    r"|(?:remains?|remained|is|are|was|were)\s+(?:confident|convinced|certain|adamant"
    r"|optimistic|hopeful|skeptical|sceptical|worried|concerned)(?=\s+that\b)"
)
BELIEF_PHRASE_WORDS = words(
    "hope confidence doubt doubts fear fears optimism confident convinced certain optimistic "
    "hopeful skeptical sceptical worried concerned"
)
CUE_RE = re.compile(
    r"(?<![\w’'-])(?:(?P<according>[Aa]ccording to)|(?P<verb>"
    + VERB_ALT
    + "|"
    + PHRASE_ALT
    + r"))(?![\w’'-])"
)
# Participles that report more speech of the clause's subject: ", adding ...", ", saying
# ...", ", telling reporters ..." ("adding" also without the comma).
PARTICIPLE_CUES = words(
    "adding saying noting telling arguing insisting warning explaining claiming stressing "
    "acknowledging asserting declaring predicting promising vowing urging complaining calling "
    "describing accusing writing tweeting replying responding answering"
)
ADDING_RE = re.compile(
    r"(?:,\s+(?:(?:before|after|while|then|also)\s+)?|(?<=”)\s+|\s+(?=adding\b))("
    + _trie_pattern(PARTICIPLE_CUES)
    + r")\b"
    r"\s*(?:that\s+|:\s*|,\s*)?"
)
# Where reported speech ends because the writer's own clause begins: ", while critics ...",
# ", before leaving", "; ...".
CLAUSE_STOP_RE = re.compile(
    r",\s+(?:while|whereas|even\s+as)\s+|,\s+(?:before|after)\s+(?=[a-z]+ing\b)|;\s+"
)
ACCORDING_IN_RE = re.compile(r",\s+according to\s+")
AUX_TAIL_RE = re.compile(
    r"(?:\s+(?:has|have|had|also|later|previously|earlier|then|again|repeatedly|once|"
    r"further|separately|publicly|privately|recently|would|will|has also|had also|"
    r"already|reportedly|initially|first|subsequently)){1,4}\s*$"
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
    r"|e-?mail|release|video|message|tweet|report|filing|op-ed|column)(?:\s+(?:message|post|clip))?"
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
    r"|(?P<common>(?:(?:the|a|an|his|her|their|its|local|state|foreign|fellow)\s+"
    r"(?:[A-Z][\w’'&.-]*\s+){0,3})?"  # "a Senate panel", "the House committee"
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
    r"\s+(?:(?:[A-Z][\w’'.-]*|the|a|an|of|for|his|her|their)\s+){0,6}(?:" + VERB_ALT + r")\b"
)
