"""The self-contained part of the archive about some articles.

Starting from the selected articles, the part grows until nothing is missing, following
three rules that read only the models' own relations (no model is named here):

- **What a row refers to** is in the part: every enforced foreign key of an included row
  (an attribution's source and claim, a source's affiliation, an article's outlets).
- **What belongs to a row** is in the part: rows whose foreign key to an included row
  deletes them with it (``on_delete=CASCADE``): an article's attributions, metadata spans
  and own anonymous sources, a source's aliases, a claim's reviews and relations.
- **Rows linked many-to-many** (findings) are in the part when every row they link is.

A relation from an included claim brings the claim at its other end, without that
claim's attributions in other articles: the part stays about its articles, and every
reference in it resolves inside it.
"""

from collections import defaultdict

from django.db import models

from interchange.exporting.export import chunks
from interchange.exporting.registry import constrained_foreign_keys

Part = dict[type[models.Model], set]


def select_part(articles: models.QuerySet, archived: list[type[models.Model]], using: str) -> Part:
    """The pks of each model in the part about ``articles`` (see the module doc)."""
    members = set(archived)
    up = {
        m: [f for f in constrained_foreign_keys(m) if f.related_model in members] for m in archived
    }
    down: dict[type[models.Model], list[tuple[type[models.Model], models.ForeignKey]]] = (
        defaultdict(list)
    )
    for model in archived:
        for field in up[model]:
            if field.remote_field.on_delete is models.CASCADE:
                down[field.related_model].append((model, field))
    linked = {
        m: [f for f in m._meta.local_many_to_many if f.related_model in members] for m in archived
    }
    article_model = articles.model

    part: Part = defaultdict(set)
    frontier: Part = defaultdict(set)
    frontier[article_model] = set(articles.values_list("pk", flat=True))
    part[article_model] |= frontier[article_model]
    while frontier:
        found: Part = defaultdict(set)
        for model, pks in frontier.items():
            manager = model._base_manager.using(using)
            ordered = sorted(pks)
            for field in up[model]:
                for chunk in chunks(ordered):
                    found[field.related_model].update(
                        manager.filter(pk__in=chunk)
                        .exclude(**{field.attname: None})
                        .values_list(field.attname, flat=True)
                    )
            for m2m in linked[model]:
                through, source, target = _through(m2m)
                for chunk in chunks(ordered):
                    found[m2m.related_model].update(
                        through._default_manager.using(using)
                        .filter(**{f"{source}__in": chunk})
                        .values_list(target, flat=True)
                    )
            for child, field in down[model]:
                for chunk in chunks(ordered):
                    found[child].update(
                        child._base_manager.using(using)
                        .filter(**{f"{field.attname}__in": chunk})
                        .values_list("pk", flat=True)
                    )
        frontier = defaultdict(set)
        for model, pks in found.items():
            new = pks - part[model]
            if new:
                frontier[model] = new
                part[model] |= new
        if not frontier:
            for model, fields in linked.items():
                new = _linked_within(model, fields, part, using) - part[model]
                if new:
                    frontier[model] = new
                    part[model] |= new
    return {model: part.get(model, set()) for model in archived}


def _through(field: models.ManyToManyField) -> tuple[type[models.Model], str, str]:
    """The through model and the attnames of its columns to this side and the other."""
    through = field.remote_field.through
    assert through is not None  # set once the models are loaded
    # A through model's two columns are foreign keys.
    source = through._meta.get_field(field.m2m_field_name())
    target = through._meta.get_field(field.m2m_reverse_field_name())
    assert isinstance(source, models.ForeignKey)
    assert isinstance(target, models.ForeignKey)
    return through, source.attname, target.attname


def _linked_within(
    model: type[models.Model], fields: list[models.ManyToManyField], part: Part, using: str
) -> set:
    """Rows of ``model`` linked to the part whose every many-to-many link is in it."""
    if not fields:
        return set()
    candidates: set = set()
    for field in fields:
        through, source, target = _through(field)
        for chunk in chunks(sorted(part.get(field.related_model, ()))):
            candidates.update(
                through._default_manager.using(using)
                .filter(**{f"{target}__in": chunk})
                .values_list(source, flat=True)
            )
    outside: set = set()
    for field in fields:
        through, source, target = _through(field)
        inside = part.get(field.related_model, set())
        for chunk in chunks(sorted(candidates)):
            for row, other in (
                through._default_manager.using(using)
                .filter(**{f"{source}__in": chunk})
                .values_list(source, target)
            ):
                if other not in inside:
                    outside.add(row)
    return candidates - outside
