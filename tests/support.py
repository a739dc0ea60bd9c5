"""Helpers the tests share that are not fixtures: where screenshots go, and missing services.

With REQUIRE_SERVICES=1 (as CI sets it) a test that needs PostgreSQL, Redis
or a browser fails instead of skipping when the service is not there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")

# Screenshots of every page a browser test visits, for people to look at.
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def skip_or_fail(reason: str) -> None:
    """Skip for a missing service, or fail when CI requires every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES is set, but {reason}", pytrace=False)
    pytest.skip(reason)
