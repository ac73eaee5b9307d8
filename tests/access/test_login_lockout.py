"""Guessing passwords is stopped on every login form (django-axes): the 11th try is refused
even with the right password until the lock expires; an editor can unlock the account."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right horse battery staple"


@pytest.fixture(autouse=True)
def _lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 10


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, url, password, username="alice", address="203.0.113.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_eleventh_try_is_refused_even_with_the_right_password(client, alice, url):
    for _ in range(9):
        assert _login(client, url, "wrong").status_code == 200  # the form again, with an error
    # The tenth failure locks the account (and the address) at once ...
    assert _login(client, url, "wrong").status_code == 429
    # ... so the eleventh try is refused even with the right password.
    locked = _login(client, url, PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed logins" in text
    assert "15 minutes" in text
    assert "_auth_user_id" not in client.session


def test_the_lock_expires(client, alice, settings):
    for _ in range(10):
        _login(client, "/accounts/login/", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "/accounts/login/", PASSWORD).status_code == 302


def test_guessing_from_one_address_locks_every_account_tried_from_it(client, alice):
    for n in range(10):
        _login(client, "/accounts/login/", "wrong", username=f"nobody{n}")
    assert _login(client, "/accounts/login/", PASSWORD).status_code == 429
    # The same account from another address is not locked by that address's failures.
    assert _login(client, "/accounts/login/", PASSWORD, address="198.51.100.2").status_code == 302


def test_an_editor_unlocks_the_account_in_the_admin(alice, editor_client):
    client = Client()
    for _ in range(10):
        _login(client, "/accounts/login/", "wrong")
    assert _login(client, "/accounts/login/", PASSWORD).status_code == 429
    attempts = editor_client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200
    assert "alice" in attempts.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    editor_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert _login(client, "/accounts/login/", PASSWORD).status_code == 302


def test_logins_are_recorded_where_editors_read_them(alice, editor_client):
    assert _login(Client(), "/accounts/login/", PASSWORD).status_code == 302
    assert AccessLog.objects.filter(username="alice").exists()
    assert editor_client.get("/admin/axes/accesslog/").status_code == 200


def test_readers_and_fact_checkers_cannot_read_login_records(reader_client, factchecker_client):
    assert reader_client.get("/admin/axes/accessattempt/").status_code in (302, 403)
    assert factchecker_client.get("/admin/axes/accesslog/").status_code in (302, 403)


def test_guessing_api_tokens_is_stopped_per_address(reader, settings):
    settings.TRACKER_TOKEN_FAILURE_LIMIT = 3
    cache.clear()
    good = token_client(reader)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert [bad.get("/api/outlets/").status_code for _ in range(3)] == [401, 401, 401]
    refused = bad.get("/api/outlets/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Every token request from that address waits, a valid one too.
    assert good.get("/api/outlets/").status_code == 429
    cache.clear()
    assert good.get("/api/outlets/").status_code == 200
