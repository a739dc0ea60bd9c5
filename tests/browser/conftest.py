"""A Chromium page against the live test server with the demo data, and screenshot helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop; Django must allow its ORM calls in this thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=open(os.devnull, "w"))


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
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
        yield chromium
        chromium.close()
        # While Playwright's loop runs, Django keeps the ORM connections this test opened
        # apart from pytest-django's; close them, or PostgreSQL cannot drop the test database.
        connections.close_all()


class Session:
    """A logged-in page that records script errors and requests leaving the app."""

    def __init__(self, browser, live_server, viewport):
        self.base = live_server.url
        self.page = browser.new_page(viewport=viewport)
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(self.base) or request.url.startswith("data:")
                else self.problems.append(f"request outside the app: {request.url}")
            ),
        )

    def login(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(f"{self.base}/")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def desktop(browser, live_server, demo):
    session = Session(browser, live_server, DESKTOP)
    yield session
    assert session.problems == []


@pytest.fixture
def phone(browser, live_server, demo):
    session = Session(browser, live_server, PHONE)
    yield session
    assert session.problems == []
