"""Browser tests: Debian's Chromium, headless, driven by Playwright against a live server.

They skip when Playwright or Chromium is missing, except under CI (``CI=true``), where a
missing browser fails the run: CI must never pass without having run them.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: runs in a real headless Chromium (Playwright); needs /usr/bin/chromium"
    )


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture
def page(live_server):
    """A fresh headless Chromium page for one test. The browser runs only during the test
    (it is closed before the database is flushed), and so does the permission for
    synchronous ORM calls that Playwright's sync API needs: its event loop runs in this
    thread, and Django would otherwise refuse the test's own ORM calls."""
    reason = missing_browser()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The browser tests must run in CI, but {reason}.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.dialogs = []
            # A script that ran would open a dialog (alert): record it instead of waiting.
            page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
            yield page
            browser.close()
            # The ORM calls made while Playwright ran have their own connections (Django's
            # are per context); close them, or PostgreSQL cannot drop the test database.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
