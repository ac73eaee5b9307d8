"""Admin for outlets, articles, sources, their aliases and the metadata spans of articles.

``claims/admin.py`` extends the Article and Source admins with what needs claims data
(attributions, the highlighted preview); nothing here imports ``claims``.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import messages
from django.contrib.admin.options import TO_FIELD_VAR, InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.forms.formsets import INITIAL_FORM_COUNT
from django.forms.models import _get_foreign_key
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from access.concurrency import VERSION_FIELD, deleted_message, versioned
from access.forms import (
    AdminModelForm,
    NormalizedTextField,
    ParentInlineFormSet,
    PreloadedAutocompleteSelect,
)
from access.services import set_history_user


def field_values(instance: models.Model, names: Iterable[str]) -> dict:
    """The values of the model fields ``names`` (form fields that are not model fields, and
    the primary key, are skipped), as the validated form left them on ``instance``."""
    opts = instance._meta
    values = {}
    for name in names:
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and not field.many_to_many and not field.primary_key:
            values[name] = getattr(instance, name)
    return values


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``target`` the row a service created: the admin goes on to use
    its instance (inlines, log entry, redirect), not the one the service returned."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


def with_version_field(fieldsets, show: bool) -> list:
    """``fieldsets`` with the hidden version field (see ``AdminModelForm``) last in the
    first one when ``show``, and in none otherwise (Django lists a form's declared fields
    on an admin that names no fields)."""
    kept = [
        (name, {**options, "fields": [f for f in options["fields"] if f != VERSION_FIELD]})
        for name, options in fieldsets
    ]
    if show and kept:
        name, options = kept[0]
        kept[0] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
    return kept


def shows_version(admin, request, obj) -> bool:
    """Whether the change form (or inline) ``admin`` draws for ``obj`` carries the version
    of its rows: rows with a version, which this user may change, on a form that has the
    field."""
    return (
        obj is not None
        and versioned(admin.model)
        and VERSION_FIELD in getattr(admin.form, "base_fields", {})
        and admin.has_change_permission(request, obj)
    )


def locks_rows(request) -> bool:
    """Whether this request is a change form's submit, which reads the rows it compares
    and writes locked (``TrackerAdmin.changeform_view``)."""
    return getattr(request, "_lock_rows", False)


class DeferringChangeList(ChangeList):
    """Leaves out the large columns a list page never shows (``ModelAdmin.list_defer``)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.model_admin.list_defer:
            queryset = queryset.defer(*self.model_admin.list_defer)
        return queryset


class AutocompleteMixin:
    """Autocompletes that render their selected option without a query (see the widget)."""

    formfield_overrides: "ClassVar[Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]]" = {
        models.TextField: {"form_class": NormalizedTextField},
        # Editors paste addresses without a scheme; today that means https.
        models.URLField: {"assume_scheme": "https"},
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TrackerAdmin(AutocompleteMixin, SimpleHistoryAdmin):
    """Base of every ModelAdmin here: history, services on save, errors never a 500, and
    no silent overwrite of someone else's change.

    ``save_model`` and the inlines' hooks call the services. A ``ValidationError`` a service
    raises after the form validated (a race, or a rule only the service knows) rolls the
    whole submit back and shows the form again with the error.

    A change form and each of its inline rows carry the version of the row they show; a
    submit made on a version that is no longer the row's is refused as a whole, nothing
    written (see ``AdminModelForm``). The submit reads the row and its inline rows with
    ``SELECT ... FOR UPDATE`` on PostgreSQL (SQLite runs one write transaction at a time),
    so that the check and the save see the same rows. A row deleted since the form was
    opened is reported with who deleted it and a link to its history.
    """

    form = AdminModelForm
    list_defer: tuple[str, ...] = ()
    list_per_page = 50

    class Media:
        css = {"all": ["access/admin.css"]}

    def get_changelist(self, request, **kwargs):
        return DeferringChangeList

    def get_inlines(self, request, obj):
        # Read-only lists of related rows (``only_on_change``) have nothing to show yet
        # on an add page.
        inlines = super().get_inlines(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not getattr(i, "only_on_change", False)]
        return inlines

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return with_version_field(fieldsets, shows_version(self, request, obj))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request._lock_rows = request.method == "POST" and object_id is not None
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # changeform_view's atomic block has rolled the submit back by now.
            if request.method != "POST" or hasattr(request, "_service_error"):
                raise
            request._service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            request._lock_rows = False

    def get_object(self, request, object_id, from_field=None):
        if not locks_rows(request):
            return super().get_object(request, object_id, from_field)
        # A change form's submit, in changeform_view's transaction: the row is read locked,
        # so that the version the form is checked against is still the row's when it is
        # written. Only the row itself ("self"): not the rows its list joins.
        queryset = self.get_queryset(request).select_for_update(of=("self",))
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's "doesn't exist. Perhaps it was deleted?" then the index; a change form
        # submitted on a row deleted since it was opened says who deleted it instead.
        if not locks_rows(request) or TO_FIELD_VAR in request.POST or TO_FIELD_VAR in request.GET:
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        try:
            pk = opts.pk.to_python(unquote(object_id))
        except ValidationError:
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        self.message_user(request, deleted_message(self.model, pk), messages.ERROR)
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_changelist",
            current_app=self.admin_site.name,
        )
        return HttpResponseRedirect(url)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and change:
            # Inline rows refused as stale say so on the row; the top of the page says that
            # nothing was saved because of them.
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            stale = sum(len(getattr(formset, "gone", ())) for formset in formsets) + sum(
                1 for formset in formsets for row in formset.forms if getattr(row, "stale", False)
            )
            if stale:
                context["adminform"].form.add_error(
                    None,
                    f"Nothing was saved: {stale} of the rows below changed (or were deleted) "
                    "after you opened this page, as each of them says.",
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_service_error", None)
        if error is None:
            return form_class

        class ServiceErrorForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                self._update_errors(error)

        return ServiceErrorForm

    def get_search_results(self, request, queryset, search_term):
        # Used by the list and by autocompletes, neither of which shows the large columns.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if self.list_defer:
            queryset = queryset.defer(*self.list_defer)
        return queryset, may_have_duplicates

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, CompactInlineMixin) and obj is not None and obj.pk is not None:
            kwargs["queryset"], kwargs["page"] = inline.paginate(
                request, obj, kwargs["queryset"], prefix
            )
        return kwargs

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.after_save(request, form.instance, change)

    def delete_queryset(self, request, queryset):
        """Delete the selected rows one by one through ``delete_model``, which the admins
        of rows the cross-check reads point at the ``<entity>_delete`` services, so that
        a bulk delete does what deleting each row does."""
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                self.delete_model(request, obj)

    def after_save(self, request, obj, change) -> None:
        """Hook run once the object and its inlines are saved: report, don't write."""

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "admin_inline", None)
        if not isinstance(inline, ServiceInlineMixin):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            inline.delete_object(request, obj)
        new = {id(obj) for obj in formset.new_objects}
        changed = {id(obj): names for obj, names in formset.changed_objects}
        for row in formset.forms:
            obj = row.instance
            if id(obj) in new:
                inline.create_object(request, obj, field_values(obj, row.fields))
            elif id(obj) in changed:
                inline.update_object(request, obj, field_values(obj, changed[id(obj)]))
        formset.save_m2m()
        return None


class ServiceInlineMixin(AutocompleteMixin):
    """An inline whose rows are written through hooks (services where they exist).

    Rows are kept compact: related objects can be added or viewed from a row, not changed
    or deleted (that is for their own page), and with ``row_help = False`` the fields' help
    is left to the inline's introduction instead of repeating on every row.
    """

    form: "type[forms.ModelForm[Any]]" = AdminModelForm
    formset: "type[forms.BaseInlineFormSet[Any, Any, Any]]" = ParentInlineFormSet
    view_on_site: Callable[[Any], str | None] | bool = False
    row_help = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        if not self.row_help:
            formfield.help_text = ""
        if isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_change_related = False
            formfield.widget.can_delete_related = False
        return formfield

    def get_fieldsets(self, request, obj=None):
        # Every row carries its own version (see AdminModelForm): a row changed since the
        # page was opened is refused, with the page's whole submit.
        fieldsets = super().get_fieldsets(request, obj)
        return with_version_field(fieldsets, shows_version(self, request, obj))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if locks_rows(request):
            # The parent's change form is being submitted (TrackerAdmin.get_object).
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.admin_inline = self
        return formset

    def create_object(self, request, obj, data: dict) -> None:
        set_history_user(obj, request.user)
        obj.save()

    def update_object(self, request, obj, data: dict) -> None:
        set_history_user(obj, request.user)
        obj.save()

    def delete_object(self, request, obj) -> None:
        set_history_user(obj, request.user)
        obj.delete()


@dataclass(frozen=True)
class InlinePage:
    """The rows of a paginated inline on one page: page ``number`` of ``count``, rows
    ``first`` to ``last`` (counted from 1) of ``total``, and each page's number and URL."""

    number: int
    count: int
    first: int
    last: int
    total: int
    links: tuple[tuple[int, str], ...]


class CompactInlineMixin(ServiceInlineMixin):
    """An inline for parents with many rows (an article's spans): each row laid out in a
    few wrapping lines (``admin/edit_inline/compact.html``), rows already saved without
    the buttons that add or view a related object (their own page has them), and the rows
    shown ``per_page`` at a time in the inline's order, so that the page weighs and takes
    the same however many rows the parent has.

    ``?<prefix>-page=N`` picks the page (the inline links to each). A submit edits the rows
    its page showed, found by the ids it posts, not the page's rows now: a row added or
    deleted meanwhile moves no other row in or out of the form the editor filled in.
    """

    template = "admin/edit_inline/compact.html"
    per_page = 10
    formfield_overrides: "ClassVar[Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]]" = {
        **ServiceInlineMixin.formfield_overrides,
        models.TextField: {
            "form_class": NormalizedTextField,
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 40}),
        },
    }

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.related_buttons_on_saved_rows = False
        return formset

    def paginate(self, request, parent, queryset, prefix: str) -> "tuple[Any, InlinePage]":
        """The rows of ``parent`` to show (a queryset the formset narrows to the parent)
        and the page they make."""
        inline = cast("InlineModelAdmin[Any, Any]", self)
        fk = _get_foreign_key(inline.parent_model, inline.model, fk_name=inline.fk_name)
        submitted = self._submitted_rows(request, prefix, inline.model)
        if submitted is None:
            ids = list(queryset.filter(**{fk.name: parent}).values_list("pk", flat=True))
            total = len(ids)
        else:
            # Counted apart, without the locks the submit's queryset takes.
            ids = submitted
            total = inline.model._default_manager.filter(**{fk.name: parent}).count()
        count = max(1, -(-total // self.per_page))
        try:
            number = min(max(int(request.GET.get(f"{prefix}-page", 1)), 1), count)
        except ValueError:
            number = 1
        first = (number - 1) * self.per_page
        shown = ids[first : first + self.per_page] if submitted is None else submitted
        links = []
        for n in range(1, count + 1):
            query = request.GET.copy()
            query[f"{prefix}-page"] = str(n)
            links.append((n, f"?{query.urlencode()}#{prefix}-group"))
        page = InlinePage(
            number=number,
            count=count,
            first=min(first + 1, total),
            last=min(first + self.per_page, total),
            total=total,
            links=tuple(links),
        )
        return queryset.filter(pk__in=shown), page

    def _submitted_rows(self, request, prefix: str, model) -> list | None:
        """The ids of the saved rows a submit of this inline carries (a page holds at most
        ``per_page``), or None when the request submits no such form."""
        if request.method != "POST" or f"{prefix}-{INITIAL_FORM_COUNT}" not in request.POST:
            return None
        try:
            initial = int(request.POST[f"{prefix}-{INITIAL_FORM_COUNT}"])
        except ValueError:
            return []
        pk = model._meta.pk
        rows = []
        for i in range(max(0, min(initial, self.per_page))):
            try:
                value = pk.to_python(request.POST.get(f"{prefix}-{i}-{pk.name}"))
            except ValidationError:
                continue
            if value is not None:
                rows.append(value)
        return rows


class ReadOnlyInlineMixin:
    """An inline that lists related rows without letting anyone add, change or delete them."""

    view_on_site: Callable[[Any], str | None] | bool = False
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
