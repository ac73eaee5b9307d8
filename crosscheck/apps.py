from django.apps import AppConfig


class CrosscheckConfig(AppConfig):
    name = "crosscheck"
    verbose_name = "Cross-check"

    def ready(self) -> None:
        from crosscheck import tasks  # noqa: F401  (registers "crosscheck.recheck")
