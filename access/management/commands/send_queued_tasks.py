"""Send again the queued work whose message may be lost (the task queue's outbox sweep)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from access.models import QueuedTask
from access.tasks import on_queue, prune_done, send_queued


class Command(BaseCommand):
    help = (
        "Send to the task queue the queued work whose message may be lost: runs never sent "
        "(the broker was down at commit time) or sent more than --older-than seconds ago, "
        "and runs still 'running' that long past their time limit (their worker died). "
        "Celery beat runs the same sweep every TRACKER_TASK_SWEEP_SECONDS. Also deletes "
        "the rows of runs done more than TRACKER_TASK_KEEP_DAYS days ago. Needs "
        "CELERY_BROKER_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Resend what was sent this long ago (default TRACKER_TASK_RESEND_AFTER).",
        )

    def handle(self, *args, older_than, verbosity, **options):
        if not on_queue():
            raise CommandError(
                "No task queue: CELERY_BROKER_URL is not set (without one, tasks run "
                "in-process and nothing waits in the outbox)."
            )
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        pruned = prune_done()
        sent = send_queued(older_than=None if older_than is None else timedelta(seconds=older_than))
        if verbosity:
            waiting = QueuedTask.objects.unfinished().count()
            self.stdout.write(
                f"{sent} queued task(s) sent; {waiting} not finished; {pruned} old finished "
                "row(s) deleted."
            )
