"""The admin of API tokens (issue with the key shown once, list, revoke) and of the
authentication events (read only)."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import urlencode
from rest_framework.test import APIClient

from access.models import ApiToken, AuthEvent
from access.roles import READERS
from access.services import auth_event_record, token_expiry, token_issue, token_revoke
from tests.factories import UserFactory
from tests.sources.test_admin import admin_url, messages_of

pytestmark = pytest.mark.django_db

KEY = re.compile(r"trk_[a-z0-9]{8}_[A-Za-z0-9]{43}")


@pytest.fixture
def rhea(db):
    return UserFactory(username="rhea", roles=[READERS])


def works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/outlets/").status_code == 200


def add(client, user, **fields):
    data = {"user": user.pk, "name": "nightly export", "expires_on": "", "no_expiry": ""}
    data.update(fields)
    return client.post(admin_url(ApiToken, "add"), data)


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_an_editor_issues_a_token_and_sees_its_key_once(editor_client, editor, rhea):
    form = editor_client.get(admin_url(ApiToken, "add"))
    assert form.status_code == 200
    assert in_days(90) in form.content.decode()  # the proposed expiry

    response = add(editor_client, rhea, expires_on=in_days(30))
    assert response.status_code == 200
    page = response.content.decode()
    keys = set(KEY.findall(page))
    assert len(keys) == 1
    (key,) = keys
    assert "shown this once" in page
    assert "no-store" in response["Cache-Control"]
    assert not messages_of(response)  # the key is in no message cookie

    token = ApiToken.objects.get()
    assert token.user == rhea
    assert token.name == "nightly export"
    assert token.created_by == editor
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert timezone.localtime(token.expires_at).date().isoformat() == in_days(30)
    assert works(key)

    # Never again: not on the list, the token's page, nor its history.
    for url in (
        admin_url(ApiToken),
        admin_url(ApiToken, "change", token.pk),
        admin_url(ApiToken, "history", token.pk),
    ):
        shown = editor_client.get(url)
        assert shown.status_code == 200, url
        text = shown.content.decode()
        assert key not in text
        assert key.rsplit("_", 1)[1] not in text
        assert token.digest not in text
        assert token.shown_prefix in text


def test_a_token_without_expiry_is_issued_only_when_ticked(editor_client, rhea):
    response = add(editor_client, rhea)
    assert response.status_code == 200
    assert "Give the date it expires, or tick Never expires." in response.content.decode()
    assert not ApiToken.objects.exists()

    response = add(editor_client, rhea, no_expiry="on", expires_on=in_days(5))
    assert KEY.search(response.content.decode())
    assert ApiToken.objects.get().expires_at is None


@pytest.mark.parametrize("day", [0, -3])
def test_an_expiry_today_or_before_is_refused(editor_client, rhea, day):
    response = add(editor_client, rhea, expires_on=in_days(day))
    assert "The date must be after today." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_name_the_user_already_uses_is_refused_on_the_field(editor_client, rhea):
    token_issue(user=rhea, name="nightly export", expires_at=token_expiry())
    response = add(editor_client, rhea, expires_on=in_days(3))
    assert response.status_code == 200
    assert "This user already has a token of that name." in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_only_active_users_with_a_role_can_be_chosen(editor_client, rhea):
    UserFactory(username="loner")
    UserFactory(username="sleeper", roles=[READERS], is_active=False)
    page = editor_client.get(admin_url(ApiToken, "add")).content.decode()
    assert ">rhea<" in page
    assert ">loner<" not in page
    assert ">sleeper<" not in page
    loner = UserFactory(username="loner")
    response = add(editor_client, loner, expires_on=in_days(3))
    assert "Select a valid choice" in response.content.decode()


def test_the_list_shows_prefix_name_user_expiry_use_and_state(editor_client, rhea):
    live, key = token_issue(user=rhea, name="laptop", expires_at=token_expiry())
    gone, _ = token_issue(user=rhea, name="old laptop", expires_at=token_expiry())
    token_revoke(token=gone, reason="lost")
    stale, _ = token_issue(user=rhea, name="server", expires_at=token_expiry())
    ApiToken.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(days=1))
    works(key)

    page = editor_client.get(admin_url(ApiToken)).content.decode()
    for text in ("trk_" + live.prefix, "laptop", "rhea", "revoked: lost", "expired", "active"):
        assert text in page
    assert "127.0.0.1" in page  # last used from

    def listed(query: str) -> set[str]:
        page = editor_client.get(admin_url(ApiToken) + query).content.decode()
        return {t.name for t in ApiToken.objects.all() if t.shown_prefix in page}

    assert listed("?state=active") == {"laptop"}
    assert listed("?state=expired") == {"server"}
    assert listed("?state=revoked") == {"old laptop"}
    assert listed(f"?q=trk_{live.prefix}") == {"laptop"}
    assert listed("?q=rhea") == {"laptop", "old laptop", "server"}


def test_the_revoke_action_revokes_the_selected_tokens(editor_client, editor, rhea):
    first, first_key = token_issue(user=rhea, name="a", expires_at=token_expiry())
    _second, second_key = token_issue(user=rhea, name="b", expires_at=token_expiry())
    response = editor_client.post(
        admin_url(ApiToken),
        {"action": "revoke_selected", "_selected_action": [str(first.pk)]},
        follow=True,
    )
    assert ("success", "Revoked 1 token(s).") in messages_of(response)
    first.refresh_from_db()
    assert first.revoked_reason == "revoked by editor"
    assert not works(first_key)
    assert works(second_key)
    assert first.history.first().history_user == editor


def test_a_tokens_page_changes_nothing(editor_client, rhea):
    token, key = token_issue(user=rhea, name="a", expires_at=token_expiry())
    url = admin_url(ApiToken, "change", token.pk)
    page = editor_client.get(url).content.decode()
    assert 'name="_save"' not in page
    editor_client.post(url, {"name": "renamed", "user": UserFactory(roles=[READERS]).pk})
    token.refresh_from_db()
    assert token.name == "a"
    assert token.user == rhea
    assert works(key)


def test_editors_may_not_delete_tokens_superusers_may(editor_client, client, superuser, rhea):
    token, _ = token_issue(user=rhea, name="a", expires_at=token_expiry())
    assert editor_client.get(admin_url(ApiToken, "delete", token.pk)).status_code == 403
    client.force_login(superuser)
    assert client.get(admin_url(ApiToken, "delete", token.pk)).status_code == 200


@pytest.mark.parametrize("client_fixture", ["reader_client", "factchecker_client"])
def test_readers_and_fact_checkers_see_no_tokens_nor_events(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    for url in (admin_url(ApiToken), admin_url(ApiToken, "add"), admin_url(AuthEvent)):
        assert client.get(url).status_code in (302, 403)


# --- Authentication events --------------------------------------------------------------


def test_editors_read_the_events_and_cannot_change_them(editor_client, rhea):
    auth_event_record(
        kind=AuthEvent.Kind.LOGIN_FAILED, username="rhea", address="203.0.113.9", detail="x"
    )
    event = AuthEvent.objects.get(kind=AuthEvent.Kind.LOGIN_FAILED)
    page = editor_client.get(admin_url(AuthEvent)).content.decode()
    assert "203.0.113.9" in page
    assert "login failed" in page
    assert editor_client.get(admin_url(AuthEvent, "change", event.pk)).status_code == 200
    assert editor_client.get(admin_url(AuthEvent, "add")).status_code == 403
    assert editor_client.get(admin_url(AuthEvent, "delete", event.pk)).status_code == 403
    editor_client.post(admin_url(AuthEvent, "change", event.pk), {"username": "changed"})
    event.refresh_from_db()
    assert event.username == "rhea"


def test_events_are_filtered_by_kind_and_date_and_searched(editor_client):
    auth_event_record(kind=AuthEvent.Kind.LOGIN_FAILED, username="mallory", address="203.0.113.9")
    auth_event_record(kind=AuthEvent.Kind.LOGOUT, username="trent", address="198.51.100.7")
    old = auth_event_record(kind=AuthEvent.Kind.LOGIN, username="peggy")
    AuthEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))

    def listed(query: str) -> set[str]:
        response = editor_client.get(admin_url(AuthEvent) + query)
        assert response.status_code == 200
        return {e.username for e in response.context["cl"].result_list}

    assert listed("?kind__exact=login_failed") == {"mallory"}
    assert listed("?q=198.51.100") == {"trent"}
    assert listed("?q=mallory") == {"mallory"}
    week = urlencode({"at__gte": (timezone.now() - timedelta(days=7)).isoformat()})
    assert "peggy" not in listed("?" + week)
    assert "peggy" in listed("")


def test_superusers_may_delete_events(client, superuser):
    event = auth_event_record(kind=AuthEvent.Kind.LOGIN, username="peggy")
    client.force_login(superuser)
    response = client.post(admin_url(AuthEvent, "delete", event.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not AuthEvent.objects.filter(pk=event.pk).exists()
