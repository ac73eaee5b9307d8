"""Forms the admin builds on: spans checked against an edited body, aliases, merging sources."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms.models import BaseInlineFormSet


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


class AdminModelForm(forms.ModelForm):
    """Base of the admin's model forms.

    Autocompletes show the related object the instance already has (the admins load them
    with ``select_related``), so a page with 30 inline rows runs no query per row. Errors
    that ``Model.clean()`` raises for a field the form does not show (read-only in this
    admin) are shown at the top of the form instead of failing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opts = self._meta.model._meta
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            model_field = opts.get_field(name)
            if model_field.is_cached(self.instance):
                widget.preloaded = getattr(self.instance, name)

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
    parent (``str()``, ``clean()``) does not load it once per row."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form
