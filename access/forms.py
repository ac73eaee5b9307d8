"""Forms the admin builds on: spans checked against an edited body, aliases, merging sources."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.http import QueryDict
from django.utils.html import format_html

from access.concurrency import (
    VERSION_FIELD,
    deleted_message,
    fields_changed,
    model_field,
    opened_record,
    row_version,
    stale_message,
    versioned,
)


class NormalizedTextField(forms.CharField):
    """A text field that turns the browser's CRLF line breaks back into the LF stored.

    Browsers submit every textarea with CRLF; without this, saving an unchanged article
    would count as a body edit and every offset after the first line break would be wrong.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that renders its selected option from the related object the form's
    instance already holds, instead of one query per field and row (see AdminModelForm)."""

    preloaded = None

    def optgroups(self, name, value, attr=None):
        obj = self.preloaded
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if obj is None or selected != {str(obj.pk)}:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(obj)
        options.append(self.create_option(name, obj.pk, label, selected, len(options)))
        return [(None, options, 0)]


class VersionField(forms.CharField):
    """The hidden field that carries the version of the row a change form was opened on
    (see ``AdminModelForm``). It is never a change of its own."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "version")
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        return False


class AdminModelForm(forms.ModelForm):
    """Base of the admin's model forms.

    Autocompletes show the related object the instance already has (the admins load them
    with ``select_related``), so a page with 30 inline rows runs no query per row. Errors
    that ``Model.clean()`` raises for a field the form does not show (read-only in this
    admin) are shown at the top of the form instead of failing.

    A change form carries the version of its row (``row_version``, hidden; the admin shows
    it on the forms of rows it may change, main form and inline rows alike: see
    ``TrackerAdmin.get_fieldsets``). A submit whose version is no longer the row's is
    refused when someone changed a field this form edits since it was opened: the error
    says who, when and which fields, and links to the row's history. The form comes back
    with the editor's edits, the fields they left alone showing the current values, a
    note on each field both changed, and the current version, so that saving again
    applies the edits to the row as it is now. A submit without the version (a page
    opened before the check existed, a script) is refused the same way: it cannot show
    that it saw the current row. A change only to fields the form does not edit (a
    status the cross-check recomputes, a span's anchor) does not block it: the save
    writes the form's fields onto the row as it is now. ``TrackerAdmin`` reads the row
    locked, so that nobody writes it between the check and the save.
    """

    row_version = VersionField()

    # Set by the version check: whether the row changed since the form was opened.
    stale = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Values the form shows instead of the submitted ones, by input name: a stale
        # form's current version, and the current value of each field the editor left
        # alone (see _check_version).
        self._refreshed: dict[str, object] = {}
        if self.checks_version():
            self.fields[VERSION_FIELD].initial = row_version(self.instance)
        opts = self._meta.model._meta
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = opts.get_field(name)
            if model_field.is_cached(self.instance):
                widget.preloaded = getattr(self.instance, name)

    def checks_version(self) -> bool:
        """Whether this form carries and checks the version of its row: a form of a saved
        row with a version, on which the admin shows the field (it names it in the form's
        fields only then)."""
        fields = self._meta.fields
        return (
            isinstance(fields, list | tuple)
            and VERSION_FIELD in fields
            and self.instance.pk is not None
            and not self.instance._state.adding
            and versioned(type(self.instance))
        )

    def _post_clean(self):
        # Before the submitted values are put on the instance: it still holds the row as
        # it is now.
        self._check_version()
        super()._post_clean()

    def _check_version(self) -> None:
        if not self.is_bound or not self.checks_version():
            return
        key = self.add_prefix(VERSION_FIELD)
        seen = self.data.get(key) or None
        current = self.fields[VERSION_FIELD].initial
        if seen == current:
            return
        attnames = {
            name: column.attname
            for name in self.fields
            if (column := model_field(self.instance, name)) is not None
        }
        record = opened_record(self.instance, seen)
        changed = fields_changed(record, self.instance, attnames) if record is not None else []
        if record is not None and not changed:
            # Only fields this form does not edit changed: the save overwrites nothing.
            return
        self.stale = True
        self._refreshed[key] = current
        both = []
        for name in changed:
            field, bound = self.fields[name], self[name]
            opened = getattr(record, attnames[name])
            if not field.has_changed(opened, bound.data):
                # Left alone by this editor: show (and save again) the current value.
                self._refreshed[bound.html_name] = bound.initial
            elif field.has_changed(bound.initial, bound.data):
                both.append(name)
        labels = [str(self.fields[name].label or name) for name in changed]
        self.add_error(
            None,
            stale_message(
                self.instance,
                seen,
                changed=labels,
                refreshed=len(both) < len(changed),
            ),
        )
        for name in both:
            self.add_error(
                name,
                "Changed by someone else too since you opened the page; your value is shown "
                "(the other one is in the history).",
            )

    def _widget_data_value(self, widget, html_name):
        if html_name in self._refreshed:
            return self._refreshed[html_name]
        return super()._widget_data_value(widget, html_name)

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            shown, hidden = {}, []
            for name, error_list in errors.error_dict.items():
                if name == NON_FIELD_ERRORS or name in self.fields:
                    shown.setdefault(name, []).extend(error_list)
                else:
                    label = self._label_of(name)
                    hidden.extend(f"{label}: {m}" for e in error_list for m in e)
            if hidden:
                shown.setdefault(NON_FIELD_ERRORS, []).extend(ValidationError(hidden).error_list)
                errors = ValidationError(shown)
        super()._update_errors(errors)

    def _label_of(self, name: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name).capitalize()
        except FieldDoesNotExist:
            return name


class ParentInlineFormSet(BaseInlineFormSet):
    """Hands every row the parent object in memory, so that a row showing or checking its
    parent (``str()``, ``clean()``) does not load it once per row.

    On a submit, a row the page showed (with its version, see ``AdminModelForm``) that is
    no longer among the parent's rows, deleted or moved since the page was opened, is
    taken out of the submitted rows and refuses the submit, saying who deleted it: the
    page shown again lists the rows as they are now, so that it can be saved.
    """

    # Whether rows already saved show the buttons that add or view a related object; a
    # compact inline (``access.admin_base.CompactInlineMixin``) keeps them for new rows only.
    related_buttons_on_saved_rows = True

    def __init__(self, *args, page=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The page of the parent's rows this formset shows (``access.admin_base.InlinePage``),
        # or None when it shows them all.
        self.page = page
        # The ids of the rows gone since the page was opened.
        self.gone: list[str] = []
        if self.is_bound:
            self._drop_gone_rows()

    def _drop_gone_rows(self) -> None:
        model = self.model
        if model is None:
            return
        prefix, pk_name = self.prefix, model._meta.pk.name
        try:
            initial = int(self.data[f"{prefix}-{INITIAL_FORM_COUNT}"])
            total = int(self.data[f"{prefix}-{TOTAL_FORM_COUNT}"])
        except (KeyError, TypeError, ValueError):
            return  # the management form says what is wrong
        total = min(total, self.absolute_max)
        # Only rows drawn with their version: the rows of a read-only list are not checked.
        posted = {
            i: self.data.get(f"{prefix}-{i}-{pk_name}")
            for i in range(min(initial, total))
            if self.data.get(f"{prefix}-{i}-{VERSION_FIELD}")
        }
        if not any(posted.values()):
            return
        # The rows the formset edits (evaluated once, as the forms would).
        present = {str(row.pk) for row in self.get_queryset()}
        gone = {i for i, pk in posted.items() if pk and pk not in present}
        if not gone:
            return
        self.gone = [str(posted[i]) for i in sorted(gone)]
        if not isinstance(self.data, QueryDict):
            return
        # The submitted rows without those, numbered again from 0.
        new_index = {old: new for new, old in enumerate(i for i in range(total) if i not in gone)}
        data, moved = self.data.copy(), {}
        for key in list(data):
            head, _, name = key.removeprefix(f"{prefix}-").partition("-")
            if not key.startswith(f"{prefix}-") or not head.isdigit() or not name:
                continue
            values = data.getlist(key)
            del data[key]
            if int(head) in new_index:
                moved[f"{prefix}-{new_index[int(head)]}-{name}"] = values
        for key, values in moved.items():
            data.setlist(key, values)
        data[f"{prefix}-{INITIAL_FORM_COUNT}"] = str(initial - len(gone))
        data[f"{prefix}-{TOTAL_FORM_COUNT}"] = str(total - len(gone))
        self.data = data

    def clean(self):
        super().clean()
        if self.gone:
            raise ValidationError(
                [
                    format_html("{} It is no longer listed below.", deleted_message(self.model, pk))
                    for pk in self.gone
                ]
            )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        if not self.related_buttons_on_saved_rows and form.instance.pk is not None:
            # Each form has its own copy of the fields and their widgets.
            for field in form.fields.values():
                if isinstance(field.widget, RelatedFieldWidgetWrapper):
                    field.widget.can_add_related = False
                    field.widget.can_view_related = False
        return form
