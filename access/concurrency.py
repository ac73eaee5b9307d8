"""Optimistic concurrency for the admin's change forms: the version of the row a form
shows, and what happened to the row since, for a form that comes back stale.

The API refuses a stale write with ETags (``access.api``); the admin's forms carry the
version of their row in a hidden field (``access.forms.AdminModelForm``), and
``access.admin_base.TrackerAdmin`` locks the rows it compares and writes.

A row's version is its ``updated_at``, which every save sets (``TimeStampedModel``): it
costs no query to show, and the row's history record of that version (simple_history
copies ``updated_at``) is the row as the editor opened it.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

# The form field that carries the version, on every admin form of a row that has one.
VERSION_FIELD = "row_version"


def versioned(model: type[models.Model]) -> bool:
    """Whether rows of ``model`` have a version: an ``updated_at`` every save sets."""
    try:
        field = model._meta.get_field("updated_at")
    except FieldDoesNotExist:
        return False
    return bool(getattr(field, "auto_now", False))


def row_version(instance: models.Model) -> str:
    """The version of a saved row, as its form carries it."""
    value = getattr(instance, "updated_at", None)
    return value.isoformat() if isinstance(value, datetime) else ""


def parse_version(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else None


def _history(instance: models.Model):
    """The row's history records (simple_history), or None for a model without history."""
    manager = getattr(type(instance), "history", None)
    if manager is None or not hasattr(manager.model, "history_id"):
        return None
    return manager.model._default_manager.filter(
        **{instance._meta.pk.attname: instance.pk}
    ).select_related("history_user")


def opened_record(instance: models.Model, version: str | None):
    """The history record of the row as it was at ``version`` (the one an editor opened),
    or None when there is none (no version, or a save that left no history)."""
    seen, records = parse_version(version), _history(instance)
    if seen is None or records is None:
        return None
    return records.filter(updated_at=seen).order_by("-history_id").first()


def records_since(instance: models.Model, version: str | None) -> list:
    """The history records written after ``version``, oldest first: who changed the row
    since the editor opened it (all of its records if the version is unknown)."""
    records = _history(instance)
    if records is None:
        return []
    seen = parse_version(version)
    if seen is not None:
        records = records.filter(updated_at__gt=seen)
    return list(records.order_by("history_date", "history_id"))


def fields_changed(record, instance: models.Model, attnames: Mapping[str, str]) -> list[str]:
    """Which of a form's model fields (``attnames``: each name's column attribute) differ
    between the history ``record`` (the row as an editor opened it) and ``instance`` (the
    row as it is now)."""
    tracked = {field.attname for field in record._meta.concrete_fields}
    return [
        name
        for name, attname in attnames.items()
        if attname in tracked and getattr(record, attname) != getattr(instance, attname)
    ]


def model_field(instance: models.Model, name: str) -> models.Field | None:
    """The concrete, single-valued model field ``name`` of a form, or None."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
        return None
    return field


def history_url(instance: models.Model) -> str | None:
    """The admin's history page of the row (which also lists a deleted row's history)."""
    opts = instance._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(instance.pk)]
        )
    except NoReverseMatch:
        return None


def _when(record) -> str:
    return formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")


def _who(record) -> str:
    """The editor who wrote a history record; a write with no user is the tracker's own
    (re-anchoring, a merge, the cross-check), named by its reason when it gave one."""
    user = record.history_user
    if user is not None:
        return user.get_full_name() or user.get_username()
    reason = getattr(record, "history_change_reason", None)
    return f"the tracker ({reason})" if reason else "the tracker"


def _listed(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def who_and_when(records: Sequence) -> str:
    """“bob on 3 May 2025, 14:02” or “bob and alice (last on …)”, for the records since."""
    names = list(dict.fromkeys(_who(record) for record in records))
    if len(records) == 1:
        return f"{names[0]} on {_when(records[0])}"
    return f"{_listed(names)} ({len(records)} saves, the last on {_when(records[-1])})"


def stale_message(
    instance: models.Model,
    version: str | None,
    *,
    changed: Sequence[str] = (),
    refreshed: bool = False,
) -> SafeString:
    """Why a form of ``instance`` opened at ``version`` was refused, for the top of it:
    who changed the row since and when, which of the form's fields (``changed``, labels),
    that nothing was saved, and a link to the row's history."""
    name = instance._meta.verbose_name
    if not version:
        lead = format_html(
            "This form did not say which version of the {} it was opened on (a page opened "
            "before an update, or a script), so it may overwrite a change made since.",
            name,
        )
    else:
        records = records_since(instance, version)
        if records:
            lead = format_html(
                "This {} was changed by {}, after you opened it.", name, who_and_when(records)
            )
        else:
            lead = format_html("This {} was changed after you opened it.", name)
    if changed:
        lead = format_html("{} Changed meanwhile: {}.", lead, ", ".join(changed))
    kept = (
        "Your edits are kept below, and the fields you left alone now show the current "
        "values: check them and save again."
        if refreshed
        else "Your edits are kept below: check them against the current version and save again."
    )
    message = format_html("{} Nothing was saved. {}", lead, kept)
    url = history_url(instance)
    if url is not None:
        message = format_html('{} <a href="{}">See what changed in its history</a>.', message, url)
    return message


def deleted_message(model: type[models.Model], pk) -> SafeString:
    """Why a change form of a row deleted since it was opened saved nothing."""
    name = model._meta.verbose_name
    row = model(pk=pk)
    records = _history(row)
    deletion = None
    if records is not None:
        deletion = records.filter(history_type="-").order_by("-history_id").first()
    if deletion is None:
        message = format_html(
            "This {} (#{}) is no longer here: it was deleted or moved after you opened this page.",
            name,
            pk,
        )
    else:
        message = format_html(
            "This {} (#{}) was deleted by {}, after you opened this page.",
            name,
            pk,
            who_and_when([deletion]),
        )
    message = format_html("{} Nothing was saved.", message)
    url = history_url(row) if deletion is not None else None
    if url is not None:
        message = format_html('{} <a href="{}">See its history</a>.', message, url)
    return message
