"""The pages' access rules, the dashboard and the search page.

Every page is read by users holding its ``view`` permissions (readers, fact-checkers,
editors), or by anyone when ``TRACKER_PUBLIC_READING`` is on. A write (any POST) needs the
page's write permissions as well, whatever that setting says: an anonymous POST is sent to
the login page, a reader's is refused with 403.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS


class PageAccessMixin(AccessMixin):
    """Reading needs ``read_permissions`` (or public reading); writing needs
    ``write_permissions`` too, and a login whatever the settings say."""

    read_permissions: tuple[str, ...] = ()
    write_permissions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if request.method in SAFE_METHODS:
            public = settings.TRACKER_PUBLIC_READING
            if not public and not user.is_authenticated:
                return self.handle_no_permission()
            if not public and not user.has_perms(self.read_permissions):
                raise PermissionDenied("Your role does not let you read this page.")
        else:
            if not user.is_authenticated:
                return self.handle_no_permission()
            if not user.has_perms((*self.read_permissions, *self.write_permissions)):
                raise PermissionDenied("Your role does not let you change this.")
        return super().dispatch(request, *args, **kwargs)


class LoginForm(AuthenticationForm):
    """Django's login form, with labels styled like the other pages' (no colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
