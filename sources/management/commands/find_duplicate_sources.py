"""Propose merges for stored sources that may be one person or body."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sources.resolution import find_duplicates


class Command(BaseCommand):
    help = (
        "Find stored people and organisations that may be one source (the same name in "
        "another form: 'Donald J. Trump' and 'Donald Trump', 'F.B.I.' and 'FBI'; a surname "
        "alone and the one full name that has it; an acronym and the name it abbreviates) "
        "and propose each pair as a merge suggestion for review (admin: Sources › Merge "
        "suggestions; API: /api/merge-suggestions/). Nothing is merged here. A surname that "
        "several stored people share is left alone and counted as ambiguous. Pairs already "
        "proposed, merged or rejected are not proposed again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the pairs, propose nothing."
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Record the suggestions in history as this user's."
        )

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}")
        report = find_duplicates(user=user, dry_run=options["dry_run"])
        verb = "would be proposed" if options["dry_run"] else "proposed"
        self.stdout.write(
            f"{report.compared} sources compared: {report.proposed} merge(s) {verb}, "
            f"{report.already_proposed} already proposed, {report.ambiguous_surnames} "
            "ambiguous surname(s) left alone."
        )
