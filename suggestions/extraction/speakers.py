"""Speakers: a mention resolved to an archived source, to one seen earlier in the article,
or to a new one; and reasons for anonymity attached to the anonymous ones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from suggestions.extraction import lexicon as R
from suggestions.extraction.mentions import (
    _last_word,
    _name_segment,
    _org_name,
    _split_tokens,
    _strip_article,
    _word_set,
    fold_mention,
)
from suggestions.extraction.phrases import head_index, tokenize
from suggestions.extraction.records import _Anchor, _Entity, _Raw
from suggestions.extraction.types import KnownSource

# How many recently mentioned sources a pronoun, surname-less role or "the ministry" may
# refer back to. Bounded so resolution costs the same per mention in any article length.
_RECENT_WINDOW = 40
_ORG_KINDS = ("organization", "official_account")
_IT_KINDS = ("organization", "official_account", "document")
_COLLECTIVE_KINDS = ("organization", "official_account", "group")
_ACRONYM_RE = re.compile(r",\s+or\s+([A-Z][A-Z0-9-]{1,9})\b")
_TRAILING_PAREN_RE = re.compile(r"\s*\([^()]{1,30}\)$")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "prof"})


class _Speakers:
    """Entities mentioned as speakers in one article, most recent last (``recent``), indexed
    by name and form, and the archive's known sources indexed the same way."""

    text: str
    work: str
    masked: str
    raws: list[_Raw]
    recent: dict[int, _Entity]
    people_by_name: dict[str, _Entity]
    people_by_word: dict[str, _Entity]
    orgs_by_form: dict[str, _Entity]
    known_by_form: dict[str, KnownSource | None]
    known_by_surname: dict[str, KnownSource | None]
    known_entities: dict[int, _Entity]
    known_orgs_by_head: dict[str, list[tuple[frozenset[str], KnownSource]]]
    waiting_reason: str

    def _resolve(self, start: int, end: int, se: int, channel: str) -> tuple[_Entity, float]:
        """The entity a speaker mention refers to, creating one when it is new."""
        m = self.masked
        paren = _TRAILING_PAREN_RE.search(m, start, end)
        if paren is not None and paren.start() > start:
            end = paren.start()  # "Harry Reid (D-Nev.)": the party is not in the name
        toks = tokenize(m, start, end)
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
        # "Ana Ruiz, 47": an age is in the mention, not in the name or the description.
        descriptions = [
            seg
            for i, seg in enumerate(segments)
            if i != name_index and not (len(seg) == 1 and seg[0][2].isdigit())
        ]
        desc_text = ", ".join(self.work[s[0][0] : s[-1][1]] for s in descriptions if s)
        if title and not all(t[2].lower().rstrip(".") in _HONORIFICS for t in title):
            desc_text = desc_text or self.work[title[0][0] : title[-1][1]]
        head_seg = descriptions[0] if descriptions else (name_seg or [])
        head_i = head_index(head_seg) if head_seg else -1
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
                (g for g in segments if g[head_index(g)][2].lower() in R.ORG_HEADS), segments[0]
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
        head_i = head_index(seg)
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
        """Attach "spoke on condition of anonymity because ..." (or "who was not authorized
        to speak publicly") to the sources it covers: anonymous sources of this sentence, or
        the last one that spoke before it; a reason given before any anonymous source has
        spoken waits for the next sentence's ("Officials were not authorized to discuss the
        talks. One said ...")."""
        reasons: list[tuple[int, str]] = []
        for match in R.ANONYMITY_RE.finditer(self.masked, ss, se):
            group = "reason" if match.group("reason") else "purpose"
            if match.group(group):
                reason = self.work[match.start(group) : match.end(group)].strip()
            else:
                # "who was not authorized to speak publicly and spoke on condition of ..."
                near = R.NOT_ALLOWED_RE.search(self.masked, ss, se)
                reason = self.work[near.start() : near.end()] if near else ""
            reason = R.REASON_SUBJECT_RE.sub("", reason)
            if reason:
                reasons.append((match.start(), reason))
        if not reasons:
            near = R.NOT_ALLOWED_RE.search(self.masked, ss, se)
            if near is not None:
                reason = R.REASON_SUBJECT_RE.sub("", self.work[near.start() : near.end()])
                reasons.append((near.start(), reason))
        waiting, self.waiting_reason = self.waiting_reason, ""
        if not reasons and waiting:
            reasons = [(ss, waiting)] if any(a.entity.kind == "anonymous" for a in found) else []
        for pos, reason in reasons:
            targets = self._anonymous_targets(found, ss, pos)
            if not targets:
                self.waiting_reason = reason
            for entity in targets:
                if not entity.anonymity_reason:
                    entity.anonymity_reason = reason

    def _anonymous_targets(self, found: list[_Anchor], ss: int, pos: int) -> list[_Entity]:
        here = [a.entity for a in found if a.entity.kind == "anonymous"]
        if here:
            return here
        earlier = [e for e in self._recent() if e.kind == "anonymous" and e.spoke]
        if not earlier:
            return []
        words = [t[2].lower() for t in tokenize(self.masked, ss, pos)]
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


def _add_alias(entity: _Entity, alias: str) -> None:
    if alias and alias not in entity.aliases and alias.lower() not in R.SUBJECT_PRONOUNS:
        entity.aliases.append(alias)
