"""The project package: settings, the root URLconf and the API router, WSGI/ASGI, and the
Celery application (imported here so that ``@shared_task`` binds to it)."""

from tracker.celery import app as celery_app

__all__ = ["celery_app"]
