"""Admin for API tokens (issue, list, revoke) and the authentication events (read only).

Editors issue tokens for any user with a role and revoke them; the key of a new token is
shown on the page that answers the form, once (it is not stored, not even in a message
cookie), and never again. Nobody changes a token: it is revoked and another issued.
"""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html

from access.admin_base import TrackerAdmin, adopt
from access.forms import AdminModelForm
from access.models import ApiToken, AuthEvent, QueuedTask
from access.roles import ROLE_NAMES
from access.services import start_of_day, token_issue, token_revoke
from access.tasks import send_queued
from access.text import shorten


class ApiTokenAddForm(AdminModelForm):
    """Issue a token: for whom, what for, until when."""

    expires_on = forms.DateField(
        required=False,
        widget=AdminDateWidget,
        label="Expires on",
        help_text="The token works until this day begins.",
    )
    no_expiry = forms.BooleanField(
        required=False,
        label="Never expires",
        help_text="Issue a token that never expires (the date above is then ignored).",
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expires_at = None
        if "user" in self.fields:
            holders = Q(is_superuser=True) | Q(groups__name__in=ROLE_NAMES)
            field = self.fields["user"]
            field.queryset = (
                get_user_model()
                ._default_manager.filter(holders, is_active=True)
                .distinct()
                .order_by("username")
            )
            field.help_text = "An active user with a role; the token acts with that role."
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(
            days=settings.TRACKER_TOKEN_DAYS
        )
        self.fields[
            "expires_on"
        ].help_text += (
            f" Proposed: {settings.TRACKER_TOKEN_DAYS} days from today (TRACKER_TOKEN_DAYS)."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("no_expiry"):
            self.expires_at = None
            return cleaned
        day = cleaned.get("expires_on")
        if day is None:
            self.add_error("expires_on", "Give the date it expires, or tick Never expires.")
        elif day <= timezone.localdate():
            self.add_error("expires_on", "The date must be after today.")
        else:
            self.expires_at = start_of_day(day)
        return cleaned


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ApiToken.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == ApiToken.State.ACTIVE:
            return queryset.active(now)
        if self.value() == ApiToken.State.EXPIRED:
            return queryset.unrevoked().filter(expires_at__lte=now)
        if self.value() == ApiToken.State.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.action(description="Revoke selected tokens", permissions=["change"])
def revoke_selected(modeladmin, request, queryset):
    revoked = 0
    for token in queryset.select_related("user"):
        revoked += token_revoke(token=token, actor=request.user, request=request)
    already = queryset.count() - revoked
    note = f" ({already} were revoked already)" if already else ""
    modeladmin.message_user(request, f"Revoked {revoked} token(s){note}.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(TrackerAdmin):
    """Tokens by prefix, name, user, expiry, last use and state; issue one with *Add*."""

    list_display = [
        "shown_prefix",
        "name",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_from",
        "state_shown",
    ]
    list_display_links = ["shown_prefix", "name"]
    list_filter = [
        StateFilter,
        ("expires_at", admin.DateFieldListFilter),
        ("last_used_at", admin.DateFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    actions = [revoke_selected]
    add_form = ApiTokenAddForm
    add_fieldsets = [(None, {"fields": ["user", "name", "expires_on", "no_expiry"]})]
    fieldsets = [
        (None, {"fields": ["shown_prefix", "name", "user", "state_shown"]}),
        ("Dates", {"fields": ["created_at", "created_by", "expires_at"]}),
        ("Last use", {"fields": ["last_used_at", "last_used_from"]}),
        ("Revocation", {"fields": ["revoked_at", "revoked_reason"]}),
    ]
    readonly_fields = [
        "shown_prefix",
        "name",
        "user",
        "state_shown",
        "created_at",
        "created_by",
        "expires_at",
        "last_used_at",
        "last_used_from",
        "revoked_at",
        "revoked_reason",
    ]

    @admin.display(description="prefix", ordering="prefix")
    def shown_prefix(self, token: ApiToken) -> str:
        return token.shown_prefix

    @admin.display(description="state")
    def state_shown(self, token: ApiToken) -> str:
        state = token.state
        if state == ApiToken.State.REVOKED and token.revoked_reason:
            return f"{state.label}: {token.revoked_reason}"
        return state.label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "created_by")

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        # A prefix is shown as trk_xxxxxxxx; the stored prefix has no "trk_".
        term = " ".join(word.removeprefix("trk_") for word in search_term.split())
        return super().get_search_results(request, queryset, term)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            # Nothing on a token's page can be changed: revoke it from the list instead.
            extra_context = {
                **(extra_context or {}),
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return
        # A ValidationError here (a race on the name) shows the form again with it.
        token, key = token_issue(
            user=obj.user,
            name=obj.name,
            expires_at=form.expires_at,
            actor=request.user,
            request=request,
        )
        adopt(obj, token)
        request._tracker_token_key = key

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, "_tracker_token_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Token {obj.shown_prefix} issued",
            "opts": self.opts,
            "token": obj,
            "key": key,
            "changelist_url": reverse("admin:access_apitoken_changelist"),
            "change_url": reverse("admin:access_apitoken_change", args=[obj.pk]),
        }
        response = TemplateResponse(request, "admin/access/apitoken/issued.html", context)
        # The page holds the key: no cache, no back-button copy.
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):
    """The log of logins, failed logins, logouts, lockouts and token events: read only;
    superusers may delete old events."""

    list_display = ["at", "kind", "username", "address", "agent", "token", "detail"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    list_select_related = ["token"]
    search_fields = ["username", "address", "token__prefix", "detail"]
    date_hierarchy = "at"
    list_per_page = 100
    fields = ["at", "kind", "user", "username", "address", "user_agent", "token", "detail"]

    @admin.display(description="user agent", ordering="user_agent")
    def agent(self, event: AuthEvent) -> str:
        return format_html(
            '<span title="{}">{}</span>', event.user_agent, shorten(event.user_agent, 40)
        )

    def get_search_results(self, request, queryset, search_term):
        term = " ".join(word.removeprefix("trk_") for word in search_term.split())
        return super().get_search_results(request, queryset, term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(QueuedTask)
class QueuedTaskAdmin(admin.ModelAdmin):
    """The task queue's outbox (``access.tasks``): what was queued after each change, and
    how its run went. Read only; an action sends the selected unfinished runs again."""

    list_display = ["id", "name", "state", "attempts", "queued_at", "started_at", "finished_at"]
    list_filter = ["state", "name"]
    search_fields = ["name", "error"]
    date_hierarchy = "queued_at"
    list_per_page = 100
    fields = [
        "name",
        "state",
        "ids",
        "attempts",
        "queued_at",
        "sent_at",
        "started_at",
        "finished_at",
        "error",
    ]
    actions = ["send_again"]

    @admin.action(description="Send the selected unfinished runs to the queue again")
    def send_again(self, request, queryset):
        unfinished = queryset.unfinished()
        ids = list(unfinished.values_list("id", flat=True))
        # Mark them as never sent, and let the sweep send them (and only them).
        unfinished.update(state=QueuedTask.State.QUEUED, sent_at=None)
        sent = send_queued(only=ids)
        self.message_user(request, f"{sent} of {len(ids)} unfinished run(s) sent again.")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
