"""Authentication events: every kind is recorded where it happens, token use sparingly, and
never with a password or a key."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from access.models import ApiToken, AuthEvent
from access.roles import READERS
from access.services import token_expiry, token_issue, token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right horse battery staple"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) InventedBrowser/1.0 " + "x" * 300


@pytest.fixture
def rhea(db):
    user = UserFactory(username="rhea", roles=[READERS])
    user.set_password(PASSWORD)
    user.save()
    return user


def kinds() -> list[str]:
    return list(AuthEvent.objects.order_by("at", "id").values_list("kind", flat=True))


def events(kind: str):
    return AuthEvent.objects.filter(kind=kind).order_by("at", "id")


def login(client, password, username="rhea", address="203.0.113.7"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=BROWSER,
    )


def token_get(key: str, address: str = "192.0.2.10"):
    client = APIClient(REMOTE_ADDR=address, HTTP_USER_AGENT="invented-script/2.0")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/outlets/")


def test_a_login_and_a_logout_are_recorded_with_address_and_agent(rhea):
    client = Client()
    assert login(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.7")
    assert kinds() == ["login", "logout"]
    event = events("login").get()
    assert event.user == rhea
    assert event.username == "rhea"
    assert event.address == "203.0.113.7"
    assert event.user_agent == BROWSER[:200]


def test_a_failed_login_keeps_the_username_as_typed_never_the_password(rhea):
    assert login(Client(), "wrong guess 1234", username="RHEA").status_code == 200
    event = events("login_failed").get()
    assert event.user is None
    assert event.username == "RHEA"
    assert event.address == "203.0.113.7"
    for value in AuthEvent.objects.values_list():
        assert "wrong guess 1234" not in str(value)


def test_a_lockout_is_recorded(rhea, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        login(client, "wrong")
    assert login(client, PASSWORD).status_code == 429
    lockouts = events("lockout")
    assert lockouts.exists()
    assert {e.username for e in lockouts} == {"rhea"}
    assert {e.address for e in lockouts} == {"203.0.113.7"}
    assert not events("login").exists()
    for value in AuthEvent.objects.values_list():
        assert PASSWORD not in str(value)


def test_issuing_and_revoking_with_the_command_are_recorded(rhea, capsys):
    call_command("api_token", "issue", "rhea", "--name", "laptop")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    call_command("api_token", "revoke", token.prefix)
    created, revoked = events("token_created").get(), events("token_revoked").get()
    for event in (created, revoked):
        assert event.user == rhea
        assert event.token == token
        assert event.address is None
        assert token.shown_prefix in event.detail
        assert key not in event.detail
    assert "by a command" in created.detail
    assert "revoked by a command" in revoked.detail


def test_issuing_and_revoking_in_the_admin_are_recorded(editor_client, rhea):
    editor_client.post(
        "/admin/access/apitoken/add/",
        {"user": rhea.pk, "name": "laptop", "no_expiry": "on"},
        REMOTE_ADDR="198.51.100.1",
    )
    token = ApiToken.objects.get()
    editor_client.post(
        "/admin/access/apitoken/",
        {"action": "revoke_selected", "_selected_action": [str(token.pk)]},
        REMOTE_ADDR="198.51.100.1",
    )
    created, revoked = events("token_created").get(), events("token_revoked").get()
    assert "by editor" in created.detail
    assert "never expires" in created.detail
    assert "revoked by editor" in revoked.detail
    assert created.address == revoked.address == "198.51.100.1"


def test_a_password_change_records_each_revocation(rhea):
    for name in ("a", "b"):
        token_issue(user=rhea, name=name, expires_at=token_expiry())
    rhea.set_password("another long passphrase")
    rhea.save()
    revoked = events("token_revoked")
    assert revoked.count() == 2
    assert all("the user's password changed" in e.detail for e in revoked)


def test_token_use_is_recorded_once_an_hour_and_from_each_new_address(rhea):
    token, key = token_issue(user=rhea, name="script", expires_at=token_expiry())
    for _ in range(5):
        assert token_get(key).status_code == 200
    used = events("token_used")
    assert used.count() == 1
    first = used.get()
    assert first.token == token
    assert first.address == "192.0.2.10"
    assert first.user_agent == "invented-script/2.0"
    assert "first use from this address" in first.detail

    assert token_get(key, "198.51.100.20").status_code == 200
    assert token_get(key, "198.51.100.20").status_code == 200
    assert token_get(key).status_code == 200  # back on an address seen within the hour
    assert list(events("token_used").values_list("address", flat=True)) == [
        "192.0.2.10",
        "198.51.100.20",
    ]
    token.refresh_from_db()
    assert token.last_used_from == "198.51.100.20"  # written at most once a minute

    # An hour later the next use is recorded again.
    cache.delete(f"tracker:token-used:{token.prefix}")
    assert token_get(key).status_code == 200
    assert events("token_used").count() == 3
    assert "in use" in events("token_used").last().detail


def test_refused_tokens_are_recorded_at_most_once_a_minute_per_address(rhea):
    expired, expired_key = token_issue(user=rhea, name="old", expires_at=token_expiry())
    revoked, revoked_key = token_issue(user=rhea, name="lost", expires_at=token_expiry())
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    token_revoke(token=revoked)
    for _ in range(3):
        assert token_get(expired_key).status_code == 401
        assert token_get(revoked_key).status_code == 401
    assert token_get(revoked_key, "198.51.100.20").status_code == 401
    refused = events("token_refused")
    assert [(e.token, e.address) for e in refused] == [
        (expired, "192.0.2.10"),
        (revoked, "192.0.2.10"),
        (revoked, "198.51.100.20"),
    ]
    assert "refused: expired" in refused[0].detail
    assert "refused: revoked" in refused[1].detail
    assert not events("token_used").exists()


def test_unknown_keys_are_not_recorded_one_by_one_but_the_lockout_is(rhea, settings):
    settings.TRACKER_TOKEN_FAILURE_LIMIT = 3
    cache.clear()
    for n in range(5):
        token_get(f"trk_aaaaaaa{n}_{'x' * 43}", "203.0.113.50")
    lockout = events("lockout").get()
    assert lockout.address == "203.0.113.50"
    assert "invalid API tokens" in lockout.detail
    assert kinds() == ["lockout"]
    cache.clear()


def test_no_event_holds_a_key_or_a_digest(rhea, capsys):
    call_command("api_token", "issue", "rhea", "--name", "laptop")
    key = capsys.readouterr().out.strip()
    token_get(key)
    rhea.set_password("another long passphrase")
    rhea.save()
    token_get(key)
    digest = ApiToken.objects.get().digest
    secret = key.rsplit("_", 1)[1]
    assert set(kinds()) == {"token_created", "token_used", "token_revoked", "token_refused"}
    for row in AuthEvent.objects.values_list():
        for value in row:
            assert secret not in str(value)
            assert digest not in str(value)
