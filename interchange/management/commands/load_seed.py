"""Load the seed annotations (``seeds/*.json``); what is already loaded is skipped."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article
from interchange.annotations import AnnotationError, LoadReport, load_annotation

SEED_DIR = Path(settings.BASE_DIR) / "seeds"


class Command(BaseCommand):
    help = (
        "Load annotation files (format claim-tracker-annotation/1), by default every "
        "seeds/*.json. Articles already present are skipped, so running it again changes "
        "nothing. All or nothing: if one file is invalid, nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", metavar="path", help="Files to load (default: seeds/*.json)."
        )

    def handle(self, *args, paths, verbosity, **options):
        files = [Path(path) for path in paths] or sorted(SEED_DIR.glob("*.json"))
        if not files:
            if verbosity:
                self.stdout.write(f"No seed files in {SEED_DIR}.")
            return
        total = LoadReport()
        with transaction.atomic():
            for path in files:
                try:
                    report = load_annotation(path)
                except AnnotationError as error:
                    problems = "\n  ".join(str(error).splitlines())
                    raise CommandError(
                        f"{path} is not a valid annotation; nothing was loaded.\n  {problems}"
                    ) from error
                if verbosity >= 2:
                    self.stdout.write(f"{path}: {report.summary()}")
                total += report
        if verbosity == 0:
            return
        if total.created:
            self.stdout.write(self.style.SUCCESS(f"Seed loaded. {total.summary()}"))
        else:
            skipped = total.skipped[Article]
            self.stdout.write(
                f"Seed already loaded: {skipped} article{'' if skipped == 1 else 's'} skipped."
            )
