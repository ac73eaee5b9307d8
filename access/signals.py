"""What happens to API tokens and the event log when Django's accounts change.

The users, their groups and the login views are Django's, so the tracker listens to their
signals (connected in ``AccessConfig.ready``) instead of calling a service:

- every token of a user is revoked when their password is set (``set_password``, which
  every password form and ``changepassword`` use) or made unusable, when they are
  deactivated, and when they lose their last role (their last role group, or the
  superuser flag while in no role group);
- the cached credentials of API tokens (``access/credentials.py``) are invalidated when
  anything they hold may have changed: a user saved or deleted, a user's groups or own
  permissions, a group, a group's permissions, a permission;
- logins, logouts, failed logins and django-axes lockouts are recorded as events. A failed
  login keeps the username as typed, never the password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group, Permission

from access import credentials, roles
from access.models import AuthEvent
from access.services import auth_event_record, tokens_revoke_for_user

WATCHED_FIELDS = frozenset({"password", "is_active", "is_superuser"})


# --- Accounts: revoke tokens ------------------------------------------------------------


def remember_account_state(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved, note what the row held, to tell afterwards whether the
    save deactivated them, took their superuser flag or made their password unusable."""
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not WATCHED_FIELDS & set(update_fields):
        return
    instance._tracker_stored = (
        sender._default_manager.filter(pk=instance.pk)
        .values("password", "is_active", "is_superuser")
        .first()
    )


def _revocation_reason(user, stored: dict | None, update_fields) -> str | None:
    saved = set(update_fields) if update_fields is not None else WATCHED_FIELDS
    if "password" in saved and getattr(user, "_password", None) is not None:
        return "the user's password changed"
    if stored is None:
        return None
    if "is_active" in saved and stored["is_active"] and not user.is_active:
        return "the user was deactivated"
    if (
        "password" in saved
        and not user.has_usable_password()
        and not stored["password"].startswith(UNUSABLE_PASSWORD_PREFIX)
    ):
        return "the user's password was made unusable"
    if (
        "is_superuser" in saved
        and stored["is_superuser"]
        and not user.is_superuser
        and not roles.has_role(user)
    ):
        return "the user lost their last role"
    return None


def revoke_tokens_on_account_change(
    sender, instance, created=False, raw=False, update_fields=None, **kwargs
) -> None:
    stored = instance.__dict__.pop("_tracker_stored", None)
    if created or raw:
        return
    reason = _revocation_reason(instance, stored, update_fields)
    if reason is not None and instance.api_tokens.unrevoked().exists():
        tokens_revoke_for_user(user=instance, reason=reason)


def _revoke_if_roleless(user_ids) -> None:
    User = get_user_model()
    for user in User._default_manager.filter(pk__in=list(user_ids)):
        if not roles.has_role(user) and user.api_tokens.unrevoked().exists():
            tokens_revoke_for_user(user=user, reason="the user lost their last role")


def revoke_tokens_on_role_loss(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """``user.groups`` or ``group.user_set`` lost members: those left with no role lose
    their tokens."""
    if action == "pre_clear" and reverse:
        # group.user_set.clear(): who the members were is gone after the clear.
        instance._tracker_cleared_users = set(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_remove", "post_clear"):
        return
    if not reverse:
        _revoke_if_roleless([instance.pk])
    elif action == "post_remove":
        _revoke_if_roleless(pk_set or ())
    else:
        _revoke_if_roleless(instance.__dict__.pop("_tracker_cleared_users", ()))


def remember_role_members(sender, instance, **kwargs) -> None:
    """A role group about to be deleted: note its members (the deletion removes them
    without an ``m2m_changed``)."""
    if instance.name in roles.ROLE_NAMES:
        instance._tracker_members = set(instance.user_set.values_list("pk", flat=True))


def revoke_tokens_of_deleted_role(sender, instance, **kwargs) -> None:
    _revoke_if_roleless(instance.__dict__.pop("_tracker_members", ()))


# --- Accounts: invalidate cached credentials ---------------------------------------------


def forget_credentials_of_user(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """A user saved (or about to be deleted, with their tokens): their tokens' cached
    credentials are stale. A login's own save (the last login only) changes nothing they
    hold."""
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    credentials.forget_users([instance.pk])


def forget_credentials_on_membership(sender, instance, action, reverse, **kwargs) -> None:
    """``user.groups`` or ``user.user_permissions`` changed (the user's tokens), or
    ``group.user_set`` (every token: who the members were is not always known)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        credentials.forget_all()
    else:
        credentials.forget_users([instance.pk])


def forget_all_credentials(sender, **kwargs) -> None:
    """A group, a group's permissions or a permission changed: every token's cached
    credentials may hold it."""
    action = kwargs.get("action")  # m2m_changed only
    if kwargs.get("raw") or (action is not None and not action.startswith("post_")):
        return
    credentials.forget_all()


# --- Logins: record events -----------------------------------------------------------------


def record_login(sender, request, user, **kwargs) -> None:
    auth_event_record(kind=AuthEvent.Kind.LOGIN, request=request, user=user)


def record_logout(sender, request, user, **kwargs) -> None:
    if user is None:  # logging out without having logged in
        return
    auth_event_record(kind=AuthEvent.Kind.LOGOUT, request=request, user=user)


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    # ``credentials`` come with the password already masked; only the username is kept.
    username_field = get_user_model().USERNAME_FIELD
    auth_event_record(
        kind=AuthEvent.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get(username_field, "") or credentials.get("username", "")),
        detail="Wrong username or password, or logging in refused during a lockout.",
    )


def record_lockout(sender, request, username, ip_address=None, **kwargs) -> None:
    auth_event_record(
        kind=AuthEvent.Kind.LOCKOUT,
        request=request,
        username=username or "",
        detail="Too many failed logins: logging in is refused until the lock expires.",
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

    User = get_user_model()
    uid = "access.signals"
    post_save.connect(revoke_tokens_on_account_change, sender=User, dispatch_uid=f"{uid}.post")
    m2m_changed.connect(
        revoke_tokens_on_role_loss, sender=User.groups.through, dispatch_uid=f"{uid}.groups"
    )
    pre_save.connect(remember_account_state, sender=User, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(forget_credentials_of_user, sender=User, dispatch_uid=f"{uid}.cred_user")
    pre_delete.connect(forget_credentials_of_user, sender=User, dispatch_uid=f"{uid}.cred_del")
    for through, name in (
        (User.groups.through, "groups"),
        (User.user_permissions.through, "user_perms"),
    ):
        m2m_changed.connect(
            forget_credentials_on_membership, sender=through, dispatch_uid=f"{uid}.cred_{name}"
        )
    m2m_changed.connect(
        forget_all_credentials, sender=Group.permissions.through, dispatch_uid=f"{uid}.cred_gp"
    )
    for model in (Group, Permission):
        name = model.__name__.lower()
        post_save.connect(forget_all_credentials, sender=model, dispatch_uid=f"{uid}.cred_{name}")
        post_delete.connect(
            forget_all_credentials, sender=model, dispatch_uid=f"{uid}.cred_{name}_del"
        )
    pre_delete.connect(remember_role_members, sender=Group, dispatch_uid=f"{uid}.group_pre")
    post_delete.connect(revoke_tokens_of_deleted_role, sender=Group, dispatch_uid=f"{uid}.group")
    user_logged_in.connect(record_login, dispatch_uid=f"{uid}.login")
    user_logged_out.connect(record_logout, dispatch_uid=f"{uid}.logout")
    user_login_failed.connect(record_login_failure, dispatch_uid=f"{uid}.login_failed")
    user_locked_out.connect(record_lockout, dispatch_uid=f"{uid}.lockout")
