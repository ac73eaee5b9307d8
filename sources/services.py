"""Writes on sources, their aliases and identifiers that every path (admin, API, pages,
commands) shares.

A source created, changed, merged or deleted asks for the cross-check
(``after_commit("crosscheck.recheck", ...)``, see ``crosscheck/tasks.py``): its kind,
affiliation and anonymity decide findings and claim statuses.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from access.models import TimeStampedModel
from access.services import Actor, acting_user, apply_fields, set_history_user
from access.tasks import after_commit
from sources.identifiers import normalize_identifier
from sources.models import (
    MergeSuggestion,
    Source,
    SourceAlias,
    SourceIdentifier,
    normalize_name,
)


@transaction.atomic
def source_create(
    *,
    user: Actor = None,
    aliases: Iterable[str] = (),
    identifiers: Iterable[Mapping[str, str]] = (),
    **data: Any,
) -> Source:
    """Create a source with its aliases and identifiers (``{"scheme": ..., "value": ...}``);
    an identifier another source has refuses the whole creation."""
    source = Source(**data)
    source.full_clean()
    set_history_user(source, user)
    source.save()
    after_commit("crosscheck.recheck", source_ids=[source.pk])
    for name in aliases:
        source_add_alias(source=source, name=name, user=user)
    if identifiers:
        source_set_identifiers(source=source, identifiers=identifiers, user=user)
    return source


@transaction.atomic
def source_update(
    *,
    source: Source,
    user: Actor = None,
    identifiers: Iterable[Mapping[str, str]] | None = None,
    **data: Any,
) -> Source:
    """Change a source's fields; ``identifiers``, when given, replace its identifiers."""
    apply_fields(source, data)
    source.full_clean()
    set_history_user(source, user)
    source.save()
    after_commit("crosscheck.recheck", source_ids=[source.pk])
    if identifiers is not None:
        source_set_identifiers(source=source, identifiers=identifiers, user=user)
    return source


@transaction.atomic
def source_delete(*, source: Source, user: Actor = None) -> None:
    """Delete a source with its aliases and identifiers; the findings that named it are
    resolved unless found again. A source still quoted (or that others are affiliated
    with, or that owns an account) cannot be deleted: merge it instead (``ProtectedError``).
    """
    after_commit("crosscheck.recheck", deleted_source_ids=[source.pk])
    set_history_user(source, user)
    source.delete()


def source_add_alias(*, source: Source, name: str, user: Actor = None) -> SourceAlias | None:
    """Add a name form to a source; returns None if it already has it."""
    normalized = normalize_name(name)
    if not normalized or source.aliases.filter(normalized=normalized).exists():
        return None
    alias = SourceAlias(source=source, name=name.strip())
    set_history_user(alias, user)
    alias.save()
    return alias


def source_add_identifier(
    *, source: Source, scheme: str, value: str, user: Actor = None
) -> SourceIdentifier | None:
    """Add an identifier to a source; returns None if it already has it (in any spelling:
    ``@Name`` and ``name`` are one handle). Raises ``ValidationError`` on ``value`` if the
    value is not valid in the scheme or another source has it."""
    identifier = SourceIdentifier(source=source, scheme=scheme, value=value)
    try:
        identifier.full_clean()
    except ValidationError:
        if source.identifiers.filter(scheme=scheme, normalized=identifier.normalized).exists():
            return None
        raise
    set_history_user(identifier, user)
    identifier.save()
    return identifier


@transaction.atomic
def source_update_identifier(
    *, identifier: SourceIdentifier, user: Actor = None, **data: Any
) -> SourceIdentifier:
    """Change an identifier's scheme or value, checked as when it was added."""
    apply_fields(identifier, data)
    identifier.full_clean()
    set_history_user(identifier, user)
    identifier.save()
    return identifier


def source_remove_identifier(*, identifier: SourceIdentifier, user: Actor = None) -> None:
    set_history_user(identifier, user)
    identifier.delete()


@transaction.atomic
def source_set_identifiers(
    *, source: Source, identifiers: Iterable[Mapping[str, str]], user: Actor = None
) -> None:
    """Make the source's identifiers exactly ``identifiers`` (each ``{"scheme", "value"}``,
    compared in their normal form). An identifier kept in another spelling takes the new one.

    Raises ``ValidationError`` under ``identifiers``, one message per refused item, naming
    the source that already has an identifier; nothing is changed then.
    """
    wanted: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for index, item in enumerate(identifiers):
        scheme, value = item["scheme"], item["value"]
        try:
            normal = normalize_identifier(scheme, value)
        except ValidationError as error:
            problems.append(f"Item {index + 1} ({scheme} {value}): {' '.join(error.messages)}")
            continue
        wanted.setdefault((scheme, normal.normalized), normal.value)
    if problems:
        raise ValidationError({"identifiers": problems})
    current = {(i.scheme, i.normalized): i for i in source.identifiers.all()}
    for key, identifier in current.items():
        if key not in wanted:
            source_remove_identifier(identifier=identifier, user=user)
    for key, value in wanted.items():
        existing = current.get(key)
        try:
            if existing is None:
                source_add_identifier(source=source, scheme=key[0], value=value, user=user)
            elif existing.value != value:
                source_update_identifier(identifier=existing, value=value, user=user)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"identifiers": problems})


@dataclass
class MergeReport:
    kept: Source
    merged: list[str]
    moved: Counter

    def summary(self) -> str:
        moved = ", ".join(f"{n} {label}" for label, n in sorted(self.moved.items()) if n)
        names = ", ".join(self.merged)
        return f"Merged {names} into {self.kept}" + (f"; moved {moved}." if moved else ".")


@transaction.atomic
def source_merge(*, keep: Source, others: Iterable[Source], user: Actor = None) -> MergeReport:
    """Merge duplicate sources into ``keep``: every row pointing at one of them (attributions,
    members, accounts, identifiers, ...) moves to ``keep``; their names and aliases become
    aliases of ``keep``; then they are deleted. All or nothing.

    Identifiers are unique across sources, so the ones moved never repeat those ``keep``
    has. Raises ``ValidationError`` when the merge would break a rule: an anonymous source
    quoted in two articles, or sources with different Wikidata items (different entities).
    """
    others = [s for s in others if s.pk != keep.pk]
    if not others:
        raise ValidationError("Choose at least one other source to merge into the kept one.")
    keep = Source.objects.select_for_update().get(pk=keep.pk)
    other_ids = [s.pk for s in others]
    others = list(Source.objects.select_for_update().filter(pk__in=other_ids))
    _check_merge(keep, others)

    moved: Counter = Counter()
    relations = [
        rel
        for rel in Source._meta.related_objects
        if (rel.one_to_many or rel.one_to_one)
        # Aliases are rebuilt below; merge suggestions keep naming the pair they proposed.
        and rel.related_model not in (SourceAlias, MergeSuggestion)
    ]
    for rel in relations:
        model = rel.related_model
        field_name = rel.field.name
        # Each model's only manager is `objects`, its default manager.
        rows = list(model._default_manager.filter(**{f"{field_name}__in": other_ids}))
        if model is Source:
            rows = [row for row in rows if row.pk != keep.pk]
        if not rows:
            continue
        fields = [field_name]
        for row in rows:
            setattr(row, field_name, keep)
        if issubclass(model, TimeStampedModel):
            # bulk_update does not set auto_now fields: a moved row is a changed row.
            now = timezone.now()
            for row in rows:
                # A TimeStampedModel's field; the rows are typed as any model.
                setattr(row, "updated_at", now)  # noqa: B010
            fields.append("updated_at")
        if hasattr(model, "history"):
            bulk_update_with_history(
                rows,
                model,
                fields,
                default_user=acting_user(user),
                default_change_reason=f"source merge into #{keep.pk}",
            )
        else:
            model._default_manager.bulk_update(rows, fields)
        moved[model._meta.verbose_name_plural] += len(rows)

    # Proposed merges that named a source now merged away are settled by this one.
    for stale in MergeSuggestion.objects.filter(state=MergeSuggestion.State.PENDING).filter(
        Q(keep__in=other_ids) | Q(duplicate__in=other_ids)
    ):
        stale.state = MergeSuggestion.State.SUPERSEDED
        set_history_user(stale, user)
        stale.save(update_fields=["state"])
    # Before the others go, so that the findings naming them can still be looked up.
    after_commit("crosscheck.recheck", source_ids=[keep.pk], deleted_source_ids=other_ids)
    names = []
    for other in others:
        names.append(str(other))
        for label in [other.name, *other.aliases.values_list("name", flat=True)]:
            if label and normalize_name(label) != normalize_name(keep.name):
                source_add_alias(source=keep, name=label, user=user)
        set_history_user(other, user)
        other.delete()
    return MergeReport(kept=keep, merged=names, moved=moved)


def _check_merge(keep: Source, others: list[Source]) -> None:
    ids = {s.pk for s in others}
    items = (
        SourceIdentifier.objects.filter(
            source__in=[keep, *others], scheme=SourceIdentifier.Scheme.WIKIDATA
        )
        .select_related("source")
        .order_by("source_id", "normalized")
    )
    by_source: dict[int, list[SourceIdentifier]] = {}
    for item in items:
        by_source.setdefault(item.source_id, []).append(item)
    if len(by_source) > 1:
        listed = "; ".join(
            f"{rows[0].source} is {', '.join(row.value for row in rows)}"
            for rows in by_source.values()
        )
        raise ValidationError(
            f"These sources are different Wikidata items ({listed}), so they are not the same "
            "entity. If one item is wrong, remove it from its source first."
        )
    if keep.affiliation_id in ids:
        raise ValidationError(
            f"{keep} is affiliated with a source being merged into it; change that first."
        )
    if keep.article_id is not None:
        from_other_articles = [
            s for s in others if s.article_id is not None and s.article_id != keep.article_id
        ]
        named = [s for s in others if s.article_id is None]
        if from_other_articles or named:
            raise ValidationError(
                f"{keep} belongs to one article, so only sources of that article can be merged "
                "into it. To record that sources in different articles are the same, keep a "
                "named source (or an organisation) and merge the others into it."
            )


@transaction.atomic
def source_set_aliases(*, source: Source, names: Iterable[str], user: Actor = None) -> None:
    """Make the source's aliases exactly ``names`` (compared case- and space-insensitively)."""
    wanted = {normalize_name(name): name.strip() for name in names if normalize_name(name)}
    for alias in source.aliases.all():
        if alias.normalized not in wanted:
            set_history_user(alias, user)
            alias.delete()
    for name in wanted.values():
        source_add_alias(source=source, name=name, user=user)
