"""System checks of the tracker's own settings (run by ``manage.py check``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key_from_environment(app_configs, **kwargs):
    if settings.SECRET_KEY_FROM_ENV:
        return []
    return [
        Warning(
            "SECRET_KEY is not set in the environment; a key from the local .secret_key file "
            "is used, which other app servers do not share.",
            hint="Set SECRET_KEY to a long random value in production.",
            id="tracker.W001",
        )
    ]
