"""API tokens: only a digest stored, several per user, refused when expired or revoked, all
revoked when the user's password, activity or role changes; the ``api_token`` command."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from access.models import ApiToken
from access.roles import EDITORS, FACT_CHECKERS, READERS
from access.services import token_expiry, token_issue, token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def issue(capsys, *args):
    """Run ``api_token issue``; the key is the last line of what it prints."""
    call_command("api_token", "issue", *args)
    captured = capsys.readouterr()
    return captured.out.strip().splitlines()[-1], captured


def api(key: str, address: str = "192.0.2.10") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def status(key: str, address: str = "192.0.2.10") -> int:
    return api(key, address).get("/api/outlets/").status_code


@pytest.fixture
def rhea(db):
    return UserFactory(username="rhea", roles=[READERS])


def new_token(user, name="script", **kwargs):
    kwargs.setdefault("expires_at", token_expiry())
    return token_issue(user=user, name=name, **kwargs)


# --- Authentication ---------------------------------------------------------------------


def test_issued_token_authenticates_with_the_users_role(rhea, capsys):
    key, _ = issue(capsys, "rhea")
    client = APIClient()
    assert client.get("/api/outlets/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/outlets/").status_code == 200
    assert client.post("/api/outlets/", {"name": "Invented Post"}).status_code == 403


def test_the_stored_row_holds_no_key(rhea):
    token, key = new_token(rhea)
    _prefix, secret = key.removeprefix("trk_").split("_")
    assert key.startswith(f"trk_{token.prefix}_")
    assert len(secret) >= 43
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    for row in [
        *ApiToken.objects.values(),
        *ApiToken.history.values(),
    ]:
        for value in row.values():
            assert secret not in str(value)
            assert key not in str(value)
    assert "digest" not in {f.name for f in ApiToken.history.model._meta.fields}


def test_a_row_of_the_token_table_is_not_a_key(rhea):
    token, key = new_token(rhea)
    for sent in [
        token.prefix,
        token.shown_prefix,
        token.digest,
        f"trk_{token.prefix}_{token.digest}",
        f"trk_{token.prefix}_{token.digest[:43]}",
        key[:-1] + ("A" if key[-1] != "A" else "B"),
    ]:
        response = api(sent).get("/api/outlets/")
        assert response.status_code == 401, sent
        assert response.json() == {"detail": "Invalid token."}
    assert status(key) == 200


def test_several_tokens_per_user_work_and_are_revoked_one_by_one(rhea):
    first, first_key = new_token(rhea, "laptop")
    _second, second_key = new_token(rhea, "server")
    assert status(first_key) == status(second_key) == 200
    assert token_revoke(token=first)
    assert status(first_key) == 401
    assert status(second_key) == 200
    assert not token_revoke(token=first)  # once is enough


def test_a_name_is_unique_among_the_users_unrevoked_tokens(rhea):
    first, _ = new_token(rhea, "laptop")
    with pytest.raises(ValidationError, match="already has a token of that name"):
        new_token(rhea, "laptop")
    new_token(UserFactory(roles=[READERS]), "laptop")  # another user's name is theirs
    token_revoke(token=first)
    new_token(rhea, "laptop")  # free again once revoked


def test_an_expired_tokens_name_goes_to_a_new_token(rhea):
    old, _ = new_token(rhea, "laptop")
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    new_token(rhea, "laptop")
    old.refresh_from_db()
    assert old.revoked_reason == "expired; its name went to a new token"


def test_expired_and_revoked_tokens_get_a_401_that_says_so(rhea):
    expired, expired_key = new_token(rhea, "old")
    revoked, revoked_key = new_token(rhea, "lost")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    token_revoke(token=revoked)

    response = api(expired_key).get("/api/outlets/")
    assert response.status_code == 401
    assert "This token expired on" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
    response = api(revoked_key).get("/api/outlets/")
    assert response.status_code == 401
    assert "This token was revoked on" in response.json()["detail"]


def test_a_token_issued_without_expiry_works_after_years(rhea):
    token, key = new_token(rhea, expires_at=None)
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=3650))
    assert status(key) == 200


def test_no_token_for_an_inactive_user_or_one_without_a_role():
    inactive = UserFactory(roles=[READERS], is_active=False)
    roleless = UserFactory()
    with pytest.raises(ValidationError, match="is inactive"):
        new_token(inactive)
    with pytest.raises(ValidationError, match="has no role"):
        new_token(roleless)
    new_token(UserFactory(is_superuser=True))  # a superuser counts as an editor


def test_the_last_use_is_written_at_most_once_a_minute(rhea, settings):
    # Read from the database at each request (test_credentials_cache.py has the cached case).
    settings.TRACKER_AUTH_CACHE_SECONDS = 0
    token, key = new_token(rhea)
    client = api(key, "198.51.100.4")
    assert client.get("/api/outlets/").status_code == 200
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert token.last_used_from == "198.51.100.4"

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/outlets/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use
    assert not [
        q for q in queries.captured_queries if "access_" in q["sql"] and "UPDATE" in q["sql"]
    ]

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    assert client.get("/api/outlets/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_a_request_with_a_used_token_authenticates_in_one_query(rhea, settings):
    settings.TRACKER_AUTH_CACHE_SECONDS = 0  # cached, none (test_credentials_cache.py)
    _token, key = new_token(rhea)
    client = api(key)
    client.get("/api/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/").status_code == 200
    token_queries = [q["sql"] for q in queries.captured_queries if "access_apitoken" in q["sql"]]
    assert len(token_queries) == 1
    assert "INNER JOIN" in token_queries[0]  # the user comes with it


def test_a_key_moved_from_the_old_authtoken_table_works():
    user = UserFactory(roles=[READERS])
    old_key = "0123456789abcdef0123456789abcdef01234567"
    ApiToken.objects.create(
        user=user,
        name="migrated token",
        prefix="legacy01",
        digest=hashlib.sha256(old_key.encode()).hexdigest(),
        expires_at=token_expiry(),
    )
    assert status(old_key) == 200
    assert status(old_key.upper()) == 401
    assert status(old_key[:-1] + "8") == 401


# --- Revoked with the account -------------------------------------------------------------


def revoked_reasons(user) -> set[str]:
    return set(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True))


def test_a_password_change_revokes_every_token_of_the_user(rhea):
    _a, first = new_token(rhea, "a")
    _b, second = new_token(rhea, "b")
    other = UserFactory(roles=[READERS])
    _c, others = new_token(other, "c")
    rhea.set_password("a new and longer passphrase")
    rhea.save()
    assert status(first) == status(second) == 401
    assert status(others) == 200
    assert revoked_reasons(rhea) == {"the user's password changed"}


def test_the_admins_password_form_revokes_the_tokens(client, superuser):
    user = UserFactory(username="rhea", roles=[READERS])
    _token, key = new_token(user)
    client.force_login(superuser)
    password = "a new and longer passphrase"
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()
    assert status(key) == 401


def test_rehashing_the_same_password_at_login_revokes_nothing(rhea, settings):
    _token, key = new_token(rhea)
    rhea.set_password("the same passphrase")
    rhea.save()  # revokes the first token
    _token, key = new_token(rhea, "after")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert rhea.check_password("the same passphrase")  # re-hashed and saved
    rhea.refresh_from_db()
    assert rhea.password.startswith("pbkdf2_sha256$")
    assert status(key) == 200


def test_an_unusable_password_revokes_the_tokens(rhea):
    _token, key = new_token(rhea)
    rhea.set_unusable_password()
    rhea.save()
    assert status(key) == 401
    assert revoked_reasons(rhea) == {"the user's password was made unusable"}


def test_deactivating_the_user_revokes_the_tokens(rhea):
    _token, key = new_token(rhea)
    rhea.is_active = False
    rhea.save(update_fields=["is_active"])
    rhea.is_active = True
    rhea.save()
    assert status(key) == 401
    assert revoked_reasons(rhea) == {"the user was deactivated"}


def test_saving_the_user_otherwise_revokes_nothing(rhea):
    _token, key = new_token(rhea)
    rhea.first_name = "Rhea"
    rhea.save()
    rhea.last_login = timezone.now()
    rhea.save(update_fields=["last_login"])
    assert status(key) == 200


@pytest.mark.parametrize(
    "take_away",
    [
        lambda user: user.groups.remove(Group.objects.get(name=READERS)),
        lambda user: user.groups.clear(),
        lambda user: Group.objects.get(name=READERS).user_set.remove(user),
        lambda user: Group.objects.get(name=READERS).user_set.clear(),
        lambda user: user.groups.set([]),
        lambda user: Group.objects.get(name=READERS).delete(),
    ],
    ids=["remove", "clear", "group-remove", "group-clear", "set", "group-deleted"],
)
def test_losing_the_last_role_revokes_the_tokens(rhea, take_away):
    _token, key = new_token(rhea)
    take_away(rhea)
    assert status(key) == 401
    assert revoked_reasons(rhea) == {"the user lost their last role"}


def test_losing_one_of_two_roles_keeps_the_tokens():
    user = UserFactory(roles=[READERS, FACT_CHECKERS])
    _token, key = new_token(user)
    user.groups.remove(Group.objects.get(name=FACT_CHECKERS))
    assert status(key) == 200


def test_the_role_command_taking_the_last_role_revokes_the_tokens(rhea):
    _token, key = new_token(rhea)
    call_command("role", "remove", "rhea", "reader")
    assert status(key) == 401


def test_a_superuser_losing_the_flag_keeps_the_tokens_only_with_a_role():
    root = UserFactory(is_superuser=True, is_staff=True)
    chief = UserFactory(is_superuser=True, is_staff=True, roles=[EDITORS])
    _t, root_key = new_token(root)
    _t, chief_key = new_token(chief)
    for user in (root, chief):
        user.is_superuser = False
        user.save()
    assert status(root_key) == 401
    assert status(chief_key) == 200


# --- The command --------------------------------------------------------------------------


def test_issue_prints_the_key_alone_on_the_last_line(rhea, capsys):
    key, captured = issue(capsys, "rhea", "--name", "nightly export")
    assert captured.out == key + "\n"
    token = ApiToken.objects.get()
    assert key.startswith(f"{token.shown_prefix}_")
    assert token.name == "nightly export"
    assert "nightly export" in captured.err
    assert token.shown_prefix in captured.err
    assert key not in captured.err
    # The default expiry: TRACKER_TOKEN_DAYS.
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_issue_names_tokens_by_date_when_no_name_is_given(rhea, capsys):
    issue(capsys, "rhea")
    issue(capsys, "rhea")
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == [
        f"issued on {today}",
        f"issued on {today} (2)",
    ]


@pytest.mark.parametrize(
    ("expires", "check"),
    [
        ("30", lambda t: timedelta(days=29) < t.expires_at - timezone.now() <= timedelta(days=30)),
        ("never", lambda t: t.expires_at is None),
        ("NEVER", lambda t: t.expires_at is None),
        (
            "2999-01-31",
            lambda t: (
                timezone.localtime(t.expires_at).date().isoformat() == "2999-01-31"
                and timezone.localtime(t.expires_at).hour == 0
            ),
        ),
    ],
)
def test_issue_takes_days_a_date_or_never(rhea, capsys, expires, check):
    issue(capsys, "rhea", "--expires", expires)
    assert check(ApiToken.objects.get())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["issue", "nobody"], "No user named 'nobody'"),
        (["issue", "sleeper"], "The user 'sleeper' is inactive"),
        (["issue", "loner"], "The user 'loner' has no role"),
        (["issue", "rhea", "--expires", "2024-02-30"], "give a number of days, a date as"),
        (["issue", "rhea", "--expires", "soon"], "give a number of days, a date as"),
        (["issue", "rhea", "--expires", "2001-01-01"], "the date must be after today"),
        (["issue", "rhea", "--expires", "0"], "give between 1 and 3650 days"),
        (["issue", "rhea", "--expires", "-3"], "give a number of days"),
        (["list", "nobody"], "No user named 'nobody'"),
        (["revoke", "zzzzzzzz"], "No token with the prefix 'zzzzzzzz'"),
        (["revoke"], "Give the prefix of the token to revoke"),
        (["revoke", "--user", "rhea"], "Add --all to revoke every token of 'rhea'"),
        (["revoke", "--user", "nobody", "--all"], "No user named 'nobody'"),
        (["revoke", "abc", "--user", "rhea", "--all"], "not both"),
    ],
)
def test_bad_input_is_refused_with_a_message(rhea, args, message):
    UserFactory(username="sleeper", roles=[READERS], is_active=False)
    UserFactory(username="loner")
    with pytest.raises(CommandError, match=message):
        call_command("api_token", *args)
    assert not ApiToken.objects.exists()


def test_bad_input_exits_non_zero(rhea, capsys):
    utility = ManagementUtility(["manage.py", "api_token", "issue", "nobody"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0
    assert "No user named 'nobody'" in capsys.readouterr().err


def test_issuing_a_taken_name_is_refused(rhea, capsys):
    issue(capsys, "rhea", "--name", "laptop")
    with pytest.raises(CommandError, match="already has a token of that name"):
        call_command("api_token", "issue", "rhea", "--name", "laptop")


def test_list_shows_tokens_and_their_state_never_keys(rhea, capsys):
    other = UserFactory(username="olaf", roles=[EDITORS])
    live, live_key = new_token(rhea, "laptop")
    gone, gone_key = new_token(rhea, "old laptop")
    token_revoke(token=gone)
    _t, other_key = new_token(other, "server")
    api(live_key).get("/api/outlets/")

    call_command("api_token", "list")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == [
        "prefix",
        "name",
        "user",
        "created",
        "expires",
        "last",
        "used",
        "state",
    ]
    assert len(lines) == 4
    laptop = next(line for line in lines if live.shown_prefix in line)
    assert "laptop" in laptop
    assert "rhea" in laptop
    assert laptop.endswith("active")
    assert "never" not in laptop  # it was used, and it expires
    assert next(line for line in lines if gone.shown_prefix in line).endswith("revoked")
    for key in (live_key, gone_key, other_key):
        assert key not in out
        assert key.rsplit("_", 1)[1] not in out
    for token in ApiToken.objects.all():
        assert token.digest not in out

    call_command("api_token", "list", "olaf")
    out = capsys.readouterr().out
    assert "server" in out
    assert "laptop" not in out


def test_list_without_tokens(capsys):
    call_command("api_token", "list")
    assert capsys.readouterr().out == "No tokens.\n"


@pytest.mark.parametrize("form", ["prefix", "shown", "key"])
def test_revoke_by_prefix(rhea, capsys, form):
    token, key = new_token(rhea)
    _other, other_key = new_token(rhea, "other")
    given = {"prefix": token.prefix, "shown": token.shown_prefix, "key": key}[form]
    call_command("api_token", "revoke", given, "--reason", "laptop stolen")
    assert f"Revoked {token.shown_prefix} 'script' of 'rhea'." in capsys.readouterr().out
    token.refresh_from_db()
    assert token.revoked_reason == "laptop stolen"
    assert status(key) == 401
    assert status(other_key) == 200

    call_command("api_token", "revoke", token.prefix)
    assert "was already revoked" in capsys.readouterr().err


def test_revoke_every_token_of_a_user(rhea, capsys):
    keys = [new_token(rhea, name)[1] for name in ("a", "b", "c")]
    _t, other_key = new_token(UserFactory(roles=[READERS]), "a")
    call_command("api_token", "revoke", "--user", "rhea", "--all")
    assert "Revoked 3 token(s) of 'rhea'." in capsys.readouterr().out
    assert [status(key) for key in keys] == [401, 401, 401]
    assert status(other_key) == 200
    assert revoked_reasons(rhea) == {"revoked by a command"}
    call_command("api_token", "revoke", "--user", "rhea", "--all")
    assert "has no unrevoked token" in capsys.readouterr().err
