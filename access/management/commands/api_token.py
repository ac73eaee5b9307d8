"""Issue, revoke and list API tokens."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Manage API tokens. A token acts with its user's role. "
        "Send it as the header 'Authorization: Token <key>'."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser(
            "issue", help="Print a new token for a user; any older token of theirs stops working."
        )
        issue.add_argument("username")
        revoke = sub.add_parser("revoke", help="Delete a user's token.")
        revoke.add_argument("username")
        sub.add_parser("list", help="List the users who hold a token (not the keys).")

    def handle(self, *args, action, **options):
        if action == "list":
            tokens = Token.objects.select_related("user").order_by("user__username")
            if not tokens:
                self.stdout.write("No tokens.")
            for token in tokens:
                self.stdout.write(f"{token.user.username}: issued {token.created:%Y-%m-%d %H:%M}")
            return
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive.")
        with transaction.atomic():
            deleted, _ = Token.objects.filter(user=user).delete()
            if action == "revoke":
                if not deleted:
                    raise CommandError(f"{username!r} has no token.")
                self.stdout.write(self.style.SUCCESS(f"Revoked the token of {username!r}."))
                return
            token = Token.objects.create(user=user)
        if deleted:
            self.stderr.write(f"The previous token of {username!r} no longer works.")
        self.stdout.write(token.key)
