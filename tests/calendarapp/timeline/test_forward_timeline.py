"""A timeline that looks forward: rolling ranges around today, bars that say what they are."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.sources import budget, contracts
from calendarapp.occurrences.value import Occurrence
from calendarapp.timeline import layout as timeline
from calendarapp.timeline.forms import TimelineForm
from customers.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 12, 1)  # a Tuesday in ISO week 49


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0), tick=False):
        yield


def window(params: dict, today: datetime.date = TODAY) -> tuple[datetime.date, datetime.date]:
    form = TimelineForm(params, user=AnonymousUser(), today=today)
    assert form.is_valid(), form.errors
    query = form.query()
    return query.start, query.end


def test_the_default_range_runs_from_two_weeks_back_to_13_weeks_ahead():
    assert window({}) == (D(2026, 11, 16), D(2027, 3, 7))
    assert window({"range": "next-half"}) == (D(2026, 11, 16), D(2027, 6, 6))
    assert window({"range": "next-year"}) == (D(2026, 11, 16), D(2027, 12, 5))


def test_calendar_quarters_and_years_stay_available():
    assert window({"range": "quarter"}) == (D(2026, 10, 1), D(2026, 12, 31))
    assert window({"range": "year", "start": "2027-05-05"}) == (D(2027, 1, 1), D(2027, 12, 31))


def test_a_rolling_range_from_a_given_day_starts_on_its_monday_and_steps_by_its_weeks():
    start, end = window({"range": "next-quarter", "start": "2027-03-03"})
    assert (start, end) == (D(2027, 3, 1), D(2027, 6, 20))
    assert timeline.neighbours("next-quarter", start, end) == (D(2026, 11, 30), D(2027, 5, 31))


@given(today=st.dates(min_value=D(2000, 1, 1), max_value=D(2150, 12, 31)))
def test_every_rolling_range_holds_today_in_whole_iso_weeks(today):
    for name, weeks in timeline.ROLLING_WEEKS.items():
        start, end = timeline.rolling_window(name, timeline.default_first_monday(today))
        assert start.isoweekday() == 1 and end.isoweekday() == 7
        assert start + datetime.timedelta(days=14) <= today
        assert today + datetime.timedelta(weeks=weeks) <= end
        assert (end - start).days + 1 == (weeks + 3) * 7  # ISO week 53 and leap days alike


def ref() -> CustomerRef:
    return CustomerRef(1, "Acme", "DK", "", None, 12)


def made(kind, start, end=None, title="x", source="tradition", **fields) -> Occurrence:
    return Occurrence(
        f"{kind}-{start}-{title}", start, end or start, kind, title, source, 1, **fields
    )


def quarter_layout() -> timeline._Layout:
    return timeline._Layout(D(2026, 11, 16), D(2027, 3, 7), timeline.WEEK_WIDTHS["next-quarter"])


def test_wide_bars_show_their_title_and_narrow_ones_only_their_letter():
    row = quarter_layout().row(
        ref(),
        [
            made("busy_season", D(2026, 12, 1), D(2026, 12, 20), title="Christmas rush"),
            made("customer_event", D(2027, 1, 6), title="Kick-off"),
        ],
    )
    season, event = row.bars
    assert season.titled and not event.titled
    assert '<span class="bar-title">Christmas rush</span>' in row.bars_html
    assert "Kick-off</span>" not in row.bars_html


def test_renewal_phases_are_drawn_apart():
    phases = [
        made(
            "contract_renewal",
            D(2026, 11, 20),
            D(2026, 12, 30),
            "Pre-shopping",
            "contract",
            phase="pre_shopping",
        ),
        made(
            "contract_renewal", D(2026, 12, 31), title="Notice", source="contract", phase="decision"
        ),
        made("contract_renewal", D(2027, 3, 1), title="Ends", source="contract", phase="end"),
    ]
    html = quarter_layout().row(ref(), phases).bars_html
    for phase in ("pre_shopping", "decision", "end"):
        assert f"phase-{phase}" in html


def test_a_budget_close_draws_its_lead_in_band_from_the_act_by_day():
    close = made("budget_close", D(2027, 1, 31), source=budget.NAME, lead_time_days=60)
    (bar,) = quarter_layout().row(ref(), [close]).bars
    # Act by 2 Dec: the bar starts there and the band is all but the close day.
    assert bar.left == quarter_layout().percent(D(2026, 12, 2))
    assert bar.lead_in == pytest.approx(60 * 100 / 61, abs=0.001)
    assert "lead-in" in quarter_layout().row(ref(), [close]).bars_html
    assert "(act by 2 Dec 2026)" in bar.tip


def test_a_one_day_item_on_the_last_day_is_drawn_whole_inside_the_row():
    layout = quarter_layout()
    (bar,) = layout.row(ref(), [made("customer_event", D(2027, 3, 7))]).bars
    assert bar.left + bar.width == pytest.approx(100, abs=0.01)
    assert bar.width * 16 * 72 / 100 >= timeline.MIN_BAR_PX - 0.01  # 16 weeks of 72 px


def test_our_plan_with_a_blocker_for_the_customer_carries_a_mark(danes, sales_manager):
    seminar = factories.plan(
        owner=sales_manager,
        title="Seminar",
        start=D(2027, 10, 19),
        end=D(2027, 10, 20),
        countries=["DK"],
    )
    factories.plan(owner=sales_manager, title="Clear", start=D(2027, 11, 9), countries=["DK"])
    page = timeline.build_timeline(
        timeline.TimelineQuery("quarter", D(2027, 10, 1), D(2027, 12, 31)), today=TODAY
    )
    row = [r for g in page.groups for r in g.rows if r.customer.name == "Aarhus A/S"][0]
    plans = {bar.occurrences[0].title: bar for bar in row.bars if bar.style.ours}
    assert plans["Seminar"].blocked and not plans["Clear"].blocked
    assert "(blocker for this customer)" in plans["Seminar"].tip
    assert row.bars_html.count('class="bar-flag"') == 1
    # The details dialog reads which plan of the bar is blocked here.
    assert f'data-blocked="{plans["Seminar"].occurrences[0].id}"' in row.bars_html
    assert row.bars_html.count("data-blocked=") == 1
    assert seminar.pk


def test_the_page_defaults_to_the_rolling_quarter_and_carries_a_printable_legend(
    sales_client, danes
):
    html = sales_client.get("/").content.decode()
    assert "16 Nov 2026 – 7 Mar 2027" in html
    assert 'aria-current="date"' in html
    # The first choice, so the select shows it when the link names no range.
    assert '<select name="range" id="id_range">\n  <option value="next-quarter">' in html
    assert 'class="print-legend"' in html and "notice deadline (heavy edge)" in html


@pytest.mark.parametrize("params", [{}, {"range": "next-year"}])
def test_the_timeline_costs_the_same_queries_at_2_and_20_rows_with_plans_and_renewals(
    sales_client, sales_manager, params, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            number = Customer.objects.count()
            customer = factories.customer(f"Customer {number:03d}", "DK", budget_close_month=1)
            factories.contract(customer, D(2027, 2, 28), name=f"Licence {number}")
            factories.plan(owner=sales_manager, start=D(2027, 1, 12), customers=[customer])

    add(2)
    with django_assert_max_num_queries(37) as captured:  # the first look of the day
        sales_client.get("/", params)
    add(18)
    with django_assert_max_num_queries(len(captured)):
        response = sales_client.get("/", params)
    assert response.context["grid"].total == 20
    # Again with nothing changed: the calendars and the risk check are remembered (from 37).
    with django_assert_max_num_queries(12):
        assert sales_client.get("/", params).status_code == 200
    assert contracts.NAME  # the renewals above are drawn from the contract source


@given(
    first_monday=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)).map(
        lambda day: day - datetime.timedelta(days=day.weekday())
    ),
    range_name=st.sampled_from(sorted(timeline.ROLLING_WEEKS)),
    offset=st.integers(min_value=0, max_value=400),
    ours=st.booleans(),
)
def test_every_bar_is_drawn_whole_inside_its_row_and_wide_enough(
    first_monday, range_name, offset, ours
):
    start, end = timeline.rolling_window(range_name, first_monday)
    day = min(end, start + datetime.timedelta(days=offset))
    layout = timeline._Layout(start, end, timeline.WEEK_WIDTHS[range_name])
    (bar,) = layout.row(ref(), [made("event" if ours else "customer_event", day)]).bars
    least = timeline.MIN_PLAN_BAR_PX if ours else timeline.MIN_BAR_PX
    row_px = ((end - start).days + 1) / 7 * timeline.WEEK_WIDTHS[range_name]
    assert bar.left >= 0 and bar.left + bar.width <= 100.001
    assert bar.width * row_px / 100 >= least - 0.5
    assert bar.left <= layout.percent(day) < bar.left + bar.width
