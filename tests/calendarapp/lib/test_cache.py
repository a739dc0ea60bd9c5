"""The cache as an optional speed-up: one short timeout per outage, logged once a minute."""

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from calendarapp.lib import cache as guarded
from calendarapp.lib import outages


class BrokenCache:
    """A cache whose every call fails as an unreachable Redis does; counts the attempts."""

    def __init__(self):
        self.calls = 0

    def get(self, key):
        self.calls += 1
        raise RedisConnectionError("Timeout connecting to server")

    set = get


@pytest.fixture
def broken(monkeypatch):
    cache = BrokenCache()
    monkeypatch.setattr(guarded, "cache", cache)
    return cache


def test_an_unreachable_cache_reads_as_a_miss_and_writes_are_dropped(broken):
    assert guarded.cache_get("feed:1") is None
    guarded.cache_set("feed:1", b"body", 60)


def test_after_a_failure_the_cache_is_skipped_instead_of_paying_the_timeout_again(broken):
    for _ in range(50):
        guarded.cache_get("feed:1")
        guarded.cache_set("feed:1", b"body", 60)
    assert broken.calls == 1


def test_the_cache_is_tried_again_after_the_retry_pause(broken, settings, monkeypatch):
    settings.CACHE_RETRY_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(outages.time, "monotonic", lambda: clock[0])
    guarded.cache_get("feed:1")
    clock[0] += 29
    guarded.cache_get("feed:1")
    assert broken.calls == 1
    clock[0] += 2
    guarded.cache_get("feed:1")
    assert broken.calls == 2


def test_an_outage_is_logged_at_most_once_a_minute(broken, settings, monkeypatch, caplog):
    settings.CACHE_RETRY_SECONDS = 1
    clock = [1000.0]
    monkeypatch.setattr(outages.time, "monotonic", lambda: clock[0])
    caplog.set_level(logging.WARNING, logger="calendarapp.lib.cache")
    for _ in range(30):  # a failure every two seconds for a minute
        guarded.cache_get("feed:1")
        clock[0] += 2
    assert broken.calls == 30
    assert len(caplog.records) == 1
    clock[0] += 1
    guarded.cache_get("feed:1")
    assert len(caplog.records) == 2
