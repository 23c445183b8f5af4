"""Shared fixtures: users per role, service markers, the browser.

Markers ``postgres`` and ``redis`` skip a test when the service is not configured;
with ``CI=true`` a missing service fails the run instead (nothing may be skipped).
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_runtest_setup(item):
    missing = None
    if item.get_closest_marker("postgres") and not ON_POSTGRES:
        missing = "PostgreSQL (set DATABASE_URL)"
    elif item.get_closest_marker("redis") and not HAS_REDIS:
        missing = "Redis (set REDIS_URL)"
    elif item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        missing = f"Chromium at {CHROMIUM}"
    if missing is None:
        return
    if CI:
        pytest.fail(f"CI=true: this test needs {missing}, which is missing")
    pytest.skip(f"needs {missing}")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Per-process cache: xdist workers must not share cached settings or snapshots.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    from django.core.cache import cache

    from telephony_admin.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    from telephony_admin.workcal import calendar

    cache.clear()
    calendar.invalidate()
    yield
    calendar.invalidate()


# --- People -----------------------------------------------------------------------


@pytest.fixture
def company(db):
    """A small company: two departments with heads, staff and one user per role."""
    from telephony_admin.org.tests.factories import make_company

    return make_company()


# --- Browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    """``login(username)`` logs the page in with the test password."""

    def do_login(username: str, password: str = "pass-1234-word"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return do_login
