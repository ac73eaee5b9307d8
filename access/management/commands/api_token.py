"""Issue, list and revoke API tokens."""

import re
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from access.models import ApiToken, key_prefix
from access.services import (
    start_of_day,
    token_expiry,
    token_issue,
    token_revoke,
    tokens_revoke_for_user,
)

_DAYS = re.compile(r"^[0-9]+$")


def parse_expiry(value: str | None) -> datetime | None:
    """``--expires``: a number of days, a date (``YYYY-MM-DD``, the token works until that
    day begins) or ``never``; none given: ``TRACKER_TOKEN_DAYS``."""
    if value is None:
        return token_expiry()
    value = value.strip()
    if value.lower() == "never":
        return None
    if _DAYS.match(value):
        days = int(value)
        if not 1 <= days <= 3650:
            raise CommandError(f"--expires {value}: give between 1 and 3650 days.")
        return token_expiry(days)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--expires {value!r}: give a number of days, a date as YYYY-MM-DD, or never."
        ) from None
    if day <= timezone.localdate():
        raise CommandError(f"--expires {value}: the date must be after today.")
    return start_of_day(day)


def _when(moment: datetime | None, empty: str = "-") -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else empty


def _validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Manage API tokens. A token acts with its user's role; send it as the header "
        "'Authorization: Token <key>'. Keys are shown once, when issued, and never stored."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser(
            "issue",
            help="Issue a token for a user and print its key, alone on the last line.",
        )
        issue.add_argument("username")
        issue.add_argument(
            "--name", default="", help="What the token is for (default: 'issued on DATE')."
        )
        issue.add_argument(
            "--expires",
            metavar="DAYS|YYYY-MM-DD|never",
            help="Days it works, the date it stops working, or never (default: "
            "TRACKER_TOKEN_DAYS).",
        )
        listing = sub.add_parser(
            "list", help="List tokens (prefix, name, user, dates, state), never their keys."
        )
        listing.add_argument("username", nargs="?", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix, or a user's tokens.")
        revoke.add_argument("prefix", nargs="?", help="The token's prefix (trk_xxxxxxxx).")
        revoke.add_argument("--user", dest="revoke_user", help="Revoke this user's tokens.")
        revoke.add_argument(
            "--all", action="store_true", help="With --user: every token of theirs."
        )
        revoke.add_argument("--reason", default="", help="Why (kept with the token).")

    def handle(self, *args, action, **options):
        if action == "issue":
            self.issue(options["username"], options["name"], options["expires"])
        elif action == "list":
            self.list(options["username"])
        else:
            self.revoke(options["prefix"], options["revoke_user"], options["all"], options)

    def find_user(self, username: str):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        return user

    def issue(self, username: str, name: str, expires: str | None) -> None:
        user = self.find_user(username)
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive.")
        expires_at = parse_expiry(expires)
        name = name.strip() or self.default_name(user)
        try:
            token, key = token_issue(user=user, name=name, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError(_validation_message(error)) from None
        expiry = f"expires {_when(expires_at)}" if expires_at else "never expires"
        self.stderr.write(
            f"Issued {token.shown_prefix} {name!r} for {username!r}; it {expiry}. "
            "The key, on the next line, is shown this once:"
        )
        self.stdout.write(key)

    @staticmethod
    def default_name(user) -> str:
        """``issued on DATE``, numbered when the user already has a token of that name."""
        base = f"issued on {timezone.localdate():%Y-%m-%d}"
        taken = set(ApiToken.objects.unrevoked().filter(user=user).values_list("name", flat=True))
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base} ({n})"
        return name

    def list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username is not None:
            tokens = tokens.filter(user=self.find_user(username))
        now = timezone.now()
        rows = [
            (
                token.shown_prefix,
                token.name,
                token.user.get_username(),
                _when(token.created_at),
                _when(token.expires_at, "never"),
                _when(token.last_used_at, "never"),
                token.state_at(now).label,
            )
            for token in tokens
        ]
        if not rows:
            self.stdout.write("No tokens.")
            return
        header = ("prefix", "name", "user", "created", "expires", "last used", "state")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = (f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def revoke(self, prefix: str | None, username: str | None, every: bool, options) -> None:
        reason = options["reason"].strip()
        if prefix and username:
            raise CommandError("Give a token's prefix or --user USER --all, not both.")
        if username:
            if not every:
                raise CommandError(f"Add --all to revoke every token of {username!r}.")
            revoked = tokens_revoke_for_user(user=self.find_user(username), reason=reason)
            if not revoked:
                self.stderr.write(f"{username!r} has no unrevoked token.")
            else:
                self.stdout.write(
                    self.style.SUCCESS(f"Revoked {revoked} token(s) of {username!r}.")
                )
            return
        if not prefix:
            raise CommandError("Give the prefix of the token to revoke, or --user USER --all.")
        wanted = key_prefix(prefix) or prefix.removeprefix("trk_")
        token = ApiToken.objects.select_related("user").filter(prefix=wanted).first()
        if token is None:
            raise CommandError(f"No token with the prefix {prefix!r}.")
        if not token_revoke(token=token, reason=reason):
            self.stderr.write(
                f"{token.shown_prefix} was already revoked on {_when(token.revoked_at)}."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Revoked {token.shown_prefix} {token.name!r} of {token.user.get_username()!r}."
            )
        )
