"""Import articles from JSON Lines, plain-text and HTML files (see ``interchange.importing``)."""

import contextlib
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from access.tasks import after_commit, on_queue
from interchange.importing import Format, files_from_paths, import_files, write_problems
from interchange.importing.jsonl import count_lines
from suggestions.services import suggest_attributions


class Command(BaseCommand):
    help = (
        "Import articles from JSON Lines (one article per line), plain-text and HTML files "
        "(one article per file), or folders of them. Articles already stored (same URL and "
        "body, or the same body without URL) are skipped; a stored URL with a different "
        "body is a conflict and is left unchanged unless --update. A bad record is reported "
        "with its line number and the others are still imported. Exits with status 1 if "
        "any record failed or conflicted."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--format",
            choices=[f.value for f in Format],
            default=Format.AUTO.value,
            help="Format of every file (default: from each file's extension).",
        )
        parser.add_argument(
            "--outlet", default="", help="Outlet name for records and pages that name none."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace a stored article that has the record's URL but another body "
            "(its spans are re-anchored) instead of reporting a conflict.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every record against the database, then store nothing.",
        )
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="Run the cross-check on the attributions of the articles imported.",
        )
        parser.add_argument(
            "--extract",
            action="store_true",
            help="Run the attribution extractor on each article created or updated and store "
            "its suggestions for review (Claims › Suggestions in the admin). With a task "
            "queue (CELERY_BROKER_URL), the extraction is queued for the workers with each "
            "batch and the import does not wait for it.",
        )
        parser.add_argument(
            "--errors",
            metavar="FILE",
            help="Write every failure and conflict to FILE as JSON Lines.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=100,
            help="Records committed together (each still in its own savepoint).",
        )

    def handle(self, *args, paths, verbosity, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError("No such file or folder: " + ", ".join(missing))
        files = files_from_paths(paths, options["format"])
        if not files:
            raise CommandError("No files to import (folders are searched for .jsonl, .txt, .html).")
        total = sum(self._units(file) for file in files)
        with contextlib.ExitStack() as stack:
            on_problem = None
            if options["errors"]:
                try:
                    errors = stack.enter_context(open(options["errors"], "w", encoding="utf-8"))
                except OSError as error:
                    raise CommandError(f"Cannot write {options['errors']}: {error}") from error
                on_problem = write_problems(errors)
            bar = stack.enter_context(
                tqdm(
                    total=total,
                    unit=" records",
                    disable=verbosity == 0,
                    file=self.stderr._out,
                    smoothing=0.05,
                )
            )
            suggested = Counter()

            queued = on_queue()

            def extract(article, outcome):
                if queued:
                    # Sent when the article's batch commits (the task "suggestions.extract").
                    after_commit("suggestions.extract", article_ids=[article.pk])
                    suggested["queued"] += 1
                    return
                stored = suggest_attributions(article=article)
                suggested["created"] += stored.created + stored.updated

            report = import_files(
                files,
                after_write=[extract] if options["extract"] and not options["dry_run"] else [],
                outlet=options["outlet"],
                update=options["update"],
                dry_run=options["dry_run"],
                run_recheck=options["recheck"],
                batch_size=options["batch_size"],
                progress=bar.update,
                on_problem=on_problem,
            )
        if verbosity:
            lines = report.summary_lines(problems_shown=50 if verbosity < 2 else 10_000)
            style = self.style.SUCCESS if report.ok else self.style.WARNING
            self.stdout.write(style(lines[0]))
            for line in lines[1:]:
                self.stdout.write(line)
            self.stdout.write(
                f"{report.records:,} records in {report.seconds:.1f} s "
                f"({report.rate:,.0f} records per second)."
            )
            if options["extract"] and not options["dry_run"] and suggested["queued"]:
                self.stdout.write(
                    f"{suggested['queued']:,} article(s) queued for the extractor (the workers "
                    "store their suggestions for review)."
                )
            elif options["extract"] and not options["dry_run"]:
                self.stdout.write(
                    f"{suggested['created']:,} suggested attributions stored for review."
                )
            if options["errors"] and report.problem_count:
                self.stdout.write(f"Failures and conflicts written to {options['errors']}.")
        if not report.ok:
            raise CommandError(
                f"{report.failed:,} records failed and {report.conflicts:,} conflicted; "
                "the other records were imported.",
                returncode=1,
            )

    @staticmethod
    def _units(file) -> int:
        """Progress units in a file: its lines for JSON Lines, 1 for a document."""
        if file.resolved_format() != Format.JSONL:
            return 1
        try:
            with file.open() as stream:
                return count_lines(stream)
        except OSError:
            return 1
