"""Who an unnamed source speaks for, read from its description: "Clinton aides", "a Trump
campaign official", "White House officials", "Sen. Varnok's spokesman" name a body (an
organisation, or a person's campaign or staff) that independence then groups them with;
"former adviser Ilse Varnok" is no unnamed source at all but a person the description
names.

Pure: no Django, no database. The caller decides what the names found are (a person the
article names in full, an organisation of the archive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sources.matching import TITLES

_ROLE = (
    r"(?:aides?|officials?|advis[eo]rs?|staffers?|staff|spokes(?:man|men|woman|women|person"
    r"|people)|operatives?|surrogates?|allies|strategists?|insiders?|representatives?"
    r"|lawyers?|attorneys?|employees?|organizers?|managers?|members?)"
)
_NAME = r"(?:[A-Z][\w.'’&-]*)(?:\s+(?:of\s+|the\s+|for\s+)?[A-Z][\w.'’&-]*){0,4}"
_LEAD = r"^(?:an?|the|some|several|two|three|four|many|other|top|senior|former|close|one)\s+"
# "Clinton aides", "a Trump campaign official", "White House officials".
_BEFORE = re.compile(
    rf"(?:{_LEAD})*(?:(?:top|senior|former|close|campaign|press|communications)\s+)*"
    rf"(?P<name>{_NAME}?)(?:['’]s)?\s+(?P<campaign>campaign\s+)?"
    rf"(?:(?:top|senior|former|close|press|communications|national|policy)\s+)*{_ROLE}$"
)
# "aides to Mr. Trump", "officials at the State Department", "a spokesman for the Clinton
# campaign", "people close to the Trump campaign".
_AFTER = re.compile(
    rf"(?:{_LEAD})*(?:(?:top|senior|former|close|campaign)\s+)*(?:{_ROLE}|people)\s+"
    rf"(?:to|for|of|in|at|with|from|close\s+to|familiar\s+with)\s+(?:the\s+)?"
    rf"(?P<name>{_NAME}?)(?:['’]s)?(?P<campaign>\s+campaign)?$"
)
# "Clinton's campaign", "the Trump campaign": the campaign itself.
_CAMPAIGN = re.compile(rf"^(?:the\s+)?(?P<name>{_NAME}?)(?:['’]s)?\s+campaign$")
# "former adviser Ilse Varnok", "campaign manager Tomas Kell": a person after a role.
_ROLE_THEN_NAME = re.compile(
    r"^(?P<role>(?:[\w.'’-]+\s+)*?[a-z][\w'’-]*)\s+"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'’-]+){1,2})$"
)
_LINKS = frozenset(
    [
        "to",
        "for",
        "of",
        "with",
        "at",
        "by",
        "from",
        "about",
        "on",
        "in",
        "near",
        "and",
        "or",
        "than",
        "like",
        "told",
        "close",
    ]
)
_PRONOUNS = frozenset({"his", "her", "their", "its", "our", "my", "your"})
# Words that make a capitalised phrase an organisation rather than a place or a people.
_ORG_WORDS = frozenset(
    [
        "house",
        "department",
        "party",
        "committee",
        "senate",
        "congress",
        "pentagon",
        "administration",
        "agency",
        "bureau",
        "office",
        "council",
        "commission",
        "court",
        "police",
        "army",
        "navy",
        "force",
        "forces",
        "campaign",
        "foundation",
        "university",
        "institute",
        "association",
        "union",
        "corp",
        "inc",
        "company",
        "news",
        "network",
        "times",
        "post",
        "service",
        "services",
        "ministry",
        "government",
        "cabinet",
        "embassy",
        "caucus",
        "pac",
        "board",
        "authority",
    ]
)


@dataclass(frozen=True)
class Body:
    """The body a description names: ``name`` as written, and whether the description
    speaks of its ``campaign``."""

    name: str
    campaign: bool


_LEAD_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "some",
        "several",
        "two",
        "three",
        "four",
        "many",
        "other",
        "top",
        "senior",
        "former",
        "close",
        "one",
    ]
)
# A body named by one of these words alone is no body in particular.
_GENERIC = frozenset(
    ["campaign", "administration", "government", "party", "agency", "office", "staff"]
)


def _usable(name: str) -> str:
    words = name.split()
    while words and words[0].casefold() in _LEAD_WORDS:
        words = words[1:]
    if words:
        words[-1] = re.sub(r"['’]s$", "", words[-1])
    if not words or words[0].casefold() in _PRONOUNS:
        return ""
    if len(words) == 1 and words[0].casefold() in _GENERIC:
        return ""
    return " ".join(words)


def body_of(description: str) -> Body | None:
    """The body an unnamed source's description names, or None ("campaign officials",
    "his aides", "a senior official" name none)."""
    text = " ".join(description.split()).strip(" ,.;:")
    for pattern in (_BEFORE, _AFTER):
        match = pattern.match(text)
        if match and _usable(match.group("name")):
            return Body(_usable(match.group("name")), bool(match.group("campaign")))
    return None


def campaign_of(description: str) -> str:
    """The person or party whose campaign the description is ("Clinton's campaign", "the
    Trump campaign"), or ""."""
    match = _CAMPAIGN.match(" ".join(description.split()).strip(" ,.;:"))
    return _usable(match.group("name")) if match else ""


def named_person(description: str) -> tuple[str, str] | None:
    """(name, role) when a description ends with a person's full name after a role in
    lower case ("former adviser Ilse Varnok" → ("Ilse Varnok", "former adviser")) or
    after an office's capitalised title ("Former Secretary of State Ilse Varnok" →
    ("Ilse Varnok", "Former Secretary of State")), else None. A name that reads as an
    organisation is not a person."""
    text = " ".join(description.split(",")[0].split()).strip(" .;:")
    match = _ROLE_THEN_NAME.match(text)
    if not match:
        return _titled_person(text)
    name = match.group("name")
    if match.group("role").split()[-1].casefold() in _LINKS | {"the", "a", "an"}:
        # "a person close to Ilse Varnok" is not Ilse Varnok; "Secretary of State Ilse
        # Varnok" is read as a capitalised title.
        return _titled_person(text)
    if not _a_name(name):
        return None
    return name, match.group("role")


def _a_name(name: str) -> bool:
    words = [w.casefold().rstrip(".") for w in name.split()]
    return not any(w in _ORG_WORDS or w in TITLES for w in words)


# The words of an office's title ("Former Secretary of State", "Sen.", "Vice President",
# "White House Press Secretary"): a capitalised role is made of these only, so that
# where the title ends and the name begins is not a guess.
_OFFICE = """
acting then deputy assistant associate chief special press communications campaign staff
director minister prime foreign state defense treasury homeland security attorney national
democratic republican party house white senate committee chair counsel adviser advisor
spokesman spokeswoman ambassador commissioner us u.s united states of the for and
"""
_OFFICE_WORDS = TITLES | frozenset(_OFFICE.split())
_NAME_WORD = re.compile(r"^[A-Z][\w'’-]+$")
_INITIAL = re.compile(r"^[A-Z]\.$")


def _titled_person(text: str) -> tuple[str, str] | None:
    words = text.split()
    for size in (2, 3):  # "Ilse Varnok", "Ilse K. Varnok" or "Ana Maria Ruiz"
        if len(words) <= size:
            break
        role, name = words[:-size], words[-size:]
        if not (_NAME_WORD.match(name[0]) and _NAME_WORD.match(name[-1])):
            continue
        if size == 3 and not (_INITIAL.match(name[1]) or _NAME_WORD.match(name[1])):
            continue
        if role[-1].casefold() in _LINKS | {"the"} or not any(w[:1].isupper() for w in role):
            continue
        parts = [p.casefold().rstrip(".") for w in role for p in w.split("-") if p]
        first = parts[1] if parts[0] in ("then", "acting") and len(parts) > 1 else parts[0]
        office = first in TITLES and all(p in _OFFICE_WORDS for p in parts)
        if office and _a_name(" ".join(name)):
            return " ".join(name), " ".join(role)
    return None


def looks_like_organisation(name: str) -> bool:
    """An acronym ("FBI", "U.S.") or a phrase with an organisation's word ("White House",
    "State Department"); a place or a people ("Iowa", "Israeli") is not."""
    words = name.replace(".", "").split()
    if len(words) == 1 and words[0].isupper() and 2 <= len(words[0]) <= 6:
        return True
    return any(w.casefold() in _ORG_WORDS for w in words)


# Plural words that name people by what they are (a party's members, voters, a faith): a
# name ending with one ("Democrats", "Iowa Democrats", "House Republicans") is a group.
_GROUP_TEXT = """
democrats republicans conservatives liberals progressives independents libertarians
moderates evangelicals voters supporters opponents critics protesters protestors activists
delegates lawmakers legislators senators congressmen americans latinos hispanics muslims
christians catholics jews millennials others proponents allies investors partisans friends
donors experts analysts economists pollsters observers advocates residents veterans workers
citizens immigrants
"""
_GROUP_WORDS = frozenset(_GROUP_TEXT.split())


def group_of_people(name: str) -> bool:
    """Whether ``name`` names a group of people by what they are ("Democrats", "Iowa
    Democrats", "Never Trump Republicans"): capitalised words ending with a plural of
    :data:`_GROUP_WORDS`. A person's name never ends so."""
    words = name.replace("’", "'").split()
    if not words or words[-1].casefold() not in _GROUP_WORDS:
        return False
    return all(w[:1].isupper() or w.casefold() == "the" for w in words)
