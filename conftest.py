"""Project-wide test set-up: browser availability (skip locally with a notice, fail under CI)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str | None:
    configured = os.environ.get("CONGSO_CHROMIUM")
    if configured:
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header(config: pytest.Config) -> list[str]:
    path = chromium_path()
    if path:
        return [f"browser tests: Chromium at {path}"]
    if is_ci():
        return ["browser tests: Chromium MISSING (CI=true: browser tests will fail)"]
    return ["NOTICE: Chromium not found: browser tests are SKIPPED (install Debian's chromium)"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_path() or is_ci():
        return
    skip = pytest.mark.skip(reason="Chromium not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not chromium_path() and not is_ci():
        terminalreporter.write_line(
            "NOTICE: browser tests were skipped because Chromium is not installed.", yellow=True
        )


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server):  # type: ignore[no-untyped-def]
    """A Playwright page in Debian's headless Chromium, against pytest-django's live server."""
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is required under CI=true (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=BROWSER_ARGS)
        context = browser.new_context(locale="vi-VN", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Rate-limit counters and cached answers kept by one test must not reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar():  # type: ignore[no-untyped-def]
    """Calendar decisions made by one test must not leak into another through the cache."""
    from congso.workdays.calendar import calendar_cache_clear

    calendar_cache_clear()
    yield
    calendar_cache_clear()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _reference_rows(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table when they end, including the reference rows the
    data migrations loaded (document types, urgency and secrecy levels): put them back first.
    Preferred to `serialized_rollback`, which clashes on PostgreSQL with re-created content
    types. The loader is idempotent."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    migration = importlib.import_module("congso.catalogues.migrations.0003_reference_entries")
    migration.load(apps, None)
