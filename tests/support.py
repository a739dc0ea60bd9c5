"""Helpers the tests share that are not fixtures: screenshots, missing services, Celery settings,
migrating the test database, the values a page's form posts, a page as every request shows it.

With REQUIRE_SERVICES=1 (as CI sets it) a test that needs PostgreSQL, Redis
or a browser fails instead of skipping when the service is not there.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.apps.registry import Apps
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from calendarapp.celery import app as celery_app
from calendarapp.occurrences import decision_checks
from calendarapp.occurrences.stream import RECENT_CALENDARS
from calendarapp.occurrences.version import sync_change_triggers
from calendarapp.relationships.remembered import REMEMBERED_PAGES
from calendarapp.timeline.layout import RECENT_DRAWINGS

T = TypeVar("T")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")

# Screenshots of every page a browser test visits, for people to look at.
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def process_memory_forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget every calendar, risk and page the process remembers, as a new process would."""
    RECENT_CALENDARS.clear()
    RECENT_DRAWINGS.clear()
    REMEMBERED_PAGES.clear()
    monkeypatch.setattr(decision_checks, "_KNOWN", None)


def skip_or_fail(reason: str) -> None:
    """Skip for a missing service, or fail when CI requires every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES is set, but {reason}", pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def celery_conf(**changes: object) -> Iterator[None]:
    """Change Celery settings for a block (its Settings object defeats monkeypatch)."""
    previous = {name: celery_app.conf[name] for name in changes}
    celery_app.conf.update(changes)
    try:
        yield
    finally:
        celery_app.conf.update(previous)


def migrate(targets: list[tuple[str, str]] | None = None) -> Apps:
    """Migrate the test database to `targets` (default: the latest); the models as they are there.

    For tests of data migrations, marked `django_db(transaction=True, serialized_rollback=True)`.
    """
    executor = MigrationExecutor(connection)
    latest = not targets
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    if latest:  # as `manage.py migrate` does after migrating (a post_migrate receiver)
        sync_change_triggers()
    return executor.loader.project_state(targets).apps


def needs_postgresql() -> None:
    """Concurrency tests need row locks and a second connection that waits: PostgreSQL's."""
    if connection.vendor != "postgresql":
        skip_or_fail("this concurrency test needs PostgreSQL; this run is on " + connection.vendor)


def at_once(*calls: Callable[[], T]) -> list[T]:
    """Run the calls in threads released together by a barrier (each thread its own database
    connection, as two web processes would); their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 (reported to the test below)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


class FormValues(HTMLParser):
    """What a browser posts for the page's form: each input, checked box, selected option and
    textarea by name (hidden ones included)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values.append((name, a.get("value") or ("on" if "checked" in a else "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self.values.append((name, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, text = self.values.pop()
            self.values.append((name, text + data.lstrip("\n")))


def shown_form(client: Any, path: str) -> dict[str, Any]:
    """The values the page at `path` would post as it was shown, hidden initial ones included:
    a name given once as its value, one given more often (checkboxes) as a list."""
    parser = FormValues()
    parser.feed(client.get(path).content.decode())
    values: dict[str, list[str]] = {}
    for name, value in parser.values:
        values.setdefault(name, []).append(value)
    return {name: given[0] if len(given) == 1 else given for name, given in values.items()}


def page_html(client: Any, path: str, data: dict[str, Any] | None = None) -> str:
    """A page's HTML less its form tokens, which are masked anew on every request."""
    response = client.get(path, data)
    assert response.status_code == 200, (path, response.status_code)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
