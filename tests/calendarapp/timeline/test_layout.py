"""The timeline: windows, week and month headers, bars, filters, grouping, paging, URL errors."""

from __future__ import annotations

import datetime
import gc

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.sources import traditions
from calendarapp.occurrences.stream import RECENT_CALENDARS
from calendarapp.occurrences.value import Occurrence
from calendarapp.planning.services import plan_save
from calendarapp.timeline import layout as timeline
from customers.models import Customer, Interest
from tests import factories
from tests.support import page_html
from traditions.services import tradition_save

D = datetime.date
TODAY = D(2026, 9, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False):
        yield


def bars_of(page, name):
    return [row for group in page.groups for row in group.rows if row.customer.name == name][0].bars


@pytest.mark.parametrize(
    ("range_name", "anchor", "window"),
    [
        ("quarter", D(2026, 8, 15), (D(2026, 7, 1), D(2026, 9, 30))),
        ("half", D(2026, 8, 15), (D(2026, 7, 1), D(2026, 12, 31))),
        ("half", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 6, 30))),
        ("year", D(2026, 8, 15), (D(2026, 1, 1), D(2026, 12, 31))),
        ("quarter", D(2024, 2, 29), (D(2024, 1, 1), D(2024, 3, 31))),
    ],
)
def test_window_is_the_calendar_period_around_the_anchor(range_name, anchor, window):
    assert timeline.window_for(range_name, anchor) == window


def test_previous_and_next_move_by_one_period():
    assert timeline.neighbours("quarter", D(2026, 1, 1), D(2026, 3, 31)) == (
        D(2025, 10, 1),
        D(2026, 4, 1),
    )
    assert timeline.neighbours("year", D(2026, 1, 1), D(2026, 12, 31)) == (
        D(2025, 1, 1),
        D(2027, 1, 1),
    )
    # A custom range keeps its length.
    assert timeline.neighbours("custom", D(2026, 3, 1), D(2026, 3, 10)) == (
        D(2026, 2, 19),
        D(2026, 3, 11),
    )


def test_year_2026_has_53_week_columns_under_12_month_names(danes):
    query = timeline.TimelineQuery("year", D(2026, 1, 1), D(2026, 12, 31))
    page = timeline.build_timeline(query, today=TODAY)
    assert [week.number for week in page.weeks][:2] == [1, 2]
    assert len(page.weeks) == 53  # 2026 is a long ISO year
    assert page.weeks[0].monday == D(2025, 12, 29)
    assert [month.label for month in page.months][:2] == ["January 2026", "February"]
    assert [month.short for month in page.months][:2] == ["Jan 2026", "Feb"]
    assert page.short_months
    assert len(page.months) == 12
    assert sum(month.weeks for month in page.months) == 53
    current = [week for week in page.weeks if week.is_current]
    assert [(week.number, week.monday) for week in current] == [(36, D(2026, 8, 31))]
    assert page.today_left is not None


def test_danish_customer_shows_week_42_as_vacation(danes):
    query = timeline.TimelineQuery("quarter", D(2026, 10, 1), D(2026, 12, 31))
    page = timeline.build_timeline(query, today=TODAY)
    vacations = [bar for bar in bars_of(page, "Aarhus A/S") if bar.style.value == "vacation"]
    assert len(vacations) == 1
    (holiday,) = vacations[0].occurrences
    assert (holiday.start, holiday.end) == (D(2026, 10, 12), D(2026, 10, 16))
    assert holiday.start.isocalendar().week == 42
    assert vacations[0].style.code == "V"
    assert "Autumn school holiday" in vacations[0].tip
    assert page.details[holiday.id]["when"].startswith("12–16 Oct 2026 (week 42")


def ref() -> CustomerRef:
    return CustomerRef(1, "Acme", "DK", "", None, 12)


def occurrence(kind, start, end=None, title="x") -> Occurrence:
    return Occurrence(f"{kind}-{start}", start, end or start, kind, title, traditions.NAME, 1)


def test_close_holidays_share_one_bar_in_a_year_but_not_in_a_quarter():
    easter = [
        occurrence("public_holiday", D(2026, 4, day), title=title)
        for day, title in [(2, "Maundy Thursday"), (3, "Good Friday"), (6, "Easter Monday")]
    ]
    year = timeline._Layout(D(2025, 12, 29), D(2027, 1, 3), timeline.WEEK_WIDTHS["year"])
    (bar,) = year.row(ref(), easter).bars
    assert [o.title for o in bar.occurrences] == ["Maundy Thursday", "Good Friday", "Easter Monday"]
    assert "Good Friday, 3 Apr 2026" in bar.tip

    quarter = timeline._Layout(D(2026, 3, 30), D(2026, 7, 5), timeline.WEEK_WIDTHS["quarter"])
    assert len(quarter.row(ref(), easter).bars) == 2  # Thursday and Friday touch; Monday apart


def test_overlapping_kinds_go_to_separate_lanes_and_positions_are_percent():
    layout = timeline._Layout(D(2026, 9, 28), D(2026, 10, 11), 72)  # two weeks, 14 days
    row = layout.row(
        ref(),
        [
            occurrence("busy_season", D(2026, 9, 28), D(2026, 10, 4)),
            occurrence("vacation", D(2026, 10, 1), D(2026, 10, 2)),
            occurrence("customer_event", D(2026, 10, 6)),
        ],
    )
    assert [(bar.style.value, bar.lane) for bar in row.bars] == [
        ("busy_season", 0),
        ("vacation", 1),
        ("customer_event", 0),
    ]
    assert row.lanes == 2
    assert row.bars[0].left == 0 and row.bars[0].width == 50
    assert row.bars[2].position == "left:57.143%;width:14.286%;--lane:0"


def test_bars_are_clipped_to_the_window():
    layout = timeline._Layout(D(2026, 1, 5), D(2026, 1, 18), 72)
    (bar,) = layout.row(ref(), [occurrence("busy_season", D(2025, 12, 15), D(2026, 1, 10))]).bars
    assert bar.left == 0
    assert bar.width == 42.857  # 6 of 14 days


@pytest.fixture
def spread(danes):
    sam = factories.user("sam")
    cloud = Interest.objects.create(name="cloud")
    german = factories.customer("Berlin GmbH", "DE", subdivision="BE", owner=sam)
    german.interests.add(cloud)
    factories.customer("Cologne AG", "DE", owner=sam)
    factories.customer("Oslo AS", "NO")
    return sam


def names(page):
    return [row.customer.name for group in page.groups for row in group.rows]


def test_filters_by_owner_country_interest_and_name(spread):
    base = dict(range="quarter", start=D(2026, 7, 1), end=D(2026, 9, 30))
    build = lambda **extra: timeline.build_timeline(  # noqa: E731
        timeline.TimelineQuery(**base, **extra), today=TODAY
    )
    assert names(build()) == ["Aarhus A/S", "Berlin GmbH", "Bornholm A/S", "Cologne AG", "Oslo AS"]
    assert names(build(owner_id=spread.pk)) == ["Berlin GmbH", "Cologne AG"]
    assert names(build(country="DK")) == ["Aarhus A/S", "Bornholm A/S"]
    cloud = Interest.objects.get(name="cloud")
    assert names(build(interest_id=cloud.pk)) == ["Berlin GmbH"]
    assert names(build(search="bor")) == ["Bornholm A/S"]
    assert build(search="nobody by that name").total == 0


def test_kind_filter_keeps_only_those_bars(spread):
    query = timeline.TimelineQuery(
        "quarter", D(2026, 10, 1), D(2026, 12, 31), country="DK", kinds=("public_holiday",)
    )
    page = timeline.build_timeline(query, today=TODAY)
    kinds = {bar.style.value for bar in bars_of(page, "Aarhus A/S")}
    assert kinds == {"public_holiday"}  # Christmas, not the week-42 vacation


def test_group_by_country_and_owner_with_totals(spread):
    by_country = timeline.build_timeline(
        timeline.TimelineQuery("quarter", D(2026, 7, 1), D(2026, 9, 30), group="country"),
        today=TODAY,
    )
    assert [(g.label, g.total, len(g.rows)) for g in by_country.groups] == [
        ("Germany (DE)", 2, 2),
        ("Denmark (DK)", 2, 2),
        ("Norway (NO)", 1, 1),
    ]
    by_owner = timeline.build_timeline(
        timeline.TimelineQuery("quarter", D(2026, 7, 1), D(2026, 9, 30), group="owner"),
        today=TODAY,
    )
    assert [(g.label, g.total) for g in by_owner.groups] == [("sam", 2), ("No account owner", 3)]


def test_plans_reaching_the_customer_are_on_the_row(spread):
    plan_save(
        owner=spread,
        kind="webinar",
        title="Cloud webinar",
        start=D(2026, 9, 15),
        end=D(2026, 9, 15),
        interests=Interest.objects.filter(name="cloud"),
    )
    page = timeline.build_timeline(
        timeline.TimelineQuery("quarter", D(2026, 7, 1), D(2026, 9, 30)), today=TODAY
    )
    webinars = [bar for bar in bars_of(page, "Berlin GmbH") if bar.style.value == "webinar"]
    assert [bar.style.code for bar in webinars] == ["Wb"]
    assert page.details[webinars[0].occurrences[0].id]["plan_url"].startswith("/plans/")
    assert not [bar for bar in bars_of(page, "Oslo AS") if bar.style.value == "webinar"]


def make_customers(count: int, start: int = 0) -> None:
    Customer.objects.bulk_create(
        Customer(name=f"Customer {start + i:04d}", country="DK", timezone="Europe/Copenhagen")
        for i in range(count)
    )


def test_pages_of_100_rows_with_a_count(danes):
    make_customers(148)  # plus the two Danes: 150
    query = timeline.TimelineQuery("quarter", D(2026, 7, 1), D(2026, 9, 30))
    first = timeline.build_timeline(query, today=TODAY)
    assert (first.total, first.pages, first.first_row, first.last_row) == (150, 2, 1, 100)
    assert len(names(first)) == 100
    second = timeline.build_timeline(
        timeline.TimelineQuery("quarter", D(2026, 7, 1), D(2026, 9, 30), page=2), today=TODAY
    )
    assert (second.first_row, second.last_row, len(names(second))) == (101, 150, 50)
    assert not set(names(first)) & set(names(second))


def timeline_queries(client, count: int) -> int:
    Customer.objects.all().delete()
    make_customers(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", {"range": "year", "group": "owner"})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(sales_client, danes, django_assert_max_num_queries):
    small = timeline_queries(sales_client, 20)
    large = timeline_queries(sales_client, 200)
    assert small == large
    with django_assert_max_num_queries(small):
        sales_client.get("/", {"range": "year", "group": "owner", "page": 2})


def test_an_edit_shows_on_the_next_request_of_a_page_drawn_before(sales_client, danes):
    """A page's rows are remembered with its calendar: an edit renews both."""
    query = {"range": "quarter", "start": "2026-10-01"}
    before = page_html(sales_client, "/", query)
    assert page_html(sales_client, "/", query) == before  # drawn from memory
    tradition_save(
        customer=danes[0],
        kind="vacation",
        title="Sommerhus",
        start=D(2026, 11, 2),
        end=D(2026, 11, 6),
    )
    after = page_html(sales_client, "/", query)
    assert "Sommerhus" not in before
    assert "Vacation: Sommerhus, 2–6 Nov 2026" in after  # the bar
    assert '"title": "Sommerhus"' in after  # its details
    RECENT_CALENDARS.clear()
    assert page_html(sales_client, "/", query) == after  # as a cold process draws it


def test_a_process_keeps_the_last_pages_drawn_and_no_more(sales_client, danes, monkeypatch):
    monkeypatch.setattr(timeline.RECENT_DRAWINGS, "keep", 2)
    quarters = [{"range": "quarter", "start": f"2026-{month:02}-01"} for month in (1, 4, 7)]
    first = [page_html(sales_client, "/", query) for query in quarters]
    assert len(timeline.RECENT_DRAWINGS) == 2
    # The first quarter, drawn again, is the same page.
    assert [page_html(sales_client, "/", query) for query in quarters] == first


def test_a_drawing_lives_no_longer_than_the_process_remembers_its_calendar(
    sales_client, danes, settings
):
    settings.CALENDAR_CACHE_OCCURRENCES = 0  # no calendar remembered
    quarters = [{"range": "quarter", "start": f"2026-{month:02}-01"} for month in (1, 4, 7)]
    for query in quarters:
        page_html(sales_client, "/", query)
        gc.collect()
    assert len(timeline.RECENT_DRAWINGS) <= 1  # the last; the others went with their calendars


def test_page_shows_grid_legend_and_today(sales_client, danes):
    response = sales_client.get("/", {"range": "quarter", "start": "2026-10-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Customers 1–2 of 2" in html
    assert 'aria-current="date"' not in html  # today (1 Sep) is not in Q4
    assert "Vacation: Autumn school holiday, 12–16 Oct 2026" in html
    assert 'class="swatch k-vacation" aria-hidden="true">V<' in html  # legend: colour and letter
    assert "October 2026" in html
    # Previous and next keep the other parameters.
    assert 'href="?range=quarter&amp;start=2026-07-01"' in html
    assert 'href="?range=quarter&amp;start=2027-01-01"' in html


def test_today_is_marked(sales_client, danes):
    html = sales_client.get("/").content.decode()
    assert 'class="today" aria-current="date"' in html
    assert "has-today" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "yesterday"},
            "Parameter “start”: Give the date as YYYY-MM-DD, for example 2026-10-12.",
        ),
        ({"range": "decade"}, "Parameter “range”: Select a valid choice."),
        ({"range": "custom", "start": "2026-01-01"}, "Parameter “end”: Give an end date"),
        (
            {"range": "custom", "start": "2026-02-01", "end": "2026-01-01"},
            "Parameter “end”: The end date cannot be before the start date.",
        ),
        (
            {"range": "custom", "start": "2020-01-01", "end": "2026-01-01"},
            "Parameter “end”: This can span at most three years; choose an end closer to the start.",
        ),
        (
            {"start": "9999-12-31"},
            "Parameter “start”: Give a date between the years 1900 and 2199.",
        ),
        (
            {"start": "0001-01-01"},
            "Parameter “start”: Give a date between the years 1900 and 2199.",
        ),
        ({"page": "0"}, "Parameter “page”: Ensure this value is greater than or equal to 1."),
        ({"page": "two"}, "Parameter “page”: Enter a whole number."),
        ({"owner": "ghost"}, "Parameter “owner”: Select a valid choice."),
        ({"country": "ZZ"}, "Parameter “country”: Select a valid choice."),
        ({"kind": "party"}, "Parameter “kind”: Select a valid choice."),
        ({"interest": "knitting"}, "Parameter “interest”: Select a valid choice."),
        ({"group": "colour"}, "Parameter “group”: Select a valid choice."),
    ],
)
def test_bad_parameters_are_named_in_a_400(sales_client, danes, params, message):
    response = sales_client.get("/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_400_page_keeps_the_legend_letters(sales_client, danes):
    response = sales_client.get("/", {"start": "soon"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<span class="swatch k-public_holiday" aria-hidden="true">H</span>' in html
    assert '<span class="swatch k-budget_close" aria-hidden="true">B</span>' in html


def test_custom_range_and_page_past_the_end(sales_client, danes):
    response = sales_client.get(
        "/", {"range": "custom", "start": "2026-10-10", "end": "2026-10-20", "page": "9"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Customers 1–2 of 2" in html
    assert "Autumn school holiday" in html
    # The next custom window has the same length.
    assert "start=2026-10-21&amp;end=2026-10-31" in html


def test_titles_from_data_are_escaped_in_bars(sales_client, danes):
    factories.tradition(
        title='<script>alert("x")</script> & "kick-off"',
        kind="customer_event",
        customer=danes[0],
        start=D(2026, 10, 20),
    )
    html = sales_client.get("/", {"start": "2026-10-01"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;kick-off&quot;" in html


PARAMETERS = ["range", "start", "end", "group", "owner", "country", "kind", "interest", "q", "page"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(["custom", "year", "0", "-1", "2026-02-30", "9999-01-01", "DK"]),
            st.dates().map(str),
            st.integers().map(str),
        ),
        max_size=5,
    )
)
def test_any_url_gives_a_page_or_a_named_error_never_a_500(sales_client, danes, params):
    response = sales_client.get("/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "Parameter “" in response.content.decode()


def test_owners_with_the_same_name_get_their_own_groups(db):
    for username in ("anna1", "anna2"):
        owner = factories.user(username, first_name="Anna", last_name="Berg")
        factories.customer(f"Customer of {username}", "DK", owner=owner)
    page = timeline.build_timeline(
        timeline.TimelineQuery("quarter", D(2026, 7, 1), D(2026, 9, 30), group="owner"),
        today=TODAY,
    )
    assert [(g.label, g.total) for g in page.groups] == [
        ("Anna Berg (anna1)", 1),
        ("Anna Berg (anna2)", 1),
    ]
