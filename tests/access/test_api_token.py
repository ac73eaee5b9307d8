import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from access.roles import READERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def issue(username, capsys):
    call_command("api_token", "issue", username)
    return capsys.readouterr().out.strip()


def test_issued_token_authenticates_with_the_users_role(capsys):
    UserFactory(username="rhea", roles=[READERS])
    key = issue("rhea", capsys)
    client = APIClient()
    assert client.get("/api/outlets/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/outlets/").status_code == 200
    assert client.post("/api/outlets/", {"name": "Invented Post"}).status_code == 403


def test_issuing_again_replaces_the_old_token(capsys):
    UserFactory(username="rhea", roles=[READERS])
    old = issue("rhea", capsys)
    new = issue("rhea", capsys)
    assert old != new
    assert list(Token.objects.values_list("key", flat=True)) == [new]


def test_revoked_token_no_longer_works(capsys):
    UserFactory(username="rhea", roles=[READERS])
    key = issue("rhea", capsys)
    call_command("api_token", "revoke", "rhea")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/outlets/").status_code == 401


def test_list_shows_holders_not_keys(capsys):
    UserFactory(username="rhea", roles=[READERS])
    key = issue("rhea", capsys)
    call_command("api_token", "list")
    out = capsys.readouterr().out
    assert "rhea: issued" in out
    assert key not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["issue", "nobody"], "No user named 'nobody'"),
        (["revoke", "rhea"], "has no token"),
    ],
)
def test_bad_input_is_reported(args, message):
    UserFactory(username="rhea")
    with pytest.raises(CommandError, match=message):
        call_command("api_token", *args)
