"""Read an archive written by export_archive into the database, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.exporting import ArchiveError, import_archive


class Command(BaseCommand):
    help = (
        "Import an archive (format claim-tracker-archive/1) with its ids, into an empty "
        "database or one without these rows. Rows already stored identically are kept; a "
        "row stored with different data refuses the file. One transaction: on any error "
        "nothing is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive (.jsonl).")

    def handle(self, *args, file, verbosity, **options):
        path = Path(file)
        try:
            with path.open("rb") as stream:
                report = import_archive(stream)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except ArchiveError as error:
            raise CommandError(f"{path}, {error}\nNothing was imported.") from error
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"{path}: {report.summary()}"))
