"""Settings read from the environment, and the deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_deploy_check_warns_without_a_secret_key_in_the_environment():
    result = run_manage("check", "--deploy", DEBUG="0", ALLOWED_HOSTS="tracker.example.org")
    assert "tracker.W001" in result.stdout + result.stderr
