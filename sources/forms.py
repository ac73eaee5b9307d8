"""Forms the admin builds on: spans checked against an edited body, aliases, merging sources."""

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property

from sources.anchoring import Anchor, AnchorStatus, Span, reanchor
from sources.identifiers import normalize_identifier
from sources.models import Source, SourceAlias, normalize_name

SPAN_FIELDS = ("start", "end", "text")


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


class ArticleForm(AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            # Offsets count every character, leading and trailing whitespace included.
            self.fields["body"].strip = False
            self.fields["body"].widget.attrs.update(rows=16)
        if "headline" in self.fields:
            self.fields["headline"].widget.attrs["class"] = "vTextField vHeadline"


class SpanForm(AdminModelForm):
    """A stretch of an article's body: an attribution or a metadata span.

    A span the editor sets (start, end or text) is checked against the body as submitted and
    counts as checked by them: a fuzzy or orphaned span becomes anchored again, as the
    services do. A row whose span the editor left alone, on a submit that also edits the body,
    is not checked against the new body: it is re-anchored in memory exactly as the article
    service re-anchors it when the body is saved (see ``SpanInlineFormSet``).
    """

    span_formset = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "text" in self.fields:
            self.fields["text"].strip = False

    def span_changed(self) -> bool:
        return any(name in self.changed_data for name in SPAN_FIELDS if name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if self.span_changed():
            self.instance.anchor_status = AnchorStatus.ANCHORED
        elif self.span_formset is not None and self.instance.pk is not None:
            anchor = self.span_formset.carried_anchor(self)
            if anchor is not None:
                cleaned.update(start=anchor.start, end=anchor.end, text=anchor.text)
                self.instance.anchor_status = anchor.status
        return cleaned


class ParentInlineFormSet(BaseInlineFormSet):
    """Hands every row the parent object in memory, so that a row showing or checking its
    parent (``str()``, ``clean()``) does not load it once per row."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form


class SpanInlineFormSet(ParentInlineFormSet):
    """The spans of one article, edited on the article's page. Each row holds the article
    with its body as submitted."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.span_formset = self
        return form

    @cached_property
    def stored_body(self) -> str | None:
        if self.instance.pk is None:
            return None
        articles = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        return articles.values_list("body", flat=True).first()

    @cached_property
    def _carried_anchors(self) -> dict[int, Anchor]:
        """Where the rows whose span the editor left alone stand in the submitted body."""
        old_body, new_body = self.stored_body, self.instance.body
        if old_body is None or old_body == new_body:
            return {}
        forms_ = [
            f for f in self.initial_forms if f.instance.pk is not None and not f.span_changed()
        ]
        # The initial values are the stored ones; instances of rows already cleaned are not.
        spans = [
            Span(f.initial.get("start"), f.initial.get("end"), f.initial.get("text", ""))
            for f in forms_
        ]
        anchors = reanchor(
            old_body, new_body, spans, fuzzy_threshold=settings.TRACKER_REANCHOR_FUZZY_THRESHOLD
        )
        return {f.instance.pk: anchor for f, anchor in zip(forms_, anchors, strict=True)}

    def carried_anchor(self, form: SpanForm) -> Anchor | None:
        return self._carried_anchors.get(form.instance.pk)


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
