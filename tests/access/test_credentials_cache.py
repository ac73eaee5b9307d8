"""Cached token credentials (``access/credentials.py``): a request with a cached token runs
no query for the token, its user or their permissions, and every change that matters is
seen by the very next request. All people and outlets are invented."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from access import credentials
from access.models import ApiToken
from access.roles import EDITORS, READERS
from access.services import token_expiry, token_issue, token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUTLETS = "/api/outlets/"


@pytest.fixture(autouse=True)
def _cached_credentials(settings):
    settings.TRACKER_AUTH_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def client_for(user, address: str = "192.0.2.10") -> tuple[ApiToken, APIClient]:
    token, key = token_issue(user=user, name="script", expires_at=token_expiry())
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return token, client


@pytest.fixture
def reader_token():
    """A reader's token, used once: its credentials are in the cache."""
    token, client = client_for(UserFactory(username="vela", roles=[READERS]))
    assert client.get(OUTLETS).status_code == 200
    assert credentials.cached_token(token.prefix) is not None
    return token, client


def test_a_cached_token_authenticates_without_a_query(reader_token):
    _token, client = reader_token
    with CaptureQueriesContext(connection) as queries:
        response = client.get(OUTLETS)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if "access_apitoken" in q or "auth_" in q], sql
    assert len(sql) == 1  # the outlets themselves


def test_nothing_is_cached_when_turned_off(settings):
    settings.TRACKER_AUTH_CACHE_SECONDS = 0
    token, client = client_for(UserFactory(roles=[READERS]))
    assert client.get(OUTLETS).status_code == 200
    assert credentials.cached_token(token.prefix) is None
    with CaptureQueriesContext(connection) as queries:
        assert client.get(OUTLETS).status_code == 200
    assert [q for q in queries.captured_queries if "access_apitoken" in q["sql"]]


def test_a_wrong_secret_with_a_cached_prefix_is_refused(reader_token):
    token, _client = reader_token
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION=f"Token trk_{token.prefix}_{'A' * 43}")
    assert forged.get(OUTLETS).status_code == 401


def test_a_revoked_token_is_refused_at_once(reader_token):
    token, client = reader_token
    token_revoke(token=token, reason="lost laptop")
    response = client.get(OUTLETS)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_deactivated_user_is_refused_at_once(reader_token):
    token, client = reader_token
    user = token.user
    user.is_active = False
    user.save()
    assert client.get(OUTLETS).status_code == 401


def test_a_password_change_is_seen_at_once(reader_token):
    token, client = reader_token
    user = token.user
    user.set_password("an invented new password")
    user.save()
    assert client.get(OUTLETS).status_code == 401


def test_a_deleted_user_is_refused_at_once(reader_token):
    token, client = reader_token
    token.user.delete()
    assert client.get(OUTLETS).status_code == 401


def test_a_changed_role_is_seen_at_once():
    user = UserFactory(username="orla", roles=[EDITORS])
    _token, client = client_for(user)
    assert client.get(OUTLETS).status_code == 200
    editors, readers = Group.objects.get(name=EDITORS), Group.objects.get(name=READERS)
    # Editor to reader (never without a role, which would revoke the token): writing is
    # refused at the next request.
    user.groups.add(readers)
    user.groups.remove(editors)
    assert client.post(OUTLETS, {"name": "Invented Orla Post"}, format="json").status_code == 403
    # And back: allowed at the next request.
    user.groups.add(editors)
    created = client.post(OUTLETS, {"name": "Invented Orla Post"}, format="json")
    assert created.status_code == 201


def test_a_membership_changed_from_the_group_side_is_seen_at_once():
    user = UserFactory(username="pim", roles=[EDITORS, READERS])
    _token, client = client_for(user)
    assert client.get(OUTLETS).status_code == 200
    Group.objects.get(name=EDITORS).user_set.remove(user)
    assert client.post(OUTLETS, {"name": "Invented Pim Post"}, format="json").status_code == 403


def test_a_group_losing_a_permission_is_seen_at_once(reader_token):
    _token, client = reader_token
    readers = Group.objects.get(name=READERS)
    readers.permissions.remove(Permission.objects.get(codename="view_outlet"))
    assert client.get(OUTLETS).status_code == 403


def test_a_permission_given_to_the_user_is_seen_at_once(reader_token):
    token, client = reader_token
    assert client.post(OUTLETS, {"name": "Invented Vela Post"}, format="json").status_code == 403
    token.user.user_permissions.add(Permission.objects.get(codename="add_outlet"))
    assert client.post(OUTLETS, {"name": "Invented Vela Post"}, format="json").status_code == 201


def test_losing_the_superuser_flag_is_seen_at_once():
    user = UserFactory(username="root2", is_superuser=True, roles=[READERS])
    _token, client = client_for(user)
    assert client.post(OUTLETS, {"name": "Invented Root Post"}, format="json").status_code == 201
    user.is_superuser = False
    user.save()
    assert client.post(OUTLETS, {"name": "Invented Root Two"}, format="json").status_code == 403
    assert client.get(OUTLETS).status_code == 200  # still a reader


def test_a_token_expiring_while_cached_is_refused(reader_token, monkeypatch):
    token, client = reader_token
    later = token.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(OUTLETS)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_credentials_read_before_a_change_cannot_be_stored_after_it(reader_token):
    token, client = reader_token
    stale = ApiToken.objects.select_related("user").get(pk=token.pk)  # read before the change
    token_revoke(token=token, reason="lost laptop")
    credentials.remember(stale)  # a request that read the token before the revocation
    assert credentials.cached_token(token.prefix) is None
    assert client.get(OUTLETS).status_code == 401


def test_the_last_use_is_still_written_once_a_minute(reader_token, monkeypatch):
    token, client = reader_token
    token.refresh_from_db()
    first_use = token.last_used_at
    later = first_use + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get(OUTLETS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == later
    # The cached token still says first_use; the write is not repeated within the minute.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(OUTLETS).status_code == 200
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"]]


def test_the_cache_is_off_by_default_without_a_shared_cache(monkeypatch):
    from tests.access.test_settings import load_settings

    assert load_settings(monkeypatch)["TRACKER_AUTH_CACHE_SECONDS"] == 0
    shared = load_settings(monkeypatch, CACHE_URL="redis://127.0.0.1:6379/0")
    assert shared["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert shared["TRACKER_AUTH_CACHE_SECONDS"] == 300
