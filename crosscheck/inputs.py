"""Rows turned into the rules' plain inputs, shared by the service and the reports."""

from __future__ import annotations

from claims.models import Attribution
from crosscheck import rules
from sources.models import Source

SOURCE_FIELDS = (
    "id",
    "kind",
    "name",
    "description",
    "affiliation_id",
    "owner_id",
    "article_id",
    "anonymity_reason",
)


def story_key(origin_outlet_id: int | None, headline: str) -> str:
    """Copies of one wire story share a key: same origin outlet and headline."""
    return f"{origin_outlet_id}:{headline.casefold()}" if origin_outlet_id else ""


def source_input(source: Source) -> rules.SourceInput:
    """A loaded source row as a rule input (its affiliation and owner not loaded: enough
    for a pair verdict, which looks at the speakers themselves, not at their groups)."""
    return rules.SourceInput(**{name: getattr(source, name) for name in SOURCE_FIELDS})


def source_inputs(ids: set[int]) -> dict[int, rules.SourceInput]:
    """The sources and their affiliation and owner chains (one query per level)."""
    found: dict[int, rules.SourceInput] = {}
    wanted = set(ids)
    while wanted:
        for row in Source.objects.filter(id__in=wanted).values(*SOURCE_FIELDS):
            found[row["id"]] = rules.SourceInput(**row)
        wanted = {
            ref
            for s in found.values()
            for ref in (s.affiliation_id, s.owner_id)
            if ref is not None and ref not in found
        }
    return found


def attribution_input(a: Attribution) -> rules.AttributionInput:
    """An attribution row (with its article loaded) as a rule input."""
    return rules.AttributionInput(
        id=a.id,
        article_id=a.article_id,
        kind=a.kind,
        text=a.text,
        source_id=a.source_id,
        claim_id=a.claim_id,
        stance=a.stance,
        said_on=a.said_on,
        story_key=story_key(a.article.origin_outlet_id, a.article.headline),
        retracted=a.article.retracted_at is not None,
        published_at=a.article.published_at or a.article.last_updated_at,
        orphaned=a.is_orphaned,
        claim_is_suggested=a.claim_is_suggested,
        unreviewed_suggestion=a.is_suggested and not a.is_reviewed,
    )
