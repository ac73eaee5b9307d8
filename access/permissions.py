"""API permissions: the roles of ``access/roles.py`` applied to every endpoint and object."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions


class RolePermission(DjangoModelPermissions):
    """Model permissions, with reading gated by the ``view`` permission.

    Readers hold only ``view_*``; fact-checkers also write relations, reviews and finding
    triage; editors write everything. Anonymous requests are refused (401) unless
    ``TRACKER_PUBLIC_READING`` is on, and then only for reading.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS and settings.TRACKER_PUBLIC_READING:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        required = getattr(view, "required_permissions", None)
        if required is not None:
            return request.user.has_perms(required.get(request.method, required.get("*", ())))
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj) -> bool:
        # Roles are global: whoever may act on a collection may act on each of its objects.
        return self.has_permission(request, view)


class ReadAccess(BasePermission):
    """Logged-in users, and everyone when public reading is on (the API schema and docs)."""

    def has_permission(self, request, view) -> bool:
        return bool(
            settings.TRACKER_PUBLIC_READING or (request.user and request.user.is_authenticated)
        )
