"""Import articles and their attributions from BRAT standoff files (see
``interchange.brat_transfer``)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from interchange.brat import brat_pairs
from interchange.brat_transfer import DEFAULT_OUTLET, import_brat_folder


class Command(BaseCommand):
    help = (
        "Import articles with their attributions from a folder of BRAT standoff files: "
        "NAME.txt beside NAME.ann, or text/NAME.txt with attributions/NAME_ANNOTATOR.ann "
        "(the first annotator's file by name). Each text becomes an article whose body is "
        "the text exactly (headline: its first line when a blank line follows, else the "
        "file name). Each event with a Content span becomes an attribution at the content's "
        "offsets, its kind from the quotation marks (direct, mixed, indirect; unattributed "
        "without a Source span), its cue and speaker mention from the Cue and Source spans. "
        "A capitalised Source becomes a named person (matched to one already in the archive "
        "by name or alias), anything else (a spokesman, officials, he) an anonymous source "
        "described by the mention. Everything goes through the annotation loader "
        "(validation, history). An article whose body is already stored is skipped; "
        "unreadable lines are reported with their file and line and skipped. Exits with "
        "status 1 if an article failed or nothing could be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="FOLDER", help="The folder of BRAT files.")
        parser.add_argument(
            "--outlet",
            default=DEFAULT_OUTLET,
            help=f"Outlet of the articles (any case; created if new; default {DEFAULT_OUTLET!r}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Load every article and roll it back: report what would be stored.",
        )

    def handle(self, *args, folder, outlet, dry_run, verbosity, **options):
        root = Path(folder)
        if not root.is_dir():
            raise CommandError(f"{folder}: no such folder.")
        if not outlet.strip():
            raise CommandError("--outlet: give a name.")
        total = len(brat_pairs(root))
        if not total:
            raise CommandError(
                f"{folder}: nothing to import: no NAME.txt with NAME.ann, and no text/NAME.txt "
                "with attributions/NAME_ANNOTATOR.ann."
            )
        with tqdm(
            total=total, unit=" articles", disable=verbosity == 0, file=self.stderr._out
        ) as bar:
            report = import_brat_folder(
                root, outlet=outlet.strip(), dry_run=dry_run, progress=bar.update
            )
        if verbosity:
            for file, problem in report.problems:
                self.stderr.write(f"{folder}/{file}:{problem.line}: {problem.message} (skipped)")
            for outcome in report.outcomes:
                if outcome.status == "failed" or (outcome.status == "skipped" and verbosity >= 2):
                    self.stderr.write(f"{outcome.name}: {outcome.status}: {outcome.message}")
                elif outcome.status == "created" and verbosity >= 2:
                    where = f"article {outcome.article_id}" if outcome.article_id else "checked"
                    self.stdout.write(
                        f"{outcome.name}: {where}, {outcome.attributions} attributions"
                    )
            style = self.style.WARNING if report.count("failed") else self.style.SUCCESS
            self.stdout.write(
                style(
                    ("Dry run: nothing stored. " if dry_run else "")
                    + report.summary(dry_run=dry_run)
                )
            )
        failed = report.count("failed")
        if failed:
            raise CommandError(
                f"{failed} of {total} articles failed; the others were "
                f"{'checked' if dry_run else 'imported or skipped'}.",
                returncode=1,
            )
