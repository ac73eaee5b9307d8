"""The three roles and the commands that hand them out."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from access.roles import EDITORS, FACT_CHECKERS, READERS, sync_role_permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def perms(user):
    return user.get_all_permissions()


def test_migration_creates_the_three_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {EDITORS, FACT_CHECKERS, READERS}


def test_editors_change_everything(editor):
    for app, models in {
        "articles": ("article", "outlet", "metadataspan", "correction"),
        "sources": ("source", "sourcealias", "sourceidentifier"),
        "claims": ("claim", "attribution", "claimrelation", "review"),
        "crosscheck": ("finding",),
        "suggestions": ("suggestion",),
    }.items():
        for model in models:
            for action in ("add", "change", "delete", "view"):
                assert editor.has_perm(f"{app}.{action}_{model}")
    # Bookkeeping, not something an editor handles.
    assert not editor.has_perm("crosscheck.view_checkpoint")


def test_fact_checkers_read_everything_and_write_relations_and_reviews(factchecker):
    assert factchecker.has_perm("articles.view_article")
    assert factchecker.has_perm("claims.view_attribution")
    assert factchecker.has_perm("claims.add_claimrelation")
    assert factchecker.has_perm("claims.change_review")
    assert not factchecker.has_perm("claims.change_attribution")
    assert not factchecker.has_perm("articles.change_article")
    assert not factchecker.has_perm("claims.add_claim")


def test_readers_only_read(reader):
    granted = perms(reader)
    assert granted
    assert all(".view_" in p for p in granted)
    assert "sources.view_source" in granted


def test_sync_restores_permissions_removed_by_hand():
    group = Group.objects.get(name=READERS)
    group.permissions.clear()
    sync_role_permissions()
    assert group.permissions.filter(codename="view_claim").exists()


def test_role_command_adds_and_removes_a_user(capsys):
    user = UserFactory(username="ines")
    call_command("role", "add", "ines", "editor")
    user.refresh_from_db()
    assert user.groups.filter(name=EDITORS).exists()
    assert user.is_staff
    call_command("role", "remove", "ines", "editor")
    assert not user.groups.filter(name=EDITORS).exists()
    call_command("role", "list")
    assert "Editors: (nobody)" in capsys.readouterr().out


def test_role_command_creates_user_with_printed_password(capsys):
    call_command("role", "add", "omar", "fact-checker", "--create")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="omar")
    assert user.check_password(password)
    assert user.groups.filter(name=FACT_CHECKERS).exists()
    assert not user.is_staff


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "nobody", "editor"], "No user named 'nobody'"),
        (["add", "ines", "janitor"], "Unknown role 'janitor'"),
    ],
)
def test_role_command_reports_bad_input(args, message):
    UserFactory(username="ines")
    with pytest.raises(CommandError, match=message):
        call_command("role", *args)


def test_local_login_prints_a_random_password_once(capsys):
    call_command("local_login", "--address", "http://127.0.0.1:8123")
    first = capsys.readouterr().out
    # The login ends the output: where, who, and the password on the last line.
    lines = first.strip().splitlines()
    assert lines[-3] == (
        "Log in at http://127.0.0.1:8123/ (the pages) or http://127.0.0.1:8123/admin/ (the admin)"
    )
    assert lines[-2] == "  user:     admin"
    password = lines[-1].removeprefix("  password: ")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    assert admin.groups.filter(name=EDITORS).exists()

    call_command("local_login")
    again = capsys.readouterr().out
    assert "Log in at http://127.0.0.1:8000/ " in again
    assert "password: the one printed when it was created" in again
    assert password not in again
    call_command("local_login", "--reset")
    new_password = capsys.readouterr().out.strip().splitlines()[-1].removeprefix("  password: ")
    admin.refresh_from_db()
    assert new_password != password
    assert admin.check_password(new_password)


def test_editors_issue_and_revoke_api_tokens_and_read_the_events(editor, factchecker, reader):
    for codename in ("add_apitoken", "change_apitoken", "view_apitoken", "view_authevent"):
        assert editor.has_perm(f"access.{codename}")
    # Tokens are revoked, not deleted, and nobody changes the events.
    for codename in ("delete_apitoken", "add_authevent", "change_authevent", "delete_authevent"):
        assert not editor.has_perm(f"access.{codename}")
    for user in (factchecker, reader):
        assert not [p for p in user.get_all_permissions() if p.startswith("access.")]
