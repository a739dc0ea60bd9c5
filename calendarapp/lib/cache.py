"""The shared cache as an optional speed-up: an outage costs one short timeout, then a pause.

The cache (Redis in production) only saves work, so a cache that is down or
hung must not slow every request down by its timeout. After a failure the
cache is skipped for `CACHE_RETRY_SECONDS`, and the outage is logged at most
once a minute, not once per request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache that cannot be reached raises: Redis' own errors, and the socket's.
CACHE_ERRORS = (RedisError, OSError)
LOG_EVERY_SECONDS = 60.0


class _Outage:
    """When the cache failed last, and when an outage was last logged (per process)."""

    skip_until = 0.0
    logged_at = float("-inf")


def _available() -> bool:
    return time.monotonic() >= _Outage.skip_until


def _failed(action: str, error: Exception) -> None:
    now = time.monotonic()
    _Outage.skip_until = now + settings.CACHE_RETRY_SECONDS
    if now - _Outage.logged_at >= LOG_EVERY_SECONDS:
        _Outage.logged_at = now
        logger.warning(
            "Cache unreachable on %s (%s); working without it for %s s at a time",
            action,
            error,
            settings.CACHE_RETRY_SECONDS,
        )


def cache_get(key: str) -> Any:
    """The cached value, or None when it is missing or the cache is unreachable."""
    if not _available():
        return None
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        _failed("get", error)
        return None


def cache_set(key: str, value: Any, timeout: int) -> None:
    """Keep a value if the cache is reachable; otherwise carry on without it."""
    if not _available():
        return
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as error:
        _failed("set", error)


def cache_has_all(keys: list[str]) -> bool:
    """Whether every key is cached; False when the cache is unreachable."""
    if not _available():
        return False
    try:
        return all(cache.has_key(key) for key in keys)
    except CACHE_ERRORS as error:
        _failed("has_key", error)
        return False


def cache_delete(key: str) -> None:
    if not _available():
        return
    try:
        cache.delete(key)
    except CACHE_ERRORS as error:
        _failed("delete", error)


def reset_outage() -> None:
    """Forget a recorded outage (for tests, and after the cache is known to be back)."""
    _Outage.skip_until = 0.0
    _Outage.logged_at = float("-inf")
