"""A Chromium page against the live test server with the demo data, and screenshot helpers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support import ARTIFACTS

DESKTOP = {"width": 1400, "height": 900}
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


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

    def login(self, username: str, password: str, next_page: str | None = "/") -> None:
        """Log in and go on to `next_page` (the timeline); None lands where the role lands."""
        self.page.goto(f"{self.base}/accounts/login/" + (f"?next={next_page}" if next_page else ""))
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture
def desktop(chromium, live_server, demo):
    session = Session(chromium, live_server, DESKTOP)
    yield session
    assert session.problems == []


@pytest.fixture
def laptop(chromium, live_server, demo):
    session = Session(chromium, live_server, LAPTOP)
    yield session
    assert session.problems == []


@pytest.fixture
def phone(chromium, live_server, demo):
    session = Session(chromium, live_server, PHONE)
    yield session
    assert session.problems == []
