"""Shared fixtures: the three kinds of user, their clients, and browser pages.

With REQUIRE_SERVICES=1 (as CI sets it) the run refuses to start without PostgreSQL.
"""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import User
from hypothesis import settings

from calendarapp.health.database import DATABASE
from calendarapp.lib.cache import reset_outage
from calendarapp.roles import CALENDAR_ADMINS, SALES_MANAGERS
from tests import factories
from tests.calendar_servers import CaldavServer, Site
from tests.support import REQUIRE_SERVICES, celery_conf, process_memory_forget, skip_or_fail

# Tests assert behaviour, never wall-clock time: Hypothesis' default 200 ms deadline per example
# fails a correct test on a loaded machine (two xdist workers, CI's browser tests beside them).
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def outages_forgotten():
    """A test that breaks the cache or the database must not leave the next one skipping it."""
    reset_outage()
    DATABASE.reset()
    yield
    reset_outage()
    DATABASE.reset()


@pytest.fixture(autouse=True)
def process_memory_forgotten(monkeypatch):
    """Each test starts with nothing remembered by the process: the data a previous test's
    memory came from was rolled back, and its change-log ids are used again."""
    process_memory_forget(monkeypatch)


@pytest.fixture
def calendar_admin(db) -> User:
    return factories.user("alice", CALENDAR_ADMINS, is_staff=True, email="alice@example.com")


@pytest.fixture
def sales_manager(db) -> User:
    return factories.user("sam", SALES_MANAGERS, email="sam@example.com")


@pytest.fixture
def nobody(db) -> User:
    """A user who can log in but belongs to no group."""
    return factories.user("nora")


@pytest.fixture
def admin_client(client, calendar_admin):
    client.force_login(calendar_admin)
    return client


@pytest.fixture
def sales_client(client, sales_manager):
    client.force_login(sales_manager)
    return client


@pytest.fixture
def danes(db) -> list:
    """Two Danish customers, Aarhus A/S and Bornholm A/S, and Denmark's week-42 school holiday."""
    factories.danish_autumn_school_holiday()
    return [factories.customer("Aarhus A/S", "DK"), factories.customer("Bornholm A/S", "DK")]


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def chromium():
    """Debian's Chromium driven by Playwright, headless; skips (or fails in CI) without it."""
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"no Chromium at {CHROMIUM}")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow its ORM calls in this thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps the ORM connections a test opened
        # apart from pytest-django's; close them, or PostgreSQL cannot drop the test database.
        connections.close_all()


@pytest.fixture
def browser_page(chromium):
    """A page that records console errors, script errors and requests leaving the app.

    Anything not served by the app itself (a CDN) is a problem: the app must work offline.
    """
    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    page.problems = []
    page.foreign_requests = []
    page.on("console", lambda message: _record_console_error(page, message))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    page.close()


@pytest.fixture
def admin_page(browser_page, live_server, calendar_admin):
    """`browser_page` logged in as the calendar admin; it refuses requests leaving the app."""
    page = browser_page
    page.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: (page.foreign_requests.append(route.request.url), route.abort()),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", calendar_admin.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def _record_console_error(page, message) -> None:
    if message.type == "error":
        page.problems.append(message.text)


def pytest_sessionstart(session) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if REQUIRE_SERVICES and not database_url.startswith("postgres"):
        pytest.exit("REQUIRE_SERVICES is set, but DATABASE_URL is not a PostgreSQL URL", 3)


@pytest.fixture
def site(settings):
    """A web server on 127.0.0.1 serving .ics bodies (`put`), a hung URL (`hang`) and a huge body
    (`huge`); ICS_IMPORT_ALLOW_PRIVATE_HOSTS lets the app fetch from it."""
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    server = Site()
    yield server
    server.close()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """Radicale, a real CalDAV server, as its own process for the whole run (one per worker).

    Skips without it, or fails under REQUIRE_SERVICES=1.
    """
    try:
        import radicale as _  # noqa: F401
    except ImportError:
        skip_or_fail("the CalDAV server radicale is not installed (pip install -e '.[dev]')")
    server = CaldavServer(tmp_path_factory.mktemp("radicale"))
    if not server.wait_ready():
        server.stop()
        skip_or_fail(f"radicale did not start: {server.log.read_text()[-2000:]}")
    yield server
    server.stop()


@pytest.fixture
def caldav_server(radicale, settings):
    """The CalDAV server, reachable by the app (ICS_IMPORT_ALLOW_PRIVATE_HOSTS): `calendar(*events)`
    makes a calendar holding them and gives its URL; log in as `username`/`password`."""
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    return radicale


@pytest.fixture
def eager():
    """Run tasks in-process, as without REDIS_URL, even where CI sets one."""
    with celery_conf(task_always_eager=True):
        yield
