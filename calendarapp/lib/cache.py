"""The shared cache as an optional speed-up: an outage costs one short timeout, then a pause.

The cache (Redis in production) only saves work, so a cache that is down or
hung must not slow every request down by its timeout. After a failure the
cache is skipped for `CACHE_RETRY_SECONDS`, and the outage is logged at most
once a minute, not once per request.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

from calendarapp.lib.outages import Outage

# What a cache that cannot be reached raises: Redis' own errors, and the socket's.
CACHE_ERRORS = (RedisError, OSError)
CACHE = Outage("Cache", "CACHE_RETRY_SECONDS", "working without it")


def cache_get(key: str) -> Any:
    """The cached value, or None when it is missing or the cache is unreachable."""
    if not CACHE.available():
        return None
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        CACHE.failed("get", error)
        return None


def cache_set(key: str, value: Any, timeout: int) -> None:
    """Keep a value if the cache is reachable; otherwise carry on without it."""
    if not CACHE.available():
        return
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as error:
        CACHE.failed("set", error)


def cache_has_all(keys: list[str]) -> bool:
    """Whether every key is cached; False when the cache is unreachable."""
    if not CACHE.available():
        return False
    try:
        return all(cache.has_key(key) for key in keys)
    except CACHE_ERRORS as error:
        CACHE.failed("has_key", error)
        return False


def cache_delete(key: str) -> None:
    if not CACHE.available():
        return
    try:
        cache.delete(key)
    except CACHE_ERRORS as error:
        CACHE.failed("delete", error)


def reset_outage() -> None:
    """Forget a recorded outage (for tests, and after the cache is known to be back)."""
    CACHE.reset()
