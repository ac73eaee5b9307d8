"""Write attributions as CSV for spreadsheets."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.models import Attribution
from interchange.exporting import ArchiveError, select_articles, write_attributions_csv
from interchange.management.commands._export_options import (
    RawOutput,
    add_article_filters,
    article_filters,
)


class Command(BaseCommand):
    help = (
        "Write one CSV row per attribution: article, source, claim, quote, offsets, cue, "
        "channel, dates and anchor status. Cells a spreadsheet would run as formulas are "
        "escaped with a leading apostrophe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        add_article_filters(parser)
        parser.add_argument(
            "--excel",
            action="store_true",
            help="Start with a UTF-8 byte order mark, so that Excel reads accents and quotes.",
        )

    def handle(self, *args, output, excel, verbosity, **options):
        filters = article_filters(options)
        try:
            attributions = Attribution.objects.all()
            if any(filters.values()):
                attributions = attributions.filter(article__in=select_articles(**filters))
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        if output:
            with Path(output).open("w", encoding="utf-8", newline="") as stream:
                count = write_attributions_csv(stream, attributions, excel=excel)
            if verbosity:
                self.stderr.write(f"Wrote {count} attributions to {output}.")
        else:
            write_attributions_csv(RawOutput(self.stdout), attributions, excel=excel)
