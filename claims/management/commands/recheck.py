"""Recompute cross-check findings and claim statuses for the whole archive."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims.crosscheck.service import RecheckReport, Scope, recheck
from claims.models import Attribution, Claim
from tracker.models import Checkpoint

CHECKPOINT = "recheck:last-attribution-id"


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

    def handle(self, *args, batch_size, resume, start_after, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if start_after is None:
            start_after = Checkpoint.get(CHECKPOINT) if resume else 0
        ids = Attribution.objects.filter(id__gt=start_after).order_by("id")
        total = ids.count()
        totals = RecheckReport()
        with tqdm(
            total=total,
            unit="attr",
            disable=options["verbosity"] == 0,
            file=self.stderr._out,
        ) as bar:
            last = start_after
            while True:
                batch = list(ids.filter(id__gt=last).values_list("id", flat=True)[:batch_size])
                if not batch:
                    break
                report = recheck(Scope(attribution_ids=set(batch)))
                for name in ("created", "updated", "reopened", "resolved", "statuses_changed"):
                    setattr(totals, name, getattr(totals, name) + getattr(report, name))
                last = batch[-1]
                Checkpoint.put(CHECKPOINT, last)
                bar.update(len(batch))
        # Claims without attributions still need a status (unsupported).
        orphans = set(Claim.objects.filter(attributions__isnull=True).values_list("id", flat=True))
        if orphans and start_after == 0:
            report = recheck(Scope(claim_ids=orphans))
            totals.statuses_changed += report.statuses_changed
        Checkpoint.clear(CHECKPOINT)
        if options["verbosity"]:
            self.stdout.write(
                f"Rechecked {total} attributions: findings {totals.created} new, "
                f"{totals.updated} updated, {totals.reopened} reopened, {totals.resolved} "
                f"resolved; {totals.statuses_changed} claim statuses changed."
            )
