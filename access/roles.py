"""The three roles, as Django groups, and the permissions each one holds.

The groups are created by a migration (``access/migrations/0001_roles.py``); their
permissions are set from ``ROLE_PERMISSIONS`` after every ``migrate``, so a model added
later gets its permissions without a hand-written migration. Permissions granted to these
groups by hand are replaced on the next migrate: the definition here is the truth.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
FACT_CHECKERS = "Fact-checkers"
READERS = "Readers"

ROLE_NAMES = (EDITORS, FACT_CHECKERS, READERS)
# Short names used by the ``role`` management command.
ROLE_ALIASES = {"editor": EDITORS, "fact-checker": FACT_CHECKERS, "reader": READERS}

TRACKER_APPS = ("articles", "sources", "claims", "crosscheck", "suggestions")
# Login records (django-axes): editors read them and unlock accounts (delete attempts).
# API tokens: editors issue them for anyone and revoke them (a change), never delete them;
# they read the authentication events, which nobody changes.
EDITOR_EXTRA = Q(content_type__app_label="axes") | Q(
    content_type__app_label="access",
    codename__in=["view_apitoken", "add_apitoken", "change_apitoken", "view_authevent"],
)
# Bookkeeping models no role reads or writes.
INTERNAL_MODELS = ("checkpoint",)
# Models fact-checkers may write (add, change, delete), besides reading everything.
FACT_CHECKER_WRITABLE = ("claimrelation", "review")
# Models fact-checkers may change but not add or delete (triage of findings).
FACT_CHECKER_CHANGEABLE = ("finding",)


def role_permission_filter(role: str) -> Q:
    """The permissions a role holds, as a filter on ``Permission``."""
    in_apps = Q(content_type__app_label__in=TRACKER_APPS) & ~Q(
        content_type__model__in=INTERNAL_MODELS
    )
    view = in_apps & Q(codename__startswith="view_")
    if role == EDITORS:
        return in_apps | EDITOR_EXTRA
    if role == FACT_CHECKERS:
        writable = Q()
        for model in FACT_CHECKER_WRITABLE:
            writable |= Q(codename__in=[f"add_{model}", f"change_{model}", f"delete_{model}"])
        for model in FACT_CHECKER_CHANGEABLE:
            writable |= Q(codename=f"change_{model}")
        return view | (in_apps & writable)
    if role == READERS:
        return view
    raise ValueError(f"unknown role {role!r}")


def is_editor(user) -> bool:
    """Whether ``user`` acts as an editor: in the Editors group, or a superuser."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_tracker_is_editor", None)
    if cached is None:
        # Asked several times per page (each permission check): one query per user object.
        cached = user.is_superuser or user.groups.filter(name=EDITORS).exists()
        user._tracker_is_editor = cached
    return cached


def has_role(user) -> bool:
    """Whether ``user`` holds any role (a superuser counts as an editor): API tokens exist
    only for them."""
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=ROLE_NAMES).exists()


def may_change_authored(user, author) -> bool:
    """Reviews and finding notes are changed by their author or an editor only."""
    return is_editor(user) or (author is not None and getattr(user, "pk", None) == author.pk)


def sync_role_permissions(roles: Iterable[str] = ROLE_NAMES) -> None:
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(role_permission_filter(role)))


def sync_role_permissions_after_migrate(sender, **kwargs) -> None:
    sync_role_permissions()
