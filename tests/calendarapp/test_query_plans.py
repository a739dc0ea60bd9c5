"""On PostgreSQL, the timeline's and the feeds' queries use the indexes named for them.

The queries are the ones the pages really run, captured and then explained by
PostgreSQL itself. A test table is tiny, where a sequential scan is cheapest,
so the planner is told to avoid one: the question is whether an index *serves*
the query, which at 20,000 customers decides between an index range and a scan
of the whole table. (SQLite, for development, picks its own plans.)
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendarapp.occurrences import stream
from tests import factories
from tests.calendarapp.feeds import support as fs
from tests.support import skip_or_fail


def _plans(queries: list[dict]) -> list[str]:
    """Each captured SELECT's plan, as one text."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Statistics an earlier test left on the same database can make a bitmap scan and a sort
        # look cheapest on a tiny table: the question is which index serves the query.
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for query in queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + sql)
                found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


def _used(index: str, plans: list[str]) -> bool:
    return any(index in plan for plan in plans)


@pytest.fixture
def feed_data(clock, sales_manager, calendar_admin, settings) -> fs.FeedData:
    if connection.vendor != "postgresql":
        skip_or_fail("the query plans are PostgreSQL's; this run is on " + connection.vendor)
    settings.SITE_URL = fs.SITE_URL
    data = fs.build_feed_data(sales_manager, calendar_admin)
    factories.contract(data.acme, datetime.date(2027, 3, 31))
    return data


def _captured(client, path: str) -> list[dict]:
    stream.RECENT_CALENDARS.clear()  # build the calendar, as the first request after a change does
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return captured.captured_queries


@pytest.mark.parametrize(
    ("path", "indexes"),
    [
        # A page of active customers in name order, then their dated rows.
        (
            "/",
            [
                "customer_active_name_idx",
                "contract_customer_end_idx",
                "tradition_customer_kind_idx",
                "plan_dates_idx",
            ],
        ),
        ("/?country=DK", ["customer_country_idx"]),
    ],
)
def test_the_timeline_reads_through_its_indexes(sales_client, feed_data, path, indexes):
    plans = _plans(_captured(sales_client, path))
    assert [index for index in indexes if not _used(index, plans)] == [], "\n\n".join(plans)


@pytest.mark.parametrize(
    ("feed", "indexes"),
    [
        ("my-customers", ["customer_owner_active_idx", "contract_customer_end_idx"]),
        ("country", ["tradition_country_idx"]),
        # Every active customer: reading them all and sorting is the planner's fair choice,
        # so only the dated rows are asked of an index.
        ("all-customers", ["importedevent_dates_idx"]),
        ("plans-all", ["plan_dates_idx"]),
    ],
)
def test_the_feeds_read_through_their_indexes(client, feed_data, feed, indexes):
    plans = _plans(_captured(client, fs.feed_paths(feed_data)[feed]))
    assert [index for index in indexes if not _used(index, plans)] == [], "\n\n".join(plans)
