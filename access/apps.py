from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access: API tokens and authentication events"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from access import roles, signals, system_checks  # noqa: F401  (registers the checks)

        post_migrate.connect(roles.sync_role_permissions_after_migrate, sender=self)
        signals.connect()
