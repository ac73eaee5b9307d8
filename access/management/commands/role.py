"""Add users to the tracker's roles, remove them, or list who holds which role."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from access.roles import ROLE_ALIASES, ROLE_NAMES


def resolve_role(value: str) -> str:
    role = ROLE_ALIASES.get(value.lower().rstrip("s"), value)
    if role not in ROLE_NAMES:
        choices = ", ".join(ROLE_ALIASES)
        raise CommandError(f"Unknown role {value!r}; choose one of: {choices}.")
    return role


class Command(BaseCommand):
    help = (
        "Manage role membership. Roles: editor (changes everything), fact-checker (reads "
        "everything; writes relations, reviews and finding triage), reader (reads)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Give a user a role.")
        add.add_argument("username")
        add.add_argument("role", help="editor, fact-checker or reader")
        add.add_argument(
            "--create",
            action="store_true",
            help="Create the user if missing, with a random password that is printed once.",
        )
        remove = sub.add_parser("remove", help="Take a role from a user.")
        remove.add_argument("username")
        remove.add_argument("role")
        sub.add_parser("list", help="List the members of each role.")

    def handle(self, *args, action, **options):
        if action == "list":
            for role in ROLE_NAMES:
                group = Group.objects.filter(name=role).first()
                members = sorted(group.user_set.values_list("username", flat=True)) if group else []
                self.stdout.write(f"{role}: {', '.join(members) if members else '(nobody)'}")
            return
        role = resolve_role(options["role"])
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise CommandError(f"The group {role!r} does not exist; run 'manage.py migrate'.")
        User = get_user_model()
        username = options["username"]
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is None and action == "add" and options["create"]:
                password = secrets.token_urlsafe(15)
                user = User.objects.create_user(username=username, password=password)
                self.stdout.write(f"Created user {username!r} with password: {password}")
            if user is None:
                raise CommandError(
                    f"No user named {username!r}. Use --create to create one, or "
                    "'manage.py createsuperuser'."
                )
            if action == "add":
                user.groups.add(group)
                if role == "Editors" and not user.is_staff:
                    # Editors work in the admin, which only staff may enter.
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                self.stdout.write(self.style.SUCCESS(f"{username} is now in {role}."))
            else:
                user.groups.remove(group)
                self.stdout.write(self.style.SUCCESS(f"{username} is no longer in {role}."))
