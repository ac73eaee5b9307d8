from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = "Suggested attributions"

    def ready(self) -> None:
        from suggestions import tasks  # noqa: F401  (registers "suggestions.accept_job")
