"""Settings read from the environment, and the deploy checks."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker.settings import env_bool, env_float, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    dropped = {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_asked_for():
    from django.conf import settings

    assert os.environ.get("DEBUG") or settings.DEBUG is False


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "sqlite3"), ({"DATABASE_URL": "postgres://u@db.invalid:5432/x"}, "postgresql")],
)
def test_database_url_switches_engine(env, expected):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(expected)


def test_deploy_check_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a" * 20 + "-long-random-production-key-for-the-test-" + "b" * 20,
        ALLOWED_HOSTS="tracker.example.org",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_passes_with_the_readmes_production_variables():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"### Production.*?```sh\n(.*?)```", readme, re.S).group(1)
    variables = {}
    for line in block.splitlines():
        name, _, value = line.split("#")[0].strip().partition("=")
        variables[name] = value
    assert set(variables) >= {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"}
    # The placeholders filled as the comments say; the database is the test's own.
    variables["SECRET_KEY"] = "k" * 20 + "-a-generated-production-key-" + "z" * 20
    variables.pop("DATABASE_URL")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **variables)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_warns_without_a_secret_key_in_the_environment():
    result = run_manage("check", "--deploy", DEBUG="0", ALLOWED_HOSTS="tracker.example.org")
    assert "tracker.W001" in result.stdout + result.stderr


# --- The readers: each variable's documented forms, and a refusal naming it otherwise ----

ENV_EXAMPLE = ROOT / ".env.example"


def documented_variables() -> dict[str, str]:
    """Each variable in .env.example with its example value."""
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            found[match[1]] = match[2]
    return found


def load_settings(monkeypatch, **env) -> dict:
    """Run tracker/settings.py afresh with only ``env`` set of the documented variables;
    its module-level names (the live settings are not touched)."""
    for name in documented_variables():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "tracker" / "settings.py"))


@pytest.mark.parametrize(
    "value", ["1", "true", "TRUE", "True", "yes", "YES", "on", "On", " yes ", "\ton\n"]
)
def test_env_bool_true_forms(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", False) is True


@pytest.mark.parametrize("value", ["0", "false", "FALSE", "no", "No", "off", "OFF", " 0 "])
def test_env_bool_false_forms(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", True) is False


@pytest.mark.parametrize("default", [True, False])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_env_bool_unset_or_empty_is_the_default(monkeypatch, value, default):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    if value is not None:
        monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", default) is default


@pytest.mark.parametrize("value", ["ture", "2", "y", "n", "enabled", "truee", "-1", "1.0"])
def test_env_bool_refuses_other_words(monkeypatch, value):
    monkeypatch.setenv("DEBUG", value)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_bool("DEBUG", False)
    assert str(excinfo.value) == (
        f"DEBUG must be one of 1/0, true/false, yes/no, on/off, got {value!r}"
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("42", 42), (" 7 ", 7), ("0", 0), ("-3", -3), ("1_000", 1000)]
)
def test_env_int_reads_whole_numbers(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_COUNT", value)
    assert env_int("SOME_COUNT", 5) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_env_int_unset_or_empty_is_the_default(monkeypatch, value):
    monkeypatch.delenv("SOME_COUNT", raising=False)
    if value is not None:
        monkeypatch.setenv("SOME_COUNT", value)
    assert env_int("SOME_COUNT", 5) == 5


@pytest.mark.parametrize("value", ["lots", "4.5", "1e3", "10MB", "0x10", "yes"])
def test_env_int_refuses_what_is_not_a_whole_number(monkeypatch, value):
    monkeypatch.setenv("TRACKER_MAX_BODY_CHARS", value)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_int("TRACKER_MAX_BODY_CHARS", 1_000_000)
    assert str(excinfo.value) == f"TRACKER_MAX_BODY_CHARS must be a whole number, got {value!r}"


@pytest.mark.parametrize(
    ("value", "bounds", "message"),
    [
        ("0", {"minimum": 1}, "at least 1"),
        ("-1", {"minimum": 0}, "at least 0"),
        ("11", {"maximum": 10}, "at most 10"),
        ("11", {"minimum": 1, "maximum": 10}, "between 1 and 10"),
        ("0", {"minimum": 1, "maximum": 10}, "between 1 and 10"),
    ],
)
def test_env_int_refuses_a_number_out_of_bounds(monkeypatch, value, bounds, message):
    monkeypatch.setenv("SOME_COUNT", value)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_int("SOME_COUNT", 5, **bounds)
    assert str(excinfo.value) == f"SOME_COUNT must be {message}, got {value!r}"


@pytest.mark.parametrize("value", ["1", "10", " 5 "])
def test_env_int_bounds_include_their_ends(monkeypatch, value):
    monkeypatch.setenv("SOME_COUNT", value)
    assert env_int("SOME_COUNT", 5, minimum=1, maximum=10) == int(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("90", 90.0), ("87.5", 87.5), (" 60 ", 60.0), ("0", 0.0), ("100", 100.0), ("1e1", 10.0)],
)
def test_env_float_reads_numbers_within_bounds(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_THRESHOLD", value)
    number = env_float("SOME_THRESHOLD", 50, minimum=0, maximum=100)
    assert number == expected
    assert isinstance(number, float)


@pytest.mark.parametrize("value", [None, "", " "])
def test_env_float_unset_or_empty_is_the_default(monkeypatch, value):
    monkeypatch.delenv("SOME_THRESHOLD", raising=False)
    if value is not None:
        monkeypatch.setenv("SOME_THRESHOLD", value)
    number = env_float("SOME_THRESHOLD", 90, minimum=0, maximum=100)
    assert number == 90.0
    assert isinstance(number, float)


@pytest.mark.parametrize("value", ["high", "90%", "nan", "inf", "-inf", "9 0"])
def test_env_float_refuses_what_is_not_a_number(monkeypatch, value):
    monkeypatch.setenv("TRACKER_DRIFT_MIN_SIMILARITY", value)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_float("TRACKER_DRIFT_MIN_SIMILARITY", 60, minimum=0, maximum=100)
    assert str(excinfo.value) == f"TRACKER_DRIFT_MIN_SIMILARITY must be a number, got {value!r}"


@pytest.mark.parametrize("value", ["150", "100.5", "-1", "-0.1"])
def test_env_float_refuses_a_threshold_out_of_range(monkeypatch, value):
    monkeypatch.setenv("TRACKER_DRIFT_MIN_SIMILARITY", value)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_float("TRACKER_DRIFT_MIN_SIMILARITY", 60, minimum=0, maximum=100)
    assert str(excinfo.value) == (
        f"TRACKER_DRIFT_MIN_SIMILARITY must be between 0 and 100, got {value!r}"
    )


def test_env_str_takes_the_value_as_it_is(monkeypatch):
    monkeypatch.delenv("SOME_TEXT", raising=False)
    assert env_str("SOME_TEXT", "fallback") == "fallback"
    assert env_str("SOME_TEXT") == ""
    monkeypatch.setenv("SOME_TEXT", " kept as typed ")
    assert env_str("SOME_TEXT", "fallback") == " kept as typed "
    monkeypatch.setenv("SOME_TEXT", "")
    assert env_str("SOME_TEXT", "fallback") == ""


def test_env_str_choices_are_case_insensitive_and_spelled_as_listed(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", " warning ")
    assert env_str("LOG_LEVEL", "INFO", choices=("INFO", "WARNING")) == "WARNING"
    monkeypatch.delenv("LOG_LEVEL")
    assert env_str("LOG_LEVEL", "INFO", choices=("INFO", "WARNING")) == "INFO"
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_str("LOG_LEVEL", "INFO", choices=("INFO", "WARNING"))
    assert str(excinfo.value) == "LOG_LEVEL must be one of INFO, WARNING, got 'verbose'"


@pytest.mark.parametrize("value", ["", "   "])
def test_env_str_required_refuses_a_blank_value(monkeypatch, value):
    monkeypatch.setenv("TRACKER_PUBLISHER_NAME", value)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_str("TRACKER_PUBLISHER_NAME", "Claim tracker", required=True, expected="a name")
    assert str(excinfo.value) == "TRACKER_PUBLISHER_NAME must be a name, got ''"


def test_env_str_check(monkeypatch):
    def is_even(text):
        return text.isdigit() and int(text) % 2 == 0

    monkeypatch.setenv("SOME_TEXT", " 12 ")
    assert env_str("SOME_TEXT", "2", check=is_even, expected="even") == "12"
    monkeypatch.setenv("SOME_TEXT", "13")
    with pytest.raises(ImproperlyConfigured, match=r"^SOME_TEXT must be even, got '13'$"):
        env_str("SOME_TEXT", "2", check=is_even, expected="even")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.delenv("SOME_LIST", raising=False)
    assert env_list("SOME_LIST", "a,b") == ["a", "b"]
    assert env_list("SOME_LIST") == []
    monkeypatch.setenv("SOME_LIST", " a.org , b.org,, ")
    assert env_list("SOME_LIST", "x") == ["a.org", "b.org"]
    monkeypatch.setenv("SOME_LIST", "")
    assert env_list("SOME_LIST", "x") == []


def test_env_list_checks_each_item(monkeypatch):
    monkeypatch.setenv("SOME_LIST", "https://a.org, b.org")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_list("SOME_LIST", check=lambda item: "://" in item, expected="origins")
    assert str(excinfo.value) == "SOME_LIST must be origins, got 'b.org'"


# --- The settings module: every variable goes through a reader ---------------------------


def test_env_example_lists_every_variable_the_settings_read():
    source = (ROOT / "tracker" / "settings.py").read_text()
    pattern = r"env_(?:str|bool|int|float|list|rate)\(\s*\"([A-Z][A-Z0-9_]*)\""
    read = set(re.findall(pattern, source))
    # database_config reads DATABASE_URL (through dj_database_url's parser).
    assert set(documented_variables()) == read | {"DATABASE_URL"}
    # Nothing reads the environment except through the readers and database_config.
    assert source.count("os.environ") == 3


def test_defaults_with_nothing_set(monkeypatch):
    loaded = load_settings(monkeypatch)
    expected = {
        "DEBUG": False,
        "SECRET_KEY_FROM_ENV": False,
        "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
        "CSRF_TRUSTED_ORIGINS": [],
        "TIME_ZONE": "UTC",
        "STATIC_ROOT": ROOT / "staticfiles",
        "STATIC_MANIFEST": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 8 * 1024 * 1024,
        "TRACKER_MAX_BODY_CHARS": 1_000_000,
        "TRACKER_REANCHOR_FUZZY_THRESHOLD": 90.0,
        "TRACKER_MISATTRIBUTION_MIN_SIMILARITY": 90.0,
        "TRACKER_DRIFT_MIN_SIMILARITY": 60.0,
        "TRACKER_MIN_QUOTE_WORDS": 4,
        "TRACKER_QUOTE_CANDIDATES": 300,
        "TRACKER_RECHECK_WORKERS": 0,
        "TRACKER_RECOMPUTE_SHARDS": 16,
        "TRACKER_CROSSCHECK_ON_SAVE": True,
        "TRACKER_TASKS_IN_BACKGROUND": True,
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_DEFAULT_QUEUE": "tracker",
        "TRACKER_TASK_MAX_RETRIES": 5,
        "TRACKER_TASK_RESEND_AFTER": 300,
        "TRACKER_CLAIM_LINK_AUTO": 0.875,
        "TRACKER_CLAIM_LINK_SUGGEST": 0.7,
        "TRACKER_CLAIM_LINK_MIN_WORDS": 8,
        "TRACKER_THROTTLE_RATES": {
            "anon": "60/min",
            "user": "20000/hour",
            "burst": "600/min",
            "expensive": "30/min",
        },
        "TRACKER_PUBLISHER_NAME": "Claim tracker",
        "TRACKER_PUBLIC_READING": False,
        "TRACKER_IMPORT_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
        "TRACKER_TOKEN_DAYS": 90,
    }
    assert {name: loaded[name] for name in expected} == expected
    assert loaded["LOGGING"]["root"]["level"] == "INFO"
    assert "SECURE_PROXY_SSL_HEADER" not in loaded
    assert loaded["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    # The float thresholds are floats, as float() made them before.
    assert isinstance(loaded["TRACKER_DRIFT_MIN_SIMILARITY"], float)


def test_debug_turns_the_secure_cookies_off(monkeypatch):
    loaded = load_settings(monkeypatch, DEBUG="on")
    assert loaded["DEBUG"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is False
    assert loaded["CSRF_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", " Yes ", True),
        ("TRACKER_CROSSCHECK_ON_SAVE", "off", False),
        ("TRACKER_MAX_BODY_CHARS", "5000", 5000),
        ("TRACKER_QUOTE_CANDIDATES", "1", 1),
        ("TRACKER_RECHECK_WORKERS", "0", 0),
        ("TRACKER_RECOMPUTE_SHARDS", "64", 64),
        ("TRACKER_DRIFT_MIN_SIMILARITY", "72.5", 72.5),
        ("TRACKER_REANCHOR_FUZZY_THRESHOLD", "100", 100.0),
        ("TRACKER_MISATTRIBUTION_MIN_SIMILARITY", "0", 0.0),
        ("SECURE_HSTS_SECONDS", "31536000", 31536000),
        ("TIME_ZONE", "Europe/Berlin", "Europe/Berlin"),
        ("CSRF_TRUSTED_ORIGINS", "https://a.org, http://b.org", ["https://a.org", "http://b.org"]),
        ("TRACKER_PUBLISHER_NAME", "Fact Desk", "Fact Desk"),
        ("STATIC_ROOT", "/srv/static", Path("/srv/static")),
    ],
)
def test_valid_values_are_read(monkeypatch, name, value, expected):
    assert load_settings(monkeypatch, **{name: value})[name] == expected


def test_rate_limits_are_read_and_off_turns_one_off(monkeypatch):
    loaded = load_settings(monkeypatch, TRACKER_THROTTLE_BURST="off", TRACKER_THROTTLE_ANON="5/s")
    assert loaded["TRACKER_THROTTLE_RATES"]["burst"] == ""
    assert loaded["TRACKER_THROTTLE_RATES"]["anon"] == "5/s"


@pytest.mark.parametrize("value", ["warning", "WARNING", "Debug"])
def test_log_level_takes_a_level_name_in_any_case(monkeypatch, value):
    loaded = load_settings(monkeypatch, LOG_LEVEL=value)
    assert loaded["LOGGING"]["root"]["level"] == value.upper()


def test_x_forwarded_proto(monkeypatch):
    assert "SECURE_PROXY_SSL_HEADER" not in load_settings(monkeypatch, USE_X_FORWARDED_PROTO="0")
    loaded = load_settings(monkeypatch, USE_X_FORWARDED_PROTO="true")
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


BAD_VALUES = [
    ("DEBUG", "ture", "one of 1/0, true/false, yes/no, on/off"),
    ("SESSION_COOKIE_SECURE", "maybe", "one of 1/0, true/false, yes/no, on/off"),
    ("CSRF_COOKIE_SECURE", "2", "one of 1/0, true/false, yes/no, on/off"),
    ("SECURE_SSL_REDIRECT", "always", "one of 1/0, true/false, yes/no, on/off"),
    ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "enabled", "one of 1/0, true/false, yes/no, on/off"),
    ("SECURE_HSTS_PRELOAD", "t", "one of 1/0, true/false, yes/no, on/off"),
    ("USE_X_FORWARDED_PROTO", "https", "one of 1/0, true/false, yes/no, on/off"),
    ("STATIC_MANIFEST", "y", "one of 1/0, true/false, yes/no, on/off"),
    ("TRACKER_CROSSCHECK_ON_SAVE", "never", "one of 1/0, true/false, yes/no, on/off"),
    ("TRACKER_PUBLIC_READING", "public", "one of 1/0, true/false, yes/no, on/off"),
    ("TRACKER_TASKS_IN_BACKGROUND", "later", "one of 1/0, true/false, yes/no, on/off"),
    ("TRACKER_CLAIM_LINK_AUTO", "1.5", "between 0 and 1"),
    ("TRACKER_CLAIM_LINK_SUGGEST", "0.9",
     "a number no higher than TRACKER_CLAIM_LINK_AUTO (0.875)"),
    ("TRACKER_CLAIM_LINK_SUGGEST", "high", "a number"),
    ("TRACKER_CLAIM_LINK_MIN_WORDS", "0", "at least 1"),
    ("TRACKER_LOGIN_FAILURE_LIMIT", "0", "at least 1"),
    ("TRACKER_LOGIN_LOCKOUT_MINUTES", "soon", "a whole number"),
    ("TRACKER_TOKEN_FAILURE_LIMIT", "-1", "at least 0"),
    ("TRACKER_TOKEN_DAYS", "0", "between 1 and 3650"),
    ("TRACKER_THROTTLE_ANON", "60", "a rate such as 60/min (per s, min, hour or day) or off"),
    ("TRACKER_THROTTLE_USER", "0/hour", "a rate such as 60/min (per s, min, hour or day) or off"),
    ("TRACKER_THROTTLE_BURST", "lots", "a rate such as 60/min (per s, min, hour or day) or off"),
    ("TRACKER_THROTTLE_EXPENSIVE", "5/week",
     "a rate such as 60/min (per s, min, hour or day) or off"),
    ("CONN_MAX_AGE", "forever", "a whole number"),
    ("CONN_MAX_AGE", "-1", "at least 0"),
    ("CACHE_URL", "memcached://127.0.0.1:11211", "a Redis URL such as redis://127.0.0.1:6379/0"),
    ("TRACKER_AUTH_CACHE_SECONDS", "-1", "between 0 and 86400"),
    ("TRACKER_AUTH_CACHE_SECONDS", "forever", "a whole number"),
    ("SECURE_HSTS_SECONDS", "1y", "a whole number"),
    ("SECURE_HSTS_SECONDS", "-5", "at least 0"),
    ("DATA_UPLOAD_MAX_MEMORY_SIZE", "8MB", "a whole number"),
    ("DATA_UPLOAD_MAX_MEMORY_SIZE", "0", "at least 1"),
    ("TRACKER_MAX_BODY_CHARS", "lots", "a whole number"),
    ("TRACKER_MAX_BODY_CHARS", "0", "at least 1"),
    ("TRACKER_REANCHOR_FUZZY_THRESHOLD", "150", "between 0 and 100"),
    ("TRACKER_REANCHOR_FUZZY_THRESHOLD", "ninety", "a number"),
    ("TRACKER_MISATTRIBUTION_MIN_SIMILARITY", "-1", "between 0 and 100"),
    ("TRACKER_MISATTRIBUTION_MIN_SIMILARITY", "nan", "a number"),
    ("TRACKER_DRIFT_MIN_SIMILARITY", "150", "between 0 and 100"),
    ("TRACKER_DRIFT_MIN_SIMILARITY", "60%", "a number"),
    ("TRACKER_MIN_QUOTE_WORDS", "0", "at least 1"),
    ("TRACKER_MIN_QUOTE_WORDS", "4.5", "a whole number"),
    ("TRACKER_QUOTE_CANDIDATES", "yes", "a whole number"),
    ("TRACKER_QUOTE_CANDIDATES", "0", "at least 1"),
    ("TRACKER_RECHECK_WORKERS", "all", "a whole number"),
    ("TRACKER_RECHECK_WORKERS", "-1", "at least 0"),
    ("TRACKER_RECOMPUTE_SHARDS", "0", "at least 1"),
    ("TRACKER_RECOMPUTE_SHARDS", "many", "a whole number"),
    ("TRACKER_IMPORT_MAX_UPLOAD_BYTES", "10MB", "a whole number"),
    ("TRACKER_IMPORT_MAX_UPLOAD_BYTES", "0", "at least 1"),
    ("TIME_ZONE", "Mars/Olympus", "a time zone name such as UTC or Europe/Berlin"),
    ("TIME_ZONE", "", "a time zone name such as UTC or Europe/Berlin"),
    ("LOG_LEVEL", "verbose", "one of CRITICAL, FATAL, ERROR, WARN, WARNING, INFO, DEBUG, NOTSET"),
    ("STATIC_ROOT", " ", "a folder path"),
    ("TRACKER_PUBLISHER_NAME", "", "a name"),
    ("CSRF_TRUSTED_ORIGINS", "tracker.example.org",
     "origins with a scheme, such as https://tracker.example.org"),
    ("CELERY_BROKER_URL", "127.0.0.1:6379",
     "a broker URL such as redis://127.0.0.1:6379/0 (or empty for no task queue)"),
    ("CELERY_BROKER_CONNECTION_TIMEOUT", "soon", "a number"),
    ("CELERY_BROKER_CONNECTION_TIMEOUT", "0", "between 0.1 and 60"),
    ("CELERY_VISIBILITY_TIMEOUT", "1h", "a whole number"),
    ("CELERY_VISIBILITY_TIMEOUT", "5", "at least 10"),
    ("TRACKER_TASK_MAX_RETRIES", "many", "a whole number"),
    ("TRACKER_TASK_MAX_RETRIES", "101", "between 0 and 100"),
    ("TRACKER_TASK_RETRY_BACKOFF", "0", "at least 1"),
    ("TRACKER_TASK_RETRY_BACKOFF_MAX", "2.5", "a whole number"),
    ("TRACKER_TASK_RESEND_AFTER", "-1", "at least 0"),
    ("TRACKER_TASK_SWEEP_SECONDS", "0", "at least 1"),
    ("TRACKER_TASK_KEEP_DAYS", "a week", "a whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value", "expected"), BAD_VALUES)
def test_a_bad_value_is_refused_naming_the_variable(monkeypatch, name, value, expected):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        load_settings(monkeypatch, **{name: value})
    assert str(excinfo.value) == f"{name} must be {expected}, got {value.strip()!r}"


def test_every_variable_with_a_form_has_a_bad_value_tested():
    free_text = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_TASK_DEFAULT_QUEUE"}
    assert {name for name, _, _ in BAD_VALUES} == set(documented_variables()) - free_text


def test_the_example_values_are_accepted(monkeypatch):
    # Empty ones are left out: an empty DATABASE_URL is handled by dj_database_url.
    example = {name: value for name, value in documented_variables().items() if value}
    loaded = load_settings(monkeypatch, **example)
    defaults = load_settings(monkeypatch)
    for name in example:
        if name in defaults and name not in {"STATIC_ROOT"}:
            assert loaded[name] == defaults[name], name


# --- Start-up stops on a bad value -------------------------------------------------------


def run_setup(**env):
    full_env = {k: v for k, v in os.environ.items() if k not in documented_variables()}
    full_env.update(DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_works_with_good_values():
    result = run_setup(DEBUG="yes", TRACKER_DRIFT_MIN_SIMILARITY="75", TRACKER_MAX_BODY_CHARS="10")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "ture", "DEBUG must be one of 1/0, true/false, yes/no, on/off, got 'ture'"),
        ("TRACKER_MAX_BODY_CHARS", "lots", "TRACKER_MAX_BODY_CHARS must be a whole number"),
        ("TRACKER_DRIFT_MIN_SIMILARITY", "150", "must be between 0 and 100, got '150'"),
    ],
)
def test_a_bad_value_stops_start_up(name, value, message):
    result = run_setup(**{name: value})
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert name in result.stderr


def test_a_bad_value_stops_manage_py():
    result = run_manage("check", TRACKER_QUOTE_CANDIDATES="yes")
    assert result.returncode != 0
    assert "TRACKER_QUOTE_CANDIDATES must be a whole number, got 'yes'" in result.stderr


def test_an_empty_database_url_means_sqlite():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in documented_variables()},
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": "",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


@pytest.mark.parametrize("url", ["nosuchdb://x/y", "postgres"])
def test_a_database_url_that_names_no_database_stops_start_up(url):
    result = run_setup(DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL must be a database URL such as postgres://" in result.stderr
