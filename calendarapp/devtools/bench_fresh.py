"""`make bench` figures of the first call after an edit, and of a fresh process's feed memory.

At 20,000 customers, after warming, one edit at a time: a customer's budget
month, a touch logged, a Danish local tradition changed; after each, in the
same process and with whatever its caches kept, the first call is timed.
The median is over two rounds of the three edits (six calls). The feed's
peak memory is the resident high-water mark (VmHWM) of a fresh process that
builds the "all customers" feed once with the default cache settings.
"""

from __future__ import annotations

import datetime
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection
from django.utils import timezone

from calendarapp.devtools import bench, bench_feeds
from calendarapp.devtools.bench import LARGE, BenchData, figure
from customers.facts import customer_facts_save
from customers.models import Customer
from customers.services import touchpoint_log
from traditions.models import Tradition
from traditions.services import tradition_save

ROUNDS = 2
BENCH_TRADITION = "Bench season"


def _edits(data: BenchData) -> Iterator[Callable[[], object]]:
    """The three edits, again and again, each changing something (the tradition made first)."""
    customer = Customer.objects.get(pk=data.customer_ids[len(data.customer_ids) // 2])
    toucher = Customer.objects.get(pk=data.customer_ids[len(data.customer_ids) // 3])
    tradition = Tradition.objects.filter(customer=None, country="DK", title=BENCH_TRADITION).first()

    def budget_month() -> object:
        month = customer.budget_close_month % 12 + 1
        return customer_facts_save(customer=customer, by=None, budget_close_month=month)

    def touch() -> object:
        return touchpoint_log(customer=toucher, date=timezone.localdate(), channel="phone")

    def danish_tradition() -> object:
        nonlocal tradition
        start = datetime.date(bench.YEAR, 9, 1) + datetime.timedelta(
            days=1 if tradition is None else (tradition.start.day % 20) + 1
        )
        tradition = tradition_save(
            tradition=tradition,
            customer=None,
            country="DK",
            kind="busy_season",
            title=BENCH_TRADITION,
            start=start,
            end=start + datetime.timedelta(days=2),
        )
        return tradition

    danish_tradition()
    return itertools.cycle((budget_month, touch, danish_tradition))


def _after_edits(data: BenchData, call: Callable[[], object]) -> float:
    """Warm `call`, then time its first run after each edit; the median in milliseconds."""
    edits = _edits(data)
    call()
    call()
    samples = []
    for edit in itertools.islice(edits, 3 * ROUNDS):
        edit()
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


@figure("check_plan_20k_after_edit_ms", size=LARGE)
def check_plan_20k_after_edit(data: BenchData) -> float:
    return _after_edits(data, bench._all_countries_check())


@figure("planner_panel_20k_after_edit_ms", size=LARGE)
def planner_panel_20k_after_edit(data: BenchData) -> float:
    return _after_edits(data, bench._planner_panel())


@figure("timeline_page_20k_after_edit_ms", size=LARGE)
def timeline_page_20k_after_edit(data: BenchData) -> float:
    return _after_edits(data, bench._timeline_year_page())


@figure("feed_all_20k_after_edit_ms", size=LARGE)
def feed_all_20k_after_edit(data: BenchData) -> float:
    return _after_edits(data, bench_feeds._all_customers_request())


# Run in a fresh interpreter: the app loaded, one cold build of the feed read through.
FRESH_FEED = """
import django
django.setup()
from calendarapp.devtools import bench_feeds, bench_fresh
bench_feeds._all_customers_request()()
print(bench_fresh.peak_rss_kb())
"""


def peak_rss_kb() -> int:
    """This process's resident high-water mark (VmHWM), in kB."""
    with open("/proc/self/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmHWM")))


@figure("feed_all_20k_peak_rss_mb", unit="MB", size=LARGE)
def feed_all_20k_peak_rss(data: BenchData) -> float:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "calendarapp.settings"),
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    # Data another process cannot see (an in-memory database, or rows not yet committed, as in
    # a test's transaction) is measured in this process instead.
    if connection.in_atomic_block or "memory" in str(connection.settings_dict["NAME"]):
        bench_feeds._all_customers_request()()
        return round(peak_rss_kb() / 1024, 1)
    samples = []
    for _ in range(ROUNDS + 1):
        finished = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", FRESH_FEED],
            env=environment,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(int(finished.stdout.split()[-1]) / 1024)
    return round(statistics.median(samples), 1)
