"""Recompute cross-check findings and claim statuses for the whole archive."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from access.tasks import after_commit, on_queue
from claims.models import Attribution, Claim
from crosscheck.models import Checkpoint
from crosscheck.services import RecheckReport, Scope, archive_partners, recheck
from crosscheck.services.recompute import (
    ANALYZE_MIN_ROWS,
    ANALYZE_SCALE,
    recompute_run,
    refresh_planner_statistics,
)

CHECKPOINT = "recheck:last-attribution-id"
__all__ = [
    "ANALYZE_MIN_ROWS",
    "ANALYZE_SCALE",
    "CHECKPOINT",
    "Command",
    "refresh_planner_statistics",
]


class Command(BaseCommand):
    help = (
        "Recompute every finding and claim status, in batches of attributions (in id order). "
        "Idempotent. Interrupted runs continue where they stopped with --resume."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Start after the last batch a previous run finished.",
        )
        parser.add_argument(
            "--start-after", type=int, default=None, help="Start after this attribution id."
        )
        parser.add_argument(
            "--per-attribution",
            action="store_true",
            help=(
                "Query the quote index for each attribution, as a single change does, "
                "instead of pairing the near-duplicate quotes of the whole archive first."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=(
                "Processes that pair the archive's near-duplicate quotes before the batches "
                "(default: the TRACKER_RECHECK_WORKERS setting; 0, one per core)."
            ),
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help=(
                "Send the recomputation to the task queue (needs CELERY_BROKER_URL) and "
                "return at once: it runs in --shards shards (default: the "
                "TRACKER_RECOMPUTE_SHARDS setting, 16), every worker taking tasks "
                "(crosscheck.recompute_shards)."
            ),
        )
        parser.add_argument(
            "--shards",
            type=int,
            default=None,
            help=(
                "Recompute in this many shards (crosscheck.services.recompute), run by "
                "--workers processes (default as above), printing each task's end. An "
                "unfinished run of as many shards is resumed."
            ),
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Stop after this many attributions; --resume continues from there.",
        )

    def handle(
        self,
        *args,
        batch_size,
        resume,
        start_after,
        limit=None,
        per_attribution=False,
        workers=None,
        queue=False,
        shards=None,
        **options,
    ):
        if queue:
            if not on_queue():
                raise CommandError(
                    "--queue needs a task queue: set CELERY_BROKER_URL (e.g. "
                    "redis://127.0.0.1:6379/0) and start a worker (make worker)."
                )
            if shards is None:
                shards = settings.TRACKER_RECOMPUTE_SHARDS
            if shards < 1:
                raise CommandError("--shards must be at least 1.")
            after_commit("crosscheck.recompute_shards", shards=[shards])
            if options["verbosity"]:
                self.stdout.write("The recomputation is queued; workers run it.")
            return
        if shards is not None:
            return self._sharded(
                shards, workers, resume, start_after, limit, per_attribution, options
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1.")
        if workers is not None and workers < 0:
            raise CommandError("--workers must be 0 (one per core) or more.")
        if start_after is None:
            start_after = Checkpoint.get(CHECKPOINT) if resume else 0
        ids = Attribution.objects.filter(id__gt=start_after).order_by("id")
        total = ids.count() if limit is None else min(limit, ids.count())
        totals = RecheckReport()
        partners = None if per_attribution else archive_partners(workers)
        with tqdm(
            total=total,
            unit="attr",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,
        ) as bar:
            last = start_after
            done = 0
            # Attributions after ``last`` already rechecked with an earlier batch's claims.
            ahead: set[int] = set()
            analyzed_at = 0  # findings created when the statistics were last refreshed
            while limit is None or done < limit:
                size = batch_size if limit is None else min(batch_size, limit - done)
                batch = self._next_batch(ids, last, ahead, size)
                if not batch:
                    break
                # Each claim is judged with all its attributions, so taking them all in
                # now spares judging it again with each later batch that holds one.
                extra = self._claim_mates(batch, last) - ahead - set(batch)
                report = recheck(Scope(attribution_ids={*batch, *extra}), partners=partners)
                for name in ("created", "updated", "reopened", "resolved", "statuses_changed"):
                    setattr(totals, name, getattr(totals, name) + getattr(report, name))
                # Every attribution up to the batch's last is now rechecked: that is the
                # checkpoint (those after it taken in early are rechecked again after a
                # resume, which changes nothing).
                last = batch[-1]
                ahead = {i for i in ahead | extra if i > last}
                Checkpoint.put(CHECKPOINT, last)
                if totals.created - analyzed_at >= max(
                    ANALYZE_MIN_ROWS, ANALYZE_SCALE * analyzed_at
                ):
                    refresh_planner_statistics()
                    analyzed_at = totals.created
                done += len(batch) + len(extra)
                bar.update(len(batch) + len(extra))
        # (``ahead`` holds only ids after ``last``.)
        finished = ids.filter(id__gt=last).count() <= len(ahead)
        # Claims without attributions still need a status (unsupported).
        orphans = set(Claim.objects.filter(attributions__isnull=True).values_list("id", flat=True))
        if orphans and start_after == 0 and finished:
            report = recheck(Scope(claim_ids=orphans))
            totals.statuses_changed += report.statuses_changed
        if finished:
            Checkpoint.clear(CHECKPOINT)
        if options["verbosity"]:
            self.stdout.write(
                f"Rechecked {done} attributions: findings {totals.created} new, "
                f"{totals.updated} updated, {totals.reopened} reopened, {totals.resolved} "
                f"resolved; {totals.statuses_changed} claim statuses changed."
            )

    def _sharded(self, shards, workers, resume, start_after, limit, per_attribution, options):
        if shards < 1:
            raise CommandError("--shards must be at least 1.")
        if workers is not None and workers < 0:
            raise CommandError("--workers must be 0 (one per core) or more.")
        if resume or start_after is not None or limit is not None or per_attribution:
            raise CommandError(
                "--shards runs the whole archive and resumes by itself: it takes neither "
                "--resume, --start-after, --limit nor --per-attribution."
            )
        if workers is None:
            workers = settings.TRACKER_RECHECK_WORKERS
        workers = workers or os.cpu_count() or 1
        verbose = options["verbosity"] > 0
        summary = recompute_run(
            shards=shards,
            workers=workers,
            echo=(lambda line: self.stderr.write(line)) if verbose else (lambda line: None),
        )
        Checkpoint.clear(CHECKPOINT)
        if verbose:
            totals = summary.check
            steps = ", ".join(f"{step} {s} s" for step, s in summary.seconds.items())
            self.stdout.write(
                f"Recomputed in {shards} shards with {workers} workers (run "
                f"{summary.run_id}{', resumed' if summary.resumed else ''}): findings "
                f"{totals.created} new, {totals.updated} updated, {totals.reopened} reopened, "
                f"{totals.resolved} resolved; {totals.statuses_changed} claim statuses "
                f"changed. {steps}; peak memory of a worker {summary.peak_rss_mb} MB."
            )

    @staticmethod
    def _next_batch(ids, last: int, ahead: set[int], size: int) -> list[int]:
        """The next ``size`` attribution ids after ``last``, skipping those rechecked
        already."""
        batch: list[int] = []
        while len(batch) < size:
            page = list(ids.filter(id__gt=last).values_list("id", flat=True)[: max(size, 1000)])
            if not page:
                break
            batch += [i for i in page if i not in ahead][: size - len(batch)]
            last = page[-1]
        return batch

    @staticmethod
    def _claim_mates(batch: list[int], last: int) -> set[int]:
        """Attributions after ``last`` that share a claim with one in ``batch``."""
        claims = Attribution.objects.filter(id__in=batch, claim_id__isnull=False).values("claim_id")
        return set(
            Attribution.objects.filter(claim_id__in=claims, id__gt=last).values_list(
                "id", flat=True
            )
        )
