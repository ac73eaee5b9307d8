"""The Celery application: the task queue the tracker's background work runs on when
``CELERY_BROKER_URL`` is set (``make worker`` starts a worker; README, "Production layout").

Its settings are the ``CELERY_*`` names in ``tracker/settings.py``, read from the
environment there. The tasks are the apps' ``@task`` functions (``access.tasks``), registered
under the names the services use when the apps' ``tasks.py`` modules are imported (each
app's ``AppConfig.ready``), plus the outbox sweep ``access.send_queued_tasks`` that Celery
beat runs every ``TRACKER_TASK_SWEEP_SECONDS``. Without a broker, nothing here is used: the
same functions run in-process after the commit.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The apps register their tasks when Django starts (their AppConfig.ready imports tasks.py).
app.autodiscover_tasks()
