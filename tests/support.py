"""Helpers the tests share that are not fixtures: screenshots, missing services, Celery settings,
migrating the test database.

With REQUIRE_SERVICES=1 (as CI sets it) a test that needs PostgreSQL, Redis
or a browser fails instead of skipping when the service is not there.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from calendarapp.celery import app as celery_app
from calendarapp.occurrences.version import sync_change_triggers

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
    latest = not targets
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    if latest:  # as `manage.py migrate` does after migrating (a post_migrate receiver)
        sync_change_triggers()
    return executor.loader.project_state(targets).apps
