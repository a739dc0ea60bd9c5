"""A dependency that failed lately is skipped for a while, and its outage logged once a minute.

A cache or database that accepts connections and never answers would cost
every request its whole timeout; a refused one would log a traceback per
request. After a failure the dependency is left alone for its retry setting,
and the outage is logged at most once a minute (per process).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60.0


class Outage:
    """When one dependency failed last, and when its outage was last logged."""

    def __init__(self, name: str, retry_setting: str, meanwhile: str) -> None:
        self.name = name
        self.retry_setting = retry_setting
        self.meanwhile = meanwhile  # what the site does until it tries again
        self.skip_until = 0.0
        self.logged_at = float("-inf")

    def available(self) -> bool:
        return time.monotonic() >= self.skip_until

    def failed(self, action: str, error: BaseException) -> None:
        now = time.monotonic()
        retry_seconds = getattr(settings, self.retry_setting)
        self.skip_until = now + retry_seconds
        if now - self.logged_at >= LOG_EVERY_SECONDS:
            self.logged_at = now
            logger.warning(
                "%s unreachable on %s (%s); %s for %s s at a time",
                self.name,
                action,
                error,
                self.meanwhile,
                retry_seconds,
            )

    def reset(self) -> None:
        """Forget the outage (for tests, and once the dependency is known to be back)."""
        self.skip_until = 0.0
        self.logged_at = float("-inf")
