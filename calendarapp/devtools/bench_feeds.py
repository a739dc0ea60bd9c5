"""`make bench` figures for the "all customers" feed, registered in `calendarapp.bench`.

Cold: no cached body, as after any edit; the process's holiday cache and the
rows rendered by earlier builds are warm, as in a running server. First: the
same with no remembered rows either (a fresh process). Warm: unchanged data,
the body comes from the cache. Peak: memory allocated while building the body
cold, measured with tracemalloc.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from calendarapp.devtools.bench import BenchData, figure, timed
from calendarapp.feeds import feeds, views
from calendarapp.models import FeedToken

COLD_RUNS = 3


def _all_customers_request() -> Callable[[], HttpResponse]:
    user, _ = get_user_model().objects.get_or_create(
        username="feed-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    token = FeedToken.regenerate(user)
    request = RequestFactory().get(f"/feeds/{token}/all-customers.ics")

    def fetch() -> HttpResponse:
        response = views.feed(request, token=token, slug="all-customers")
        assert response.status_code == 200, response.content[:200]
        return response

    return fetch


def _median_of_cold_fetches(*, forget_rows: bool) -> float:
    fetch = _all_customers_request()
    fetch()  # warm the process (holidays, URL resolver), not the body cache
    samples = []
    for _ in range(COLD_RUNS):
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


@figure("feed_all_peak_mb", unit="MB")
def feed_all_peak(data: BenchData) -> float:
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
