"""Write the archive (or the part about some articles) as JSON Lines."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.exporting import ArchiveError, export_archive
from interchange.management.commands._export_options import (
    RawOutput,
    add_article_filters,
    article_filters,
)


class Command(BaseCommand):
    help = (
        "Write every outlet, article, source, claim, attribution, relation, review and "
        "finding (format claim-tracker-archive/1, JSON Lines) to a file or standard output. "
        "Filters export the part about some articles, with everything it refers to."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        add_article_filters(parser)
        parser.add_argument(
            "--with-history",
            action="store_true",
            help="Include the history of every row written (who changed what, when).",
        )

    def handle(self, *args, output, with_history, verbosity, **options):
        filters = article_filters(options)
        try:
            if output:
                with Path(output).open("w", encoding="utf-8", newline="\n") as stream:
                    counts = export_archive(stream, with_history=with_history, **filters)
            else:
                counts = export_archive(
                    RawOutput(self.stdout), with_history=with_history, **filters
                )
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        if verbosity and output:
            self.stderr.write(f"Wrote {sum(counts.values())} rows to {output}.")
