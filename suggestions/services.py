"""Suggested attributions: run the extractor on an article, store what it proposes for
an editor to review, and accept or reject each proposal.

Storing is idempotent. Running the extractor again on the same body updates the pending
suggestions in place (same id), adds new ones, removes pending ones it no longer makes,
and leaves alone every suggestion already accepted or rejected and every span already
annotated as an attribution: an editor's work is never touched.

The later parts of a quote split by its cue point to the first part's suggestion
(``Suggestion.continues``). Once both are accepted, in either order, the later part's
attribution continues the first's (``Attribution.continues``); a part whose first part is
rejected, or was never stored, stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict, Unpack, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.services import Actor, acting_user, apply_fields, set_history_user
from articles.anchoring import AnchorStatus
from articles.models import Article, Outlet
from articles.services import outlet_get_or_create
from claims.models import Attribution, Claim
from claims.services import attribution_create, attribution_update
from sources.matching import name_key, person_parts
from sources.models import Source, normalize_name
from sources.names import clean_name
from sources.resolution import surname_in_article
from sources.selectors import sources_with_any_name
from suggestions.extraction import Extraction, ExtractionError, KnownSource, ProposedSource, extract
from suggestions.models import Suggestion
from suggestions.proposed import checked_proposal, create_proposed_source

__all__ = [
    "SuggestReport",
    "extract_for_text",
    "known_sources_for",
    "suggest_attributions",
    "suggestion_accept",
    "suggestion_leave_for_review",
    "suggestion_reject",
    "suggestion_update",
]

# Capitalised words (with inner hyphens, apostrophes and dots: "al-Baghdadi", "O'Neill",
# "U.S."), possibly joined by a few lower-case particles: the phrases that can name a
# source already in the archive.
_CAP_WORD = r"[A-Z][\w'’.\-]*"
_NAME_RUN = re.compile(
    rf"{_CAP_WORD}(?:\s+(?:(?:of|the|de|del|da|al|bin|van|von|for|and)\s+)*{_CAP_WORD})*"
)
_FOLLOWING = re.compile(r"(?:\s+[\w'’\-]+){1,2}")
MAX_NAME_WORDS = 6
# More look-up phrases than this (a very long article) are not all sent to the database.
MAX_LOOKUP_PHRASES = 5_000
_LOOKUP_CHUNK = 500


@dataclass
class SuggestReport:
    """What one run stored, and what it left alone and why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped_reviewed: int = 0
    skipped_annotated: int = 0
    suggestion_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} withdrawn; left alone: {self.skipped_reviewed} already reviewed, "
            f"{self.skipped_annotated} already annotated"
        )


def _lookup_phrases(text: str) -> set[str]:
    """Every run of 1-6 consecutive capitalised words (and their particles), and each such
    run with the one or two words after it ("US-led coalition"), normalised."""
    phrases: set[str] = set()
    for match in _NAME_RUN.finditer(text):
        words = match.group().split()
        following = _FOLLOWING.match(text, match.end())
        tail = following.group().split() if following else []
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + MAX_NAME_WORDS) + 1):
                part = words[i:j]
                if part[-1][0].isupper():
                    phrases.add(normalize_name(" ".join(part).strip(".,")))
            for extra in range(1, len(tail) + 1):
                if len(words) - i + extra <= MAX_NAME_WORDS:
                    phrases.add(normalize_name(" ".join(words[i:] + tail[:extra]).strip(".,")))
        if len(phrases) >= MAX_LOOKUP_PHRASES:
            break
    phrases.discard("")
    return phrases


def known_sources_for(text: str, *, article: Article | None = None) -> list[KnownSource]:
    """Sources of the archive the text may name, by full name or alias.

    Only the capitalised phrases of the text are looked up (a few queries, whatever the
    size of the archive). Anonymous sources and unnamed groups belong to one article, so
    only the given article's own are offered.
    """
    phrases = sorted(_lookup_phrases(text))
    ids: set[int] = set()
    for i in range(0, len(phrases), _LOOKUP_CHUNK):
        chunk = phrases[i : i + _LOOKUP_CHUNK]
        ids.update(sources_with_any_name(chunk, article=article).values_list("id", flat=True))
    if not ids:
        return []
    sources = Source.objects.filter(id__in=ids).prefetch_related("aliases").order_by("id")
    return [
        KnownSource(
            id=source.id,
            kind=source.kind,
            name=source.name,
            aliases=tuple(alias.name for alias in source.aliases.all()),
            role=source.role,
            affiliation_id=source.affiliation_id,
        )
        for source in sources
    ]


def extract_for_text(text: str, *, use_archive: bool = True) -> Extraction:
    """The extractor on ``text``, with the archive's sources it names as known sources.
    Raises ``ValidationError`` on text it cannot take (too long)."""
    known = known_sources_for(text) if use_archive else []
    try:
        return extract(text, known_sources=known, max_chars=settings.TRACKER_MAX_BODY_CHARS)
    except ExtractionError as error:
        raise ValidationError({"text": str(error)}) from error


def _proposal(proposed: ProposedSource, by_key: dict[str, ProposedSource]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": proposed.key,
        "kind": proposed.kind,
        "name": proposed.name,
        "description": proposed.description,
        "role": proposed.role,
        "anonymity_reason": proposed.anonymity_reason,
        "aliases": list(proposed.aliases),
    }
    if proposed.affiliation_id is not None:
        data["affiliation_id"] = proposed.affiliation_id
    elif proposed.affiliation_key and proposed.affiliation_key in by_key:
        data["affiliation"] = _proposal(by_key[proposed.affiliation_key], {})
    return data


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in spans)


@transaction.atomic
def suggest_attributions(*, article: Article, user=None) -> SuggestReport:
    """Run the extractor on the article and store its suggestions for review."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    extraction = extract_for_text_article(article)
    by_key = {proposed.key: proposed for proposed in extraction.proposed_sources}
    report = SuggestReport()

    existing = {
        (row.start, row.end): row
        for row in Suggestion.objects.filter(article=article, start__isnull=False)
    }
    # Offsets are both set or both empty (the model's check constraint).
    annotated = cast(
        "list[tuple[int, int]]",
        list(
            Attribution.objects.filter(article=article, start__isnull=False).values_list(
                "start", "end"
            )
        ),
    )
    wanted: set[int] = set()
    known_ids = {s.source_id for s in extraction.suggestions if s.source_id is not None}
    known = Source.objects.in_bulk(known_ids)
    # The row of each suggestion by its index in the extraction: a continuation points to
    # its first part's row (stored before it, in text order), reviewed or not.
    rows: dict[int, Suggestion] = {}
    for index, item in enumerate(extraction.suggestions):
        row = existing.get((item.start, item.end))
        if row is not None and row.state != Suggestion.State.PENDING:
            rows[index] = row
            report.skipped_reviewed += 1
            continue
        if row is None and _overlaps(item.start, item.end, annotated):
            report.skipped_annotated += 1
            continue
        proposal: dict[str, Any] = {}
        note = ""
        if item.source_id is None and item.proposed_source in by_key:
            proposal, problem = checked_proposal(_proposal(by_key[item.proposed_source], by_key))
            if problem is not None:
                # No speaker rather than a wrong one: an editor chooses it.
                proposal, note = {}, f"Speaker left for review: {problem}"
        values = {
            "kind": item.kind,
            "act": item.act,
            "text": item.text,
            "cue": item.cue[:60],
            "cue_start": item.cue_start,
            "speaker_mention": item.speaker_mention[:300],
            "speaker_start": item.speaker_start,
            "source": known.get(item.source_id) if item.source_id is not None else None,
            "proposed_source": proposal,
            "proposed_key": (item.proposed_source or "")[:100],
            "channel": item.channel,
            "recipient_name": item.recipient[:200],
            "said_when_text": item.said_when_text[:200],
            "confidence": item.confidence,
            "continues": rows.get(item.continues) if item.continues is not None else None,
        }
        if row is None:
            row = Suggestion(article=article, start=item.start, end=item.end, note=note, **values)
            row.full_clean()
            set_history_user(row, user)
            row.save()
            report.created += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            apply_fields(row, values)
            row.anchor_status = AnchorStatus.ANCHORED
            row.full_clean()
            set_history_user(row, user)
            row.save()
            report.updated += 1
        else:
            report.unchanged += 1
        rows[index] = row
        wanted.add(row.pk)
        report.suggestion_ids.append(row.pk)
    # Pending suggestions this run no longer makes (the body changed, or the extractor did)
    # are withdrawn; their history keeps them.
    for stale in Suggestion.objects.filter(article=article, state=Suggestion.State.PENDING).exclude(
        pk__in=wanted
    ):
        set_history_user(stale, user)
        stale.delete()
        report.removed += 1
    return report


def extract_for_text_article(article: Article) -> Extraction:
    known = known_sources_for(article.body, article=article)
    try:
        return extract(article.body, known_sources=known, max_chars=len(article.body) + 1)
    except ExtractionError as error:
        raise ValidationError({"body": str(error)}) from error


def _locked_pending(suggestion: Suggestion) -> Suggestion:
    row = Suggestion.objects.select_for_update().select_related("article").get(pk=suggestion.pk)
    if row.state != Suggestion.State.PENDING:
        raise ValidationError(
            {"state": f"This suggestion was already {row.get_state_display()}."},
            code="reviewed",
        )
    return row


# Fields an editor may change on a suggestion before accepting it.
class SuggestionEdits(TypedDict, total=False):
    """What an editor may change on a suggestion before or while accepting it."""

    kind: str
    text: str
    start: int | None
    end: int | None
    cue: str
    speaker_mention: str
    source: Source | None
    channel: str
    recipient_name: str
    said_when_text: str
    note: str


# The keys of SuggestionEdits, checked at run time for input that mypy does not see.
EDITABLE_FIELDS = (
    "kind",
    "text",
    "start",
    "end",
    "cue",
    "speaker_mention",
    "source",
    "channel",
    "recipient_name",
    "said_when_text",
    "note",
)


def _apply_edits(row: Suggestion, edits: Mapping[str, object]) -> None:
    unknown = set(edits) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    apply_fields(row, edits)
    if {"start", "end", "text"} & edits.keys():
        if "start" not in edits and "end" not in edits:
            row.start = row.end = None
        elif "text" not in edits:
            row.text = ""
        row.anchor_status = AnchorStatus.ANCHORED


@transaction.atomic
def suggestion_update(
    *, suggestion: Suggestion, user: Actor = None, **edits: Unpack[SuggestionEdits]
) -> Suggestion:
    """Change a pending suggestion without accepting it."""
    row = _locked_pending(suggestion)
    _apply_edits(row, edits)
    row.full_clean()
    set_history_user(row, user)
    row.save()
    return row


def _recipient(name: str, user) -> Outlet | None:
    if not name.strip():
        return None
    return outlet_get_or_create(name=name, user=user)[0]


@transaction.atomic
def suggestion_accept(
    *,
    suggestion: Suggestion,
    user: Actor = None,
    claim: Claim | None = None,
    **edits: Unpack[SuggestionEdits],
) -> Attribution:
    """Accept a suggestion, with the editor's edits: creates the attribution (marked
    suggested and reviewed), and the speaker when it was only proposed; links it to the
    attribution of the part it continues, or the attributions of the parts that continue
    it, when those are accepted. Raises ``ValidationError`` (nothing stored) when the
    result would not be a valid attribution.
    """
    row = _locked_pending(suggestion)
    _apply_edits(row, edits)
    row.full_clean()
    if row.source_id is None and not row.proposed_source:
        raise ValidationError({"source": "Choose the speaker: the extractor left it for review."})
    source = row.source
    if source is not None and "source" not in edits:
        source = _surname_decided(row, source)
    created_source = False
    if source is None:
        source = create_proposed_source(
            row.proposed_source, article=row.article, row=row, user=user
        )
        created_source = True
    attribution = attribution_create(
        user=user,
        article=row.article,
        source=source,
        claim=claim,
        kind=row.kind,
        act=row.act,
        start=row.start,
        end=row.end,
        text=row.text,
        cue=row.cue,
        speaker_mention=row.speaker_mention,
        channel=row.channel,
        recipient=_recipient(row.recipient_name, user),
        said_when_text=row.said_when_text,
        is_suggested=True,
        is_reviewed=True,
        note=row.note,
        continues=_accepted_attribution(row.continues),
    )
    row.source = source
    row.state = Suggestion.State.ACCEPTED
    row.attribution = attribution
    row.reviewed_by = acting_user(user)
    row.reviewed_at = timezone.now()
    set_history_user(row, user)
    row.save()
    if created_source and row.proposed_key:
        # The article's other suggestions of the same speaker now point at the new source.
        for other in Suggestion.objects.filter(
            article=row.article,
            proposed_key=row.proposed_key,
            state=Suggestion.State.PENDING,
            source__isnull=True,
        ):
            other.source = source
            set_history_user(other, user)
            other.save()
    _link_continuations(row, attribution, user)
    return attribution


def _accepted_attribution(suggestion: Suggestion | None) -> Attribution | None:
    """The attribution accepting ``suggestion`` created, if it was accepted."""
    if suggestion is None or suggestion.state != Suggestion.State.ACCEPTED:
        return None
    return suggestion.attribution


def _link_continuations(row: Suggestion, attribution: Attribution, user: Actor) -> None:
    """A first part accepted after its continuations: their attributions (still unlinked)
    now continue ``attribution``, whichever order an editor accepted them in."""
    for later in Attribution.objects.filter(
        suggestion__continues=row, suggestion__state=Suggestion.State.ACCEPTED, continues=None
    ):
        attribution_update(attribution=later, user=user, continues=attribution)


def _surname_decided(row: Suggestion, source: Source) -> Source | None:
    """The extractor's speaker, unless it took a surname alone ("Trump") for a stored
    person the article's own full-name mentions contradict: then None, and the mention is
    proposed again (see ``create_proposed_source``: one person named in full is who the
    surname is; several are left for review)."""
    mention = clean_name(row.speaker_mention)
    if source.kind != Source.Kind.PERSON or not mention:
        return source
    decided = surname_in_article(mention, row.article.body)
    if decided is None or not (decided.full_name or decided.ambiguous):
        return source
    if person_parts(source.name)[1] != person_parts(mention)[1]:
        return source
    if decided.full_name and name_key(decided.full_name, person=True) == name_key(
        source.name, person=True
    ):
        return source
    row.proposed_source = {"kind": Source.Kind.PERSON, "name": mention, "description": ""}
    return None


@transaction.atomic
def suggestion_leave_for_review(
    *, suggestion: Suggestion, reason: str, user: Actor = None
) -> Suggestion:
    """Take the speaker off a pending suggestion (an editor chooses it), saying why."""
    row = _locked_pending(suggestion)
    row.source = None
    row.proposed_source = {}
    line = f"Speaker left for review: {reason}"
    if line not in row.note:
        row.note = f"{row.note}\n{line}".strip()
    set_history_user(row, user)
    row.save()
    return row


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, user=None, note: str = "") -> Suggestion:
    """Reject a suggestion. It is kept, so the extractor does not propose it again."""
    row = _locked_pending(suggestion)
    row.state = Suggestion.State.REJECTED
    if note:
        row.note = note
    row.reviewed_by = acting_user(user)
    row.reviewed_at = timezone.now()
    set_history_user(row, user)
    row.save()
    return row
