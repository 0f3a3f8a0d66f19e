import os
from pathlib import Path

import pytest

from minka.testing import world_create

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # The manifest storage needs `collectstatic`; tests render templates straight from the source folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The world makes a dozen users; the production hasher's deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Two organizations with users in every role; see minka/testing.py."""
    return world_create()


@pytest.fixture
def login(client):
    """Logs the test client in as the given user and returns the client."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; no browser is ever downloaded."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by tests are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page at phone width (360 px), Spanish, against the live test server."""
    context = browser.new_context(viewport={"width": 360, "height": 760}, locale="es-PE", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` prove what only PostgreSQL does (row locks under load, its own SQL). On SQLite they
    are left out rather than skipped: the PostgreSQL run proves them, and a skip in CI is a failure."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    left = [item for item in items if item.get_closest_marker("postgresql")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test (no Chromium, no PostgreSQL) is a failure: what is not run is not proven."""
    if not os.environ.get("CI") or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = 1
