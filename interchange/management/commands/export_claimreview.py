"""Write every published review as schema.org ClaimReview JSON-LD."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from interchange.exporting import claimreview_feed


class Command(BaseCommand):
    help = (
        "Write the published reviews as one JSON-LD document of schema.org ClaimReviews "
        "(the same as /feeds/claimreview.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--base-url",
            help="Where the tracker is served, e.g. https://tracker.example.org: a review "
            "without its own URL then points to its claim page. Without it, such reviews "
            "are left out (and listed).",
        )

    def handle(self, *args, output, base_url, verbosity, **options):
        absolute_url = None
        if base_url:
            if not base_url.startswith(("http://", "https://")):
                raise CommandError("--base-url must start with http:// or https://.")
            root = base_url.rstrip("/")

            def absolute_url(path: str) -> str:
                return root + path

        feed, skipped = claimreview_feed(absolute_url)
        text = json.dumps(feed, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
        if verbosity:
            for item in skipped:
                self.stderr.write(f"Left out review {item.review.pk}: {item.reason}.")
            if output:
                self.stderr.write(f"Wrote {len(feed['@graph'])} ClaimReviews to {output}.")
