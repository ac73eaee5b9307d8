"""Write articles and their attributions as BRAT standoff files (see
``interchange.brat_transfer``)."""

from django.core.management.base import BaseCommand, CommandError

from interchange.brat_transfer import export_brat_articles
from interchange.exporting import ArchiveError, select_articles
from interchange.management.commands._export_options import add_article_filters, article_filters


class Command(BaseCommand):
    help = (
        "Write articles as BRAT standoff files into FOLDER (created if needed): NAME.txt "
        "holds the body and NAME.ann, per attribution anchored in the body, its Content "
        "span, a Cue and a Source span where the attribution's cue and speaker mention are "
        "found near the content, and an Attribution event joining them "
        "(Attribution-no-source when unattributed). NAME is the headline's slug and the "
        "article's id. import_brat reads the files back to the same spans. Filters choose "
        "the articles (default: all)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER", help="The folder to write into.")
        add_article_filters(parser)

    def handle(self, *args, folder, verbosity, **options):
        try:
            articles = select_articles(**article_filters(options)).order_by("pk")
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        if not articles.exists():
            raise CommandError("No articles to export.")
        written = attributions = left_out = 0
        try:
            for exported in export_brat_articles(articles.iterator(), folder):
                written += 1
                attributions += exported.attributions
                left_out += exported.left_out
                if verbosity >= 2:
                    self.stdout.write(
                        f"{exported.name}: {exported.attributions} attributions"
                        + (f", {exported.left_out} not anchored" if exported.left_out else "")
                    )
        except OSError as error:
            raise CommandError(f"Cannot write into {folder}: {error}") from error
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {written} article{'' if written == 1 else 's'} with {attributions} "
                    f"attributions to {folder}"
                    + (f"; {left_out} not anchored in the body left out." if left_out else ".")
                )
            )
