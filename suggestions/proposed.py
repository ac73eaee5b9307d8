"""What a proposed speaker becomes when its suggestion is accepted: checked, resolved
against the archive (``sources.resolution``), or created.

``checked_proposal`` is also run when suggestions are stored, so a speaker that is no name
(a pronoun, a figure, a fragment) never reaches the review queue as one: the suggestion is
stored without a speaker, for an editor to choose.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

from articles.models import Article
from articles.selectors import outlets_named
from sources.bodies import (
    body_of,
    campaign_of,
    group_of_people,
    looks_like_organisation,
    named_person,
)
from sources.matching import NameMatch, has_linking_word, is_bare_surname
from sources.models import Source, normalize_name
from sources.names import clean_name, fold_accents, name_problem, speech_possessor
from sources.resolution import (
    FULLER_FORMS,
    PROPOSE,
    Resolution,
    fuller_of,
    office_title,
    propose_merge,
    resolve_source,
    surname_in_archive,
    surname_in_article,
)
from sources.selectors import sources_named
from sources.services import source_add_alias, source_create
from suggestions.models import Suggestion

_POSSESSIVE_END = re.compile(r"(?<=\w)['’]s$")


def checked_proposal(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The proposal with its name and description cleaned ("Tomas Kell's remarks" names
    Tomas Kell; a document is named by its description), and why it cannot stand for a
    speaker, or None."""
    kind = data.get("kind")
    if kind not in Source.Kind.values:
        return data, "The proposed speaker has no valid kind; choose one."
    name = clean_name(data.get("name") or "")
    description = clean_name(data.get("description") or "")
    name = speech_possessor(name) or name
    # "Trump's" (a speaker span cut before what it owns) is Trump.
    name = _POSSESSIVE_END.sub("", name)
    if kind == Source.Kind.DOCUMENT and not name:
        name = description
    data = {**data, "name": name, "description": description}
    label = name if kind in Source.NAMED_KINDS else description
    if not label:
        return data, "The proposed speaker has no name or description. Choose the speaker."
    problem = name_problem(label)
    if problem is None and kind == Source.Kind.PERSON and has_linking_word(label):
        # "Look At Hillary", "Pressure From Clinton": a headline's words, not a name.
        problem = "it is a fragment of a sentence"
    if problem is not None:
        return data, f"“{label}” cannot stand for a speaker: {problem}. Choose the speaker."
    return data, None


_NAMED_IN_DESCRIPTION = "the description ends with the person's full name"
_CAMPAIGN = "the description is a person's campaign"
_OUTLET = "an outlet of the archive by that name: an organisation, not a person"
_GROUP = "a group of people named by what they are: an unnamed group, not a person"


def _person_in(name: str, article: Article) -> str:
    """The full name of the person ``name`` is in the article ("Clinton" → "Hillary
    Clinton" when it names her alone in full), or "" when the article does not say."""
    if is_bare_surname(name):
        decided = surname_in_article(name, article.body)
        return decided.full_name if decided is not None else ""
    return name if len(name.split()) >= 2 else ""


def _body_for(description: str, *, article: Article, user) -> Source | None:
    """The organisation an unnamed source's description says it speaks for (see
    ``sources.bodies``): a named organisation ("White House officials"), or a person's
    campaign ("a Clinton campaign official") or aides ("Clinton aides"), found or created;
    None when it names none, or a place or a people ("Iowa officials")."""
    body = body_of(description)
    if body is None:
        return None
    if looks_like_organisation(body.name):
        name = body.name
    else:
        person = _person_in(body.name, article)
        if not person:
            return None
        name = f"{person} campaign" if body.campaign else f"{person}'s aides"
    data = {"kind": Source.Kind.ORGANIZATION, "name": name, "description": ""}
    try:
        return create_proposed_source(data, article=article, row=None, user=user)
    except ValidationError:
        return None


class SpeakerLeftForReview(ValidationError):
    """The speaker is not decided without an editor (a surname alone that the article gives
    to several people): the suggestion is left for review, never guessed."""


def keep_evidence(row: Suggestion | None, evidence: dict[str, Any]) -> None:
    """Keep on the suggestion how its speaker was resolved (which mention, why): in its
    proposal (``resolution``) and, in words, in its note, which the attribution copies."""
    if row is None:
        return
    row.proposed_source = {**(row.proposed_source or {}), "resolution": evidence}
    line = f"Speaker “{evidence.get('mention', '')}”"
    if evidence.get("resolved_to"):
        line += f" resolved to {evidence['resolved_to']}"
    line += f": {evidence.get('why', '')}."
    if line not in row.note:
        row.note = f"{row.note}\n{line}".strip()


def _platform_for(row: Suggestion) -> str:
    cue = row.cue.casefold()
    if "tweet" in cue or "posted on x" in cue:
        return Source.Platform.TWITTER
    return Source.Platform.OTHER


def create_proposed_source(
    data: dict[str, Any], *, article: Article, row: Suggestion | None, user
) -> Source:
    """The source a proposal describes: one already in the archive by the same name and
    kind, else a new one (with its affiliation, found or created the same way)."""
    data, problem = checked_proposal(data)
    if problem is not None:
        raise ValidationError({"source": problem})
    kind, name, description = data["kind"], data["name"], data["description"]
    if kind == Source.Kind.PERSON and name and outlets_named(name).exists():
        # "Politico reported ...": an outlet of the archive speaking is an organisation.
        keep_evidence(row, {"mention": name, "resolved_to": name, "why": _OUTLET})
        kind = Source.Kind.ORGANIZATION
        data = {**data, "kind": kind}
    if kind == Source.Kind.PERSON and group_of_people(name):
        # "Iowa Democrats": a group of people the extractor took for a person.
        keep_evidence(row, {"mention": name, "resolved_to": name, "why": _GROUP})
        kind, name, description = Source.Kind.GROUP, "", name
        data = {**data, "kind": kind, "name": "", "description": description}
    resolution = Resolution()
    person = kind == Source.Kind.PERSON
    archive = None
    if person:
        decided = surname_in_article(name, article.body)
        if decided is not None and (decided.full_name or decided.ambiguous):
            keep_evidence(row, decided.evidence(name))
            if decided.ambiguous:
                raise SpeakerLeftForReview(
                    {
                        "source": f"“{name}” may be "
                        + " or ".join(sorted(decided.people.values()))
                        + " (the article names each in full). Choose the speaker."
                    }
                )
            if office_title(name):
                # "President Varnok" resolved here is kept as a name of the person, for
                # articles that write it without the full name (``context_in_article``).
                full = {**data, "name": decided.full_name}
                source = create_proposed_source(full, article=article, row=row, user=user)
                if source.kind == Source.Kind.PERSON:
                    source_add_alias(source=source, name=name[:300], user=user)
                return source
            name = decided.full_name
            data = {**data, "name": name}
        archive = surname_in_archive(name, article.body)
        if archive is not None and archive.source is not None:
            keep_evidence(row, archive.evidence(name))
            return archive.source
    if kind in Source.NAMED_KINDS:
        found = sources_named(name, kind=kind).first()
        if found is not None and (
            not person or is_bare_surname(found.name) == is_bare_surname(name)
        ):
            return found
    if archive is not None and archive.people:
        # A surname alone that neither the article nor the archive decides: no source of
        # the surname alone is made beside the people who have it.
        raise SpeakerLeftForReview({"source": archive.review_reason(name)})
    if kind in Source.NAMED_KINDS:
        resolution = resolve_source(name, kind, article_text=article.body)
        if resolution.source is not None:
            if resolution.match is not None and resolution.match.reason in FULLER_FORMS:
                source_add_alias(source=resolution.source, name=name[:300], user=user)
            if resolution.match is not None:
                keep_evidence(
                    row,
                    {
                        "mention": name,
                        "resolved_to": resolution.source.name,
                        "why": resolution.match.reason,
                        "confidence": resolution.match.confidence,
                    },
                )
            return resolution.source
    if kind in Source.ARTICLE_BOUND_KINDS:
        person = named_person(description)
        if person is not None:
            # "former adviser Ilse Varnok": no unnamed source, a person the text names.
            keep_evidence(
                row,
                {"mention": description, "resolved_to": person[0], "why": _NAMED_IN_DESCRIPTION},
            )
            named = {"kind": Source.Kind.PERSON, "name": person[0], "role": person[1]}
            return create_proposed_source(named, article=article, row=row, user=user)
        campaign = campaign_of(description)
        if campaign:
            # "Clinton's campaign" speaking: the campaign, an organisation.
            owner = _person_in(campaign, article)
            if owner:
                body = {"kind": Source.Kind.ORGANIZATION, "name": f"{owner} campaign"}
                keep_evidence(
                    row,
                    {"mention": description, "resolved_to": body["name"], "why": _CAMPAIGN},
                )
                return create_proposed_source(body, article=article, row=row, user=user)
    affiliation = None
    if data.get("affiliation_id"):
        affiliation = Source.objects.filter(
            pk=data["affiliation_id"], kind=Source.Kind.ORGANIZATION
        ).first()
    elif isinstance(data.get("affiliation"), dict):
        affiliation = create_proposed_source(
            data["affiliation"], article=article, row=None, user=user
        )
        if affiliation.kind != Source.Kind.ORGANIZATION:
            affiliation = None
    if affiliation is None and kind in Source.ARTICLE_BOUND_KINDS:
        affiliation = _body_for(description, article=article, user=user)
        if affiliation is not None:
            keep_evidence(
                row,
                {
                    "mention": description,
                    "resolved_to": f"a source of {affiliation.name}",
                    "why": "the description names the body it speaks for",
                },
            )
    values: dict[str, Any] = {
        "kind": kind,
        "name": name if kind not in Source.ARTICLE_BOUND_KINDS else "",
        "description": description[:500],
        "role": (data.get("role") or "")[:200],
        "affiliation": affiliation,
    }
    if kind in Source.ARTICLE_BOUND_KINDS:
        values["article"] = article
        if kind == Source.Kind.ANONYMOUS:
            values["anonymity_reason"] = (data.get("anonymity_reason") or "")[:500]
    if kind == Source.Kind.OFFICIAL_ACCOUNT:
        values["platform"] = _platform_for(row) if row is not None else Source.Platform.OTHER
    source = source_create(user=user, **values)
    if kind not in Source.ARTICLE_BOUND_KINDS:
        plain = fold_accents(name)
        if plain != name:
            # So that an article writing "Calderon" finds "Calderón".
            source_add_alias(source=source, name=plain[:300], user=user)
        for alias in data.get("aliases") or ():
            # A surname alias ("Trump") is recorded, but resolution never decides by it
            # alone (``sources.resolution._labels``): it may be someone else elsewhere.
            if isinstance(alias, str) and normalize_name(alias) != normalize_name(name):
                source_add_alias(source=source, name=alias[:300], user=user)
    # A likely but unsure match ("Trump" and a stored "Donald Trump"), or a surname two
    # stored people share: the new source is kept apart and the merge left for review.
    evidence = {"article": article.pk, "mention": name}
    if resolution.candidate is not None and resolution.match is not None:
        keep, duplicate = fuller_of(resolution.candidate, source)
        propose_merge(keep, duplicate, resolution.match, evidence=evidence, user=user)
    for candidate in resolution.ambiguous:
        match = NameMatch(PROPOSE, "surname shared by several people")
        propose_merge(candidate, source, match, evidence=evidence, user=user)
    return source
