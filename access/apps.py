from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access: roles and API tokens"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from access import roles, system_checks  # noqa: F401  (registers the checks)

        post_migrate.connect(roles.sync_role_permissions_after_migrate, sender=self)
