"""`make bench` figures for the "all customers" feed, registered in `calendarapp.bench`.

Cold: no cached body, as after any edit; the process's holiday cache and the
rows rendered by earlier builds are warm, as in a running server. First: the
same with no remembered rows either (a fresh process). Warm: unchanged data,
the body comes from the cache. Peak: memory allocated while building the body
cold, measured with tracemalloc. Every figure reads the whole streamed body,
as a client does, and asks for it gzipped, as every calendar client does.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import cast

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import RequestFactory

from calendarapp.devtools.bench import LARGE, LARGE_RUNS, BenchData, figure, timed
from calendarapp.feeds import feeds, views
from calendarapp.feeds.subscriptions import subscription_add
from calendarapp.models import FeedKind

COLD_RUNS = 3


def _all_customers_request() -> Callable[[], int]:
    user, _ = get_user_model().objects.get_or_create(
        username="feed-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    _, token = subscription_add(user=user, feed=FeedKind.ALL_CUSTOMERS)
    request = RequestFactory().get(
        f"/feeds/{token}/all-customers.ics", headers={"Accept-Encoding": "gzip"}
    )

    def fetch() -> int:
        response = views.feed(request, token=token, slug="all-customers")
        assert response.status_code == 200, response
        return _read(response)

    return fetch


def _read(response: HttpResponseBase) -> int:
    """Read the body part by part, as the server sends it; return its length."""
    if isinstance(response, StreamingHttpResponse):
        parts = cast(Iterator[bytes], response.streaming_content)  # a WSGI response
        return sum(len(part) for part in parts)
    assert isinstance(response, HttpResponse)
    return len(response.content)


def _median_of_cold_fetches(*, forget_rows: bool, runs: int = COLD_RUNS) -> float:
    fetch = _all_customers_request()
    fetch()  # warm the process (holidays, URL resolver), not the body cache
    samples = []
    for _ in range(runs):
        cache.clear()
        if forget_rows:
            feeds.forget_rendered_rows()
        started = time.perf_counter()
        fetch()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


@figure("feed_all_cold_ms")
def feed_all_cold(data: BenchData) -> float:
    return _median_of_cold_fetches(forget_rows=False)


@figure("feed_all_first_ms")
def feed_all_first(data: BenchData) -> float:
    return _median_of_cold_fetches(forget_rows=True)


@figure("feed_all_warm_ms")
def feed_all_warm(data: BenchData) -> float:
    return timed(_all_customers_request())


@figure("feed_all_20k_cold_ms", size=LARGE)
def feed_all_20k_cold(data: BenchData) -> float:
    return _median_of_cold_fetches(forget_rows=False, runs=LARGE_RUNS)


@figure("feed_all_20k_warm_ms", size=LARGE)
def feed_all_20k_warm(data: BenchData) -> float:
    return timed(_all_customers_request(), LARGE_RUNS)


@figure("feed_all_20k_peak_mb", unit="MB", size=LARGE)
def feed_all_20k_peak(data: BenchData) -> float:
    return _cold_peak()


@figure("feed_all_peak_mb", unit="MB")
def feed_all_peak(data: BenchData) -> float:
    return _cold_peak()


def _cold_peak() -> float:
    fetch = _all_customers_request()
    fetch()
    cache.clear()
    tracemalloc.start()
    try:
        fetch()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 1024 / 1024, 1)
