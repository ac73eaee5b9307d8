"""Which stored source a name from an article is: resolution across the archive, merge
suggestions for the uncertain cases, and the duplicate finder.

:func:`resolve_source` compares a proposed name with the stored sources of the same kind
that could be it (the same key, the same surname, an acronym of it or it of theirs) using
:func:`sources.matching.compare_names`, with the article's text as context. The result:

- ``confidence >= ATTACH`` (0.9: the same name, the same first and last name, a surname
  whose full name the article gives, an acronym the article spells out): that source;
- a lower match (a surname alone, an acronym alone): no source, and the candidate named, so
  the caller creates the new source and proposes a merge (:func:`propose_merge`);
- two candidates equally likely (a bare "Clinton" with Hillary and Bill Clinton stored, and
  neither named in full in the article): ``ambiguous``, never guessed.

:func:`surname_in_article` decides a surname alone by the article's full-name mentions;
when they say nothing, :func:`surname_in_archive` names the archive's people of that surname
and the context of each that the article carries (first name, role, description,
affiliation, another stored name): the archive's one person with context is who it is;
anything else is left for review, never guessed.

:func:`find_duplicates` runs the same comparison over the stored people and organisations
and proposes merges for the pairs it finds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from access.services import Actor, mark_reviewed, set_history_user
from sources.matching import (
    NOT_FIRST_NAMES,
    TITLES,
    NameMatch,
    acronym,
    compare_names,
    full_names_in_text,
    in_text,
    is_acronym,
    is_bare_surname,
    name_key,
    person_parts,
    text_key,
)
from sources.models import MergeSuggestion, Source
from sources.names import fold_accents
from sources.services import MergeReport, source_merge

ATTACH = 0.9
PROPOSE = 0.6
# Matches whose name is another full form of the source's ("Donald J. Trump" for "Donald
# Trump", "Sen. Ted Cruz"): recorded as an alias when they attach. A surname or an acronym
# is not, since it may name someone else in another article.
FULLER_FORMS = frozenset({"same name", "same first and last name"})
ATTACH_REASONS = FULLER_FORMS | {"same name after a description"}
RESOLVED_KINDS = (Source.Kind.PERSON, Source.Kind.ORGANIZATION, Source.Kind.OFFICIAL_ACCOUNT)


@dataclass
class Resolution:
    source: Source | None = None
    match: NameMatch | None = None
    candidate: Source | None = None  # a weaker match, for a merge suggestion
    ambiguous: list[Source] = field(default_factory=list)


def _candidates(name: str, kind: str) -> list[Source]:
    """Stored sources of ``kind`` that may carry ``name``: by surname for people, by
    acronym or full name for organisations, by the name's words otherwise."""
    person = kind == Source.Kind.PERSON
    query = Q()
    if person:
        _first, last = person_parts(name)
        if not last:
            return []
        # "O'Malley" and "O’Malley" are one surname.
        for form in {last, last.replace("'", "’")}:
            query |= Q(name__iendswith=f" {form}") | Q(name__iexact=form)
            query |= Q(name__icontains=f" {form} ")  # "Joseph R. Biden Jr."
            query |= Q(aliases__normalized__endswith=f" {form}") | Q(aliases__normalized=form)
    else:
        key = name_key(name)
        if not key:
            return []
        query |= Q(name__iexact=name) | Q(aliases__normalized=" ".join(name.casefold().split()))
        if is_acronym(name):
            # Full names starting with the acronym's first letter; compare_names decides.
            query |= Q(name__istartswith=key[0]) & Q(name__icontains=" ")
        elif acronym(name):
            initials = acronym(name)
            query |= Q(name__iexact=initials) | Q(name__iexact=".".join(initials) + ".")
        query |= Q(name__iexact=f"the {key}") | Q(name__iexact=key)
    return list(
        Source.objects.filter(kind=kind, article__isnull=True)
        .filter(query)
        .select_related("affiliation")
        .prefetch_related("aliases")
        .distinct()
        .order_by("pk")[:200]
    )


def _labels(source: Source) -> list[str]:
    """The names a source is compared by. A person named in full is not compared by a
    surname alias ("Trump", from a merge): the surname may be someone else elsewhere."""
    labels = [source.name, *(alias.name for alias in source.aliases.all())]
    if source.kind == Source.Kind.PERSON and not is_bare_surname(source.name):
        labels = [label for label in labels if not is_bare_surname(label)]
    return labels


def _best(proposed: str, source: Source, kind: str, article_key: str) -> NameMatch | None:
    best = None
    for label in _labels(source):
        match = compare_names(proposed, label, kind=kind, article_text_key=article_key)
        if match is not None and (best is None or match.confidence > best.confidence):
            best = match
    return best


def resolve_source(name: str, kind: str, *, article_text: str = "") -> Resolution:
    """The stored source ``name`` names (see the module's text)."""
    if kind not in RESOLVED_KINDS or not name.strip():
        return Resolution()
    article_key = text_key(article_text) if article_text else ""
    scored = []
    full = kind == Source.Kind.PERSON and not is_bare_surname(name)
    for source in _candidates(name, kind):
        match = _best(name, source, kind, article_key)
        if match is not None and full and is_bare_surname(source.name):
            # A full name never attaches to a surname stored alone ("Trump" may hold
            # several people's words): the merge is proposed instead.
            match = NameMatch(min(match.confidence, 0.7), "surname only")
        if match is not None and match.confidence >= PROPOSE:
            scored.append((match.confidence, source, match))
    if not scored:
        return Resolution()
    scored.sort(key=lambda item: (-item[0], item[1].pk))
    top = scored[0][0]
    tied = [source for confidence, source, _match in scored if confidence == top]
    if len(tied) > 1 and top < 1.0:
        return Resolution(ambiguous=tied)
    _confidence, source, match = scored[0]
    if top >= ATTACH:
        return Resolution(source=source, match=match)
    return Resolution(match=match, candidate=source)


@dataclass(frozen=True)
class SurnameInArticle:
    """What an article says about a surname alone: the people of that surname it names in
    full (first name → fullest form written)."""

    surname: str
    people: dict[str, str]

    @property
    def full_name(self) -> str:
        """The one person the surname is, when the article names exactly one."""
        if len(self.people) != 1:
            return ""
        first, form = next(iter(self.people.items()))
        # "?": a word opening a sentence that may or may not be a first name.
        return "" if first.startswith("?") else form

    @property
    def ambiguous(self) -> bool:
        return len(self.people) > 1

    def evidence(self, mention: str) -> dict:
        return {
            "mention": mention,
            "named_in_full": sorted(self.people.values()),
            "resolved_to": self.full_name,
            "why": (
                "the article names one person of this surname in full"
                if self.full_name
                else "the article names several people of this surname in full"
                if self.ambiguous
                else "the article names no one of this surname in full"
            ),
        }


def surname_in_article(name: str, article_text: str) -> SurnameInArticle | None:
    """For a person's name that is a surname alone ("Trump", "Mr. Trump"), the people of
    that surname the article names in full (``sources.matching.full_names_in_text``); None
    for a full name. The rule: one person named in full is who the surname is; several are
    left for review, never guessed; none leaves the archive to decide
    (:func:`resolve_source`)."""
    if not is_bare_surname(name):
        return None
    _first, last = person_parts(name)
    surname = next(
        (word for word in reversed(name.split()) if word.casefold().rstrip(".") == last),
        name.split()[-1] if name.split() else "",
    )
    return SurnameInArticle(surname, full_names_in_text(article_text, surname or last))


_LEAD_WORDS = frozenset({"a", "an", "the", "former", "then", "acting", "longtime"})
_ARCHIVE_ONE = "the archive's one person of this surname, with their context in the article"
_ARCHIVE_TITLED = (
    "of the archive's people of this surname, the one with this office title in the article"
)
OFFICE = "office title"


def _seen_capitalised(word: str, text: str) -> bool:
    """Whether ``text`` writes ``word`` with a capital and never in lower case ("Bill" in a
    text about a bill proves nothing)."""
    if len(word) < 2 or not re.search(rf"\b{re.escape(word)}\b", text):
        return False
    return not re.search(rf"\b{re.escape(word.casefold())}\b", text)


# Titles that say who someone is ("President", "Sen."), unlike a courtesy title ("Mr.").
_COURTESY = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady"})


def office_title(name: str) -> str:
    """The office a surname alone is written with ("President Varnok" → "president", "Sen.
    Varnok" → "sen"), in key form; "" for a full name, a surname without a title, or a
    courtesy title ("Mr. Varnok")."""
    if not is_bare_surname(name):
        return ""
    words = text_key(name).split()[:-1]
    if not words or not all(w in TITLES and w not in _COURTESY | {"former"} for w in words):
        return ""
    return " ".join(words)


def _just_before(key: str, surname: str, text: str) -> bool:
    """Whether ``text`` writes the phrase ``key`` right before the surname, in one sentence
    ("Spokesman Varnok", "Sen. Varnok"; not "a spokesman. Varnok")."""
    words = key.split()
    dot = r"\.?" if words[-1] in TITLES else ""
    phrase = r"\s+".join(re.escape(word) for word in words)
    pattern = rf"\b{phrase}{dot}\s+{re.escape(surname)}\b"
    return bool(re.search(pattern, fold_accents(text).replace("’", "'"), re.IGNORECASE))


def _a_surname(word: str) -> bool:
    """Whether a stored person named in full has ``word`` for a surname ("Clinton" in a
    stored "Clinton Cash Debunks Hillary" is no first name)."""
    return Source.objects.filter(
        kind=Source.Kind.PERSON, article__isnull=True, name__iendswith=f" {word}"
    ).exists()


def _phrase_key(phrase: str) -> str:
    words = text_key(phrase).split()
    while words and words[0] in _LEAD_WORDS:
        words = words[1:]
    return " ".join(words)


def context_in_article(
    source: Source, surname: str, article_text: str, *, article_key: str | None = None
) -> list[str]:
    """What ``article_text`` says of ``source`` (a person named in full) besides the
    surname: their first name, their stored role or description (two words or more
    anywhere, one word just before the surname: "Sen. Varnok"), their affiliation's name,
    or another of their stored names. Empty when it says none of these. ``article_key``:
    ``text_key(article_text)``, when the caller has it already."""
    if article_key is None:
        article_key = text_key(article_text)
    first = person_parts(source.name)[0]
    found = []
    written_first = next((w for w in source.name.split() if w.casefold().rstrip(".") == first), "")
    if (
        written_first
        and first not in NOT_FIRST_NAMES
        and _seen_capitalised(written_first, article_text)
        and not _a_surname(written_first)
    ):
        found.append(f"first name “{written_first}”")
    for label, value in (("role", source.role), ("description", source.description)):
        key = _phrase_key(value)
        if not key or surname in key.split():
            continue
        if (len(key.split()) >= 2 and in_text(key, article_key)) or _just_before(
            key, surname, article_text
        ):
            found.append(f"{label} “{value}”")
    affiliation = source.affiliation
    if affiliation is not None:
        key = _phrase_key(affiliation.name)
        if key and surname not in key.split() and in_text(key, article_key):
            found.append(f"affiliation “{affiliation.name}”")
    own = name_key(source.name, person=True)
    for alias in source.aliases.all():
        key = name_key(alias.name, person=True)
        title = office_title(alias.name)
        if key == surname and title and _just_before(title, surname, article_text):
            found.append(f"{OFFICE} “{alias.name}”")  # "President Varnok" written again
        if key in ("", own, surname):
            continue
        seen = (
            _seen_capitalised(alias.name.strip(), article_text)
            if len(key.split()) == 1
            else in_text(text_key(alias.name), article_key)
        )
        if seen:
            found.append(f"alias “{alias.name}”")
    return found


@dataclass(frozen=True)
class SurnameInArchive:
    """The people of a surname the archive holds named in full, for a surname alone that
    its article does not decide, and the context of each that the article carries."""

    surname: str
    people: list[Source]
    context: dict[int, list[str]]

    @property
    def titled(self) -> list[Source]:
        """The people whose office title, stored with the surname ("President Varnok"), the
        article writes before the surname."""
        return [
            person
            for person in self.people
            if any(item.startswith(OFFICE) for item in self.context.get(person.pk, []))
        ]

    @property
    def source(self) -> Source | None:
        """The one person of the surname the archive holds, when the article carries their
        context (``context_in_article``), or, of several, the one whose office title the
        article writes with the surname when it carries no other's context; None otherwise:
        never by the surname alone."""
        if len(self.people) == 1:
            only = self.people[0]
            return only if self.context.get(only.pk) else None
        titled = self.titled
        others = [p for p in self.people if p not in titled and self.context.get(p.pk)]
        return titled[0] if len(titled) == 1 and not others else None

    def evidence(self, mention: str) -> dict:
        chosen = self.source
        return {
            "mention": mention,
            "resolved_to": chosen.name if chosen else "",
            "why": _ARCHIVE_ONE if len(self.people) == 1 else _ARCHIVE_TITLED,
            "candidates": sorted(person.name for person in self.people),
            "context": self.context.get(chosen.pk, []) if chosen else [],
            "confidence": ATTACH,
        }

    def review_reason(self, mention: str) -> str:
        names = " or ".join(sorted(person.name for person in self.people))
        if len(self.people) > 1:
            why = "people of the archive; the article names none of them in full"
        else:
            why = (
                "the archive's one person of this surname; the article names no one of it "
                "in full and gives none of their context"
            )
        return f"“{mention}” may be {names} ({why}). Choose the speaker."


def surname_in_archive(name: str, article_text: str) -> SurnameInArchive | None:
    """For a person's name that is a surname alone, the stored people named in full whose
    surname it is, with their context in ``article_text``; None for a full name. The
    caller asks only when the article does not decide (``surname_in_article``)."""
    if not is_bare_surname(name):
        return None
    _first, last = person_parts(name)
    people = [
        source
        for source in _candidates(name, Source.Kind.PERSON)
        if not is_bare_surname(source.name) and person_parts(source.name)[1] == last
    ]
    key = text_key(article_text) if people else ""
    context = {
        person.pk: context_in_article(person, last, article_text, article_key=key)
        for person in people
    }
    return SurnameInArchive(last, people, context)


def fuller_of(a: Source, b: Source) -> tuple[Source, Source]:
    """(keep, duplicate): a full name is kept over a surname alone ("Donald Trump" over
    "Trump"), then the source with more attributions, then the longer name, then the
    older."""

    def weight(source: Source) -> tuple:
        full = min(len(name_key(source.name, person=True).split()), 2)
        words = len(name_key(source.name).split())
        return (full, getattr(source, "n_attributions", 0), words, -source.pk)

    return (a, b) if weight(a) >= weight(b) else (b, a)


def propose_merge(
    keep: Source, duplicate: Source, match: NameMatch, *, evidence: dict | None = None, user=None
) -> MergeSuggestion | None:
    """A pending merge suggestion for the pair (None when it was already proposed, either
    way round, or is the same source)."""
    if keep.pk == duplicate.pk:
        return None
    if MergeSuggestion.objects.filter(
        Q(keep=keep, duplicate=duplicate) | Q(keep=duplicate, duplicate=keep)
    ).exists():
        return None
    row = MergeSuggestion(
        keep=keep,
        duplicate=duplicate,
        keep_name=keep.display_name[:300],
        duplicate_name=duplicate.display_name[:300],
        confidence=match.confidence,
        reason=match.reason[:100],
        evidence=evidence or {},
    )
    set_history_user(row, user)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return None
    return row


@transaction.atomic
def merge_suggestion_accept(*, suggestion: MergeSuggestion, user: Actor = None) -> MergeReport:
    """Merge the duplicate into the kept source (the merge service: attributions move,
    names become aliases, history kept)."""
    row = MergeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if row.state != MergeSuggestion.State.PENDING or row.keep is None or row.duplicate is None:
        raise ValidationError({"state": f"This merge was already {row.get_state_display()}."})
    keep, duplicate = row.keep, row.duplicate
    mark_reviewed(row, state=MergeSuggestion.State.ACCEPTED, user=user)
    return source_merge(keep=keep, others=[duplicate], user=user)


@transaction.atomic
def merge_suggestion_reject(*, suggestion: MergeSuggestion, user: Actor = None) -> MergeSuggestion:
    row = MergeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if row.state != MergeSuggestion.State.PENDING:
        raise ValidationError({"state": f"This merge was already {row.get_state_display()}."})
    mark_reviewed(row, state=MergeSuggestion.State.REJECTED, user=user)
    return row


def _pairs(sources: list[Source]) -> Iterator[tuple[Source, Source, NameMatch]]:
    """Pairs of stored sources that may be one (people by surname, organisations by key and
    acronym), each pair once."""
    people: dict[str, list[Source]] = defaultdict(list)
    orgs: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        labels = [source.name, *(alias.name for alias in source.aliases.all())]
        if source.kind == Source.Kind.PERSON:
            for last in {person_parts(label)[1] for label in labels} - {""}:
                people[last].append(source)
        else:
            keys = {name_key(label) for label in labels} | {acronym(label) for label in labels}
            for key in keys - {""}:
                orgs[key].append(source)
    seen: set[tuple[int, int]] = set()
    for group in [*people.values(), *orgs.values()]:
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                pair = (min(a.pk, b.pk), max(a.pk, b.pk))
                if pair in seen or a.kind != b.kind:
                    continue
                seen.add(pair)
                match = _best(a.name, b, a.kind, "") or _best(b.name, a, a.kind, "")
                if match is not None and match.confidence >= PROPOSE:
                    yield a, b, match


@dataclass
class DuplicateReport:
    compared: int = 0
    proposed: int = 0
    already_proposed: int = 0
    ambiguous_surnames: int = 0


def find_duplicates(
    *, involving: set[int] | None = None, user: Actor = None, dry_run: bool = False
) -> DuplicateReport:
    """Propose merges for stored people and organisations that may be one source (only
    pairs with a source in ``involving``, when given). A bare surname that two full names
    share ("Clinton": Hillary and Bill) is counted as ambiguous and proposed for neither."""
    rows: list[Source] = list(
        Source.objects.filter(kind__in=RESOLVED_KINDS, article__isnull=True)
        .annotate(n_attributions=Count("attributions"))
        .prefetch_related("aliases")
        .order_by("pk")
    )
    report = DuplicateReport(compared=len(rows))
    partners: dict[int, list[tuple[Source, NameMatch]]] = defaultdict(list)
    pairs = list(_pairs(rows))
    for a, b, match in pairs:
        partners[a.pk].append((b, match))
        partners[b.pk].append((a, match))
    for a, b, match in pairs:
        if involving is not None and a.pk not in involving and b.pk not in involving:
            continue
        short = a if len(name_key(a.name, person=True).split()) == 1 else b
        # People the bare surname could be: its partners' distinct full names.
        full_names = {
            name_key(other.name, person=True)
            for other, _match in partners[short.pk]
            if len(name_key(other.name, person=True).split()) > 1
        }
        if match.reason == "surname only" and len(full_names) > 1:
            report.ambiguous_surnames += 1
            continue
        keep, duplicate = fuller_of(a, b)
        if dry_run:
            report.proposed += 1
            continue
        made = propose_merge(
            keep, duplicate, match, evidence={"names": [a.name, b.name]}, user=user
        )
        if made is None:
            report.already_proposed += 1
        else:
            report.proposed += 1
    return report
