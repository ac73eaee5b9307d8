"""Accept pending suggestions in bulk (see ``suggestions.bulk``)."""

from datetime import datetime, time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from articles.models import Article
from suggestions.bulk import accept_in_bulk, pending_suggestions


def _since(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: {value!r} is not a date (2026-03-01) or a date and time")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Accept pending suggestions in bulk: each becomes an attribution (creating its "
        "proposed speaker, or attaching it to the source already in the archive) in its own "
        "transaction, then gets a claim suggestion (linked to an existing claim above "
        "TRACKER_CLAIM_LINK_AUTO, queued for review above TRACKER_CLAIM_LINK_SUGGEST, else a "
        "new claim). A suggestion that cannot be accepted is reported with its reason and "
        "left pending; the others go on. Exits with status 1 if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article",
            type=int,
            action="append",
            metavar="ID",
            help="Only this article's suggestions (repeat for several).",
        )
        parser.add_argument(
            "--since", metavar="DATE", help="Only suggestions made on or after this date or time."
        )
        parser.add_argument(
            "--min-confidence",
            type=float,
            metavar="X",
            help="Only suggestions whose confidence is at least X (0-1).",
        )
        parser.add_argument(
            "--no-claims", action="store_true", help="Accept only; suggest no claims."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything in a transaction that is rolled back: report, store nothing.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Record the changes in history as made by this user (default: none).",
        )

    def handle(self, *args, **options):
        confidence = options["min_confidence"]
        if confidence is not None and not 0 <= confidence <= 1:
            raise CommandError("--min-confidence must be between 0 and 1")
        articles = options["article"]
        if articles:
            missing = set(articles) - set(
                Article.objects.filter(pk__in=articles).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"No article with id {', '.join(map(str, sorted(missing)))}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}")
        rows = pending_suggestions(
            article_ids=articles,
            since=_since(options["since"]) if options["since"] else None,
            min_confidence=confidence,
        )
        total = rows.count()
        with tqdm(
            total=total,
            unit="suggestion",
            disable=options["verbosity"] < 1 or not total,
            file=self.stderr._out,
        ) as bar:
            report = accept_in_bulk(
                rows,
                user=user,
                link_claims=not options["no_claims"],
                dry_run=options["dry_run"],
                progress=bar.update,
            )
        for pk, message in report.failed:
            self.stderr.write(f"suggestion {pk}: {message}")
        self.stdout.write(str(report))
        if report.failed:
            raise CommandError(f"{len(report.failed)} suggestion(s) could not be accepted")
