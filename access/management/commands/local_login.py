"""Prepare a login for a local checkout: an editor account with a random password."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from access.roles import EDITORS


class Command(BaseCommand):
    help = (
        "Create the local superuser (default 'admin', in the Editors role) with a random "
        "password and print the login: the address, the user and the password. If the user "
        "exists, its password is left alone unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--reset", action="store_true", help="Set and print a new random password."
        )
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000/",
            help="Where the site is served (make run passes its HOST and PORT).",
        )

    def handle(self, *args, username, reset, address, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None and not reset:
            self.print_login(
                address,
                username,
                "the one printed when it was created "
                "(forgot it? make password, or manage.py local_login --reset)",
            )
            return
        password = secrets.token_urlsafe(12)
        if user is None:
            user = User.objects.create_superuser(username=username, email="", password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        group = Group.objects.filter(name=EDITORS).first()
        if group is not None:
            user.groups.add(group)
        self.print_login(address, username, self.style.SUCCESS(password))

    def print_login(self, address: str, username: str, password: str) -> None:
        address = address if address.endswith("/") else f"{address}/"
        self.stdout.write(
            f"\nLog in at {address} (the pages) or {address}admin/ (the admin)\n"
            f"  user:     {username}\n"
            f"  password: {password}\n"
        )
