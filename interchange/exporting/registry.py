"""Which models an archive holds, in which order, and how their fields refer to each other.

Nothing here names a model or a field: the archive covers every concrete model of
``ARCHIVE_APPS`` (less ``EXCLUDED_MODELS``), found in the app registry, so a model or field
added later is exported and imported without a change here.
"""

from collections.abc import Iterable
from typing import Any, cast

from django.apps import apps
from django.db import models

# The apps whose rows make up the archive, in the order their models are written when
# nothing else decides it.
ARCHIVE_APPS = ("articles", "sources", "claims", "crosscheck", "suggestions")
# Operational state, not archive data: where an interrupted command stopped.
EXCLUDED_MODELS = frozenset({"crosscheck.checkpoint"})


def is_history_model(model: type[models.Model]) -> bool:
    """django-simple-history's historical models carry the model they record."""
    return getattr(model, "instance_type", None) is not None


def _candidates() -> list[type[models.Model]]:
    found = []
    for label in ARCHIVE_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            meta = model._meta
            if meta.proxy or meta.label_lower in EXCLUDED_MODELS:
                continue
            found.append(model)
    return found


def archive_models(*, with_history: bool = False) -> list[type[models.Model]]:
    """The archived models, each after the models it refers to (self-references and
    cycles aside, which the database's deferred foreign keys allow); with
    ``with_history``, the historical models follow, in the order of the models they
    record."""
    candidates = _candidates()
    current = [m for m in candidates if not is_history_model(m)]
    ordered = dependency_order(current)
    if with_history:
        position = {model: index for index, model in enumerate(ordered)}
        history = [m for m in candidates if is_history_model(m) and recorded_model(m) in position]
        ordered += sorted(history, key=lambda m: position[recorded_model(m)])
    return ordered


def recorded_model(history_model: type[models.Model]) -> type[models.Model]:
    """The model a historical model records."""
    # Set on the class by simple_history, which has no type information.
    return history_model.instance_type  # type: ignore[attr-defined]


def is_serialized(field: "models.Field[Any, Any]") -> bool:
    """Whether Django's serializers write the field (``Field.serialize``)."""
    # Field.serialize is set in Field.__init__ but missing from django-stubs.
    return field.serialize  # type: ignore[attr-defined]


def dependency_order(models_: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """Kahn's topological sort, stable in the given order."""
    pending = list(models_)
    members = set(pending)
    needs = {
        model: {target for target in references(model) if target in members} for model in pending
    }
    ordered: list[type[models.Model]] = []
    while pending:
        ready = next((m for m in pending if not (needs[m] - set(ordered) - {m})), None)
        if ready is None:  # a cycle between models: keep the given order for the rest
            ordered.extend(pending)
            break
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def references(model: type[models.Model]) -> set[type[models.Model]]:
    """The models this one's rows refer to with a database-enforced reference."""
    targets = {field.related_model for field in constrained_foreign_keys(model)}
    targets |= {field.related_model for field in model._meta.local_many_to_many}
    return targets


def foreign_keys(model: type[models.Model]) -> "list[models.ForeignKey[Any, Any]]":
    # A concrete many-to-one field is a foreign key.
    return cast(
        "list[models.ForeignKey[Any, Any]]",
        [
            field
            for field in model._meta.local_concrete_fields
            if field.is_relation and field.many_to_one
        ],
    )


def constrained_foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    """Foreign keys the database enforces. A historical model's copies of its model's
    foreign keys are not enforced: history may name rows deleted since."""
    # ForeignKey.db_constraint is set in __init__ but missing from django-stubs.
    return [field for field in foreign_keys(model) if field.db_constraint]  # type: ignore[attr-defined]


def serialized_field_names(model: type[models.Model]) -> list[str]:
    """The names under ``fields`` in an archive line, as Django's serializers write them."""
    concrete = model._meta.concrete_model
    assert concrete is not None  # archived models are concrete
    meta = concrete._meta
    names = [field.name for field in meta.local_fields if is_serialized(field)]
    names += [field.name for field in meta.local_many_to_many if is_serialized(field)]
    return names
