"""Helpers the tests share that are not fixtures: screenshots, missing services, Celery settings,
migrating the test database.

With REQUIRE_SERVICES=1 (as CI sets it) a test that needs PostgreSQL, Redis
or a browser fails instead of skipping when the service is not there.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.apps.registry import Apps
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from calendarapp.celery import app as celery_app

T = TypeVar("T")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")

# Screenshots of every page a browser test visits, for people to look at.
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


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
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
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
