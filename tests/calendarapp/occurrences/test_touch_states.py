"""The next touch: the clock runs from the last touchpoint, and the touch lands on a good day."""

import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from calendarapp.kinds import TOUCH_DUE
from calendarapp.lib import cadence
from calendarapp.models import BookedMeeting
from calendarapp.occurrences.stream import calendar_between
from calendarapp.occurrences.touch_states import touch_states, touch_statuses
from customers.models import Customer
from customers.services import touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def state(customer):
    return touch_states(Customer.objects.filter(pk=customer.pk))[customer.pk]


def test_a_customer_never_touched_is_due_as_soon_as_a_good_day_comes(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    touch = state(customer)
    assert touch.status == "never"
    assert touch.last_touch is None
    assert touch.next_touch == D(2026, 6, 15)


def test_the_clock_resets_on_a_logged_touch_not_on_a_reminder(clock):
    """Monica counts from the last reminder; we count from the last touchpoint."""
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    assert state(customer).next_touch == D(2026, 7, 1)
    touchpoint_log(customer=customer, date=D(2026, 6, 15), channel="email")
    touch = state(customer)
    assert touch.last_touch == D(2026, 6, 15)
    assert touch.next_touch == D(2026, 7, 15)
    assert touch.status == "ok"


def test_a_touch_is_due_after_the_interval_and_overdue_after_one_and_a_half(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    clock.move_to(datetime.datetime(2026, 7, 6, 9, 0, tzinfo=datetime.UTC))
    assert state(customer).status == "due"
    assert state(customer).next_touch == D(2026, 7, 6)  # never before today
    clock.move_to(datetime.datetime(2026, 7, 20, 9, 0, tzinfo=datetime.UTC))
    touch = state(customer)
    assert touch.status == "overdue"
    assert "overdue since 1 Jul" in touch.reason


def test_the_statuses_alone_are_those_of_the_states_without_the_last_touches_query(
    clock, django_assert_max_num_queries
):
    never, ok, overdue = (factories.customer(n, "DK") for n in ("Never", "Ok", "Overdue"))
    touchpoint_log(customer=ok, date=D(2026, 6, 1), channel="phone")
    touchpoint_log(customer=overdue, date=D(2026, 3, 2), channel="phone")
    customers = Customer.objects.all()
    states = touch_states(customers)
    with django_assert_max_num_queries(1):  # the remembered calendar's look at the change log
        statuses = touch_statuses(customers)
    assert statuses == {pk: state.status for pk, state in states.items()}
    assert set(statuses.values()) == {"never", "ok", "overdue"}


def test_a_touch_due_in_danish_week_42_moves_to_the_friday_before(clock):
    factories.danish_autumn_school_holiday()
    customer = factories.customer("Aarhus A/S", "DK")
    clock.move_to(datetime.datetime(2026, 9, 20, 9, 0, tzinfo=datetime.UTC))
    touchpoint_log(customer=customer, date=D(2026, 9, 14), channel="visit")
    touch = state(customer)
    assert touch.next_touch == D(2026, 10, 9)  # 14 Oct is in week 42; Friday 9 Oct is clear
    assert touch.reason == "every 30 days; moved from 14 Oct, Autumn school holiday"


def test_a_touch_on_columbus_day_moves_where_the_customer_keeps_it_and_stays_in_california(clock):
    clock.move_to(datetime.datetime(2026, 9, 20, 9, 0, tzinfo=datetime.UTC))
    customers = [
        factories.customer(name, "US", subdivision=subdivision)
        for name, subdivision in [("Golden Gate", "CA"), ("Hudson", "NY"), ("Anywhere", "")]
    ]
    for customer in customers:
        touchpoint_log(customer=customer, date=D(2026, 9, 12), channel="visit")
    california, new_york, anywhere = (state(customer) for customer in customers)
    assert california.next_touch == D(2026, 10, 12)
    for touch in (new_york, anywhere):
        assert touch.next_touch != D(2026, 10, 12)
        assert touch.reason.endswith("moved from 12 Oct, Columbus Day")


def test_a_touch_aims_a_week_before_a_notice_deadline_that_comes_first(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    factories.contract(customer, D(2026, 12, 31), notice_period_days=90)  # notice by 2 Oct
    clock.move_to(datetime.datetime(2026, 9, 20, 9, 0, tzinfo=datetime.UTC))
    touchpoint_log(customer=customer, date=D(2026, 9, 14), channel="visit")
    touch = state(customer)
    assert touch.next_touch == D(2026, 9, 25)
    assert "a week before “Notice deadline: Licence” 2 Oct" in touch.reason


def test_a_touch_avoids_the_busy_season_where_a_quiet_day_is_near(clock):
    customer = factories.customer("Berlin GmbH", "DE", budget_close_month=6)
    factories.tradition(customer=customer, start=D(2026, 10, 13), end=D(2026, 10, 20))
    clock.move_to(datetime.datetime(2026, 9, 20, 9, 0, tzinfo=datetime.UTC))
    touchpoint_log(customer=customer, date=D(2026, 9, 14), channel="visit")
    touch = state(customer)
    assert touch.next_touch == D(2026, 10, 12)
    assert "moved from 14 Oct, Busy season" in touch.reason


def test_a_follow_up_date_replaces_the_next_touch_when_earlier(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint_log(
        customer=customer,
        date=D(2026, 6, 10),
        channel="visit",
        outcome="follow_up",
        follow_up_on=D(2026, 6, 24),
    )
    touch = state(customer)
    assert touch.next_touch == D(2026, 6, 24)
    assert touch.reason == "follow-up agreed for 24 Jun"


def test_the_touch_carries_the_latest_touchpoints_change_so_feeds_stamp_it(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    window = D(2026, 6, 15), D(2026, 12, 31)

    def stamp():
        (touch,) = calendar_between(*window, kinds=[TOUCH_DUE]).occurrences
        return touch.updated_at

    first = stamp()
    clock.shift(datetime.timedelta(minutes=5))
    touchpoint_log(customer=customer, date=D(2026, 6, 15), channel="visit")
    assert first is not None and stamp() > first


@pytest.mark.parametrize("count", [2, 20])
def test_touch_states_cost_the_same_queries_for_more_customers(
    clock, count, django_assert_num_queries
):
    factories.danish_autumn_school_holiday()
    for i in range(count):
        customer = factories.customer(f"C{i}", "DK")
        factories.contract(customer, D(2026, 12, 31))
        touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    with django_assert_num_queries(8):
        states = touch_states(Customer.objects.all())
    assert len(states) == count


class PlacementProperties(HypothesisTestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        every=st.integers(min_value=7, max_value=60),
        since=st.integers(min_value=0, max_value=90),
        vacations=st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=70), st.integers(min_value=0, max_value=9)
            ),
            max_size=3,
        ),
    )
    def test_the_placed_day_never_carries_a_blocker_when_a_clear_day_is_in_reach(
        self, every, since, vacations
    ):
        today = D(2026, 6, 15)
        with time_machine.travel(datetime.datetime(2026, 6, 15, 9, 0, tzinfo=datetime.UTC)):
            self.check_placement(today, every, since, vacations)

    def check_placement(self, today, every, since, vacations):
        customer = factories.customer(
            "Aarhus A/S", "DE", budget_close_month=6, contact_every_days=every
        )
        away = set()
        for offset, length in vacations:
            start = today + datetime.timedelta(days=offset)
            end = start + datetime.timedelta(days=length)
            factories.tradition(
                customer=customer, kind="vacation", title="Away", start=start, end=end
            )
            away |= {start + datetime.timedelta(days=i) for i in range(length + 1)}
        last = today - datetime.timedelta(days=since)
        touchpoint_log(customer=customer, date=last, channel="phone")
        touch = state(customer)
        target = max(today, last + datetime.timedelta(days=every))
        reach = every // 4
        window = [
            target + datetime.timedelta(days=offset)
            for offset in range(-reach, reach + 1)
            if target + datetime.timedelta(days=offset) >= today
        ]
        clear = [day for day in window if day.weekday() < 5 and day not in away]
        holidays = {D(2026, 1, 1)}  # none of Germany's national holidays fall in June-September
        assert touch.next_touch >= today
        if clear:
            assert touch.next_touch not in away | holidays
            assert touch.next_touch.weekday() < 5
            assert touch.next_touch in window
        assert touch.status == cadence.touch_status(last, every, today)


def booked(customer, day: datetime.date, hour: int = 8):
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
    return BookedMeeting.objects.create(
        uid=f"booked-{day}",
        occurrence="",
        customer=customer,
        start=start,
        end=start + datetime.timedelta(hours=1),
        channel="visit",
    )


def test_a_meeting_booked_in_a_calendar_is_the_next_touch_earlier_or_later(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    booked(customer, D(2026, 6, 25))
    touch = state(customer)
    assert touch.next_touch == D(2026, 6, 25)
    assert touch.reason == "every 30 days; meeting booked for 25 Jun"
    BookedMeeting.objects.all().delete()
    booked(customer, D(2026, 7, 20))
    assert state(customer).next_touch == D(2026, 7, 20)  # not 1 Jul: a meeting is booked
    BookedMeeting.objects.all().delete()
    assert state(customer).next_touch == D(2026, 7, 1)


def test_a_booked_meeting_already_past_is_no_next_touch_and_a_follow_up_before_one_wins(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint_log(
        customer=customer,
        date=D(2026, 6, 1),
        channel="phone",
        outcome="follow_up",
        follow_up_on=D(2026, 6, 19),
    )
    booked(customer, D(2026, 6, 12))  # before today, 15 Jun
    booked(customer, D(2026, 6, 26))
    touch = state(customer)
    assert touch.next_touch == D(2026, 6, 19)
    assert touch.reason.startswith("follow-up agreed for")


def test_a_meeting_late_in_the_evening_counts_on_the_teams_day(clock):
    customer = factories.customer("Aarhus A/S", "DK")
    booked(customer, D(2026, 6, 25), hour=22)  # 00:00 on 26 Jun in Copenhagen
    assert state(customer).next_touch == D(2026, 6, 26)
