"""Forms the admin builds on: spans checked against an edited body, aliases, merging sources."""

from django import forms
from django.core.exceptions import ValidationError

from access.forms import AdminModelForm, ParentInlineFormSet
from sources.identifiers import normalize_identifier
from sources.models import Source, SourceAlias, normalize_name


class SourceAliasForm(AdminModelForm):
    def clean(self):
        cleaned = super().clean()
        name, source = cleaned.get("name"), cleaned.get("source")
        if name is None or source is None or source.pk is None:
            return cleaned
        taken = (
            SourceAlias.objects.filter(source=source, normalized=normalize_name(name))
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            self.add_error("name", f"{source} already has this alias.")
        return cleaned


class SourceAliasFormSet(ParentInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            normalized = normalize_name(form.cleaned_data.get("name") or "")
            if normalized and normalized in seen:
                raise ValidationError("The same alias is listed twice.")
            seen.add(normalized)


class SourceIdentifierFormSet(ParentInlineFormSet):
    """The source's identifiers: each row is checked by the model (valid in its scheme, not
    another source's); here, that no identifier is listed twice."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            scheme, value = form.cleaned_data.get("scheme"), form.cleaned_data.get("value")
            if not scheme or not value:
                continue
            try:
                key = (scheme, normalize_identifier(scheme, value).normalized)
            except ValidationError:
                continue  # the row's own error says why
            if key in seen:
                form.add_error("value", "This identifier is listed twice.")
            seen.add(key)


class SourceMergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Source.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the source to keep."},
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = sources
