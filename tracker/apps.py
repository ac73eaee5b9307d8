from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tracker import roles, system_checks  # noqa: F401  (registers the checks)

        post_migrate.connect(roles.sync_role_permissions_after_migrate, sender=self)
