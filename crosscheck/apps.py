from django.apps import AppConfig


class CrosscheckConfig(AppConfig):
    name = "crosscheck"
    verbose_name = "Cross-check"

    def ready(self) -> None:
        from crosscheck import signals  # noqa: F401  (connects the receivers)
