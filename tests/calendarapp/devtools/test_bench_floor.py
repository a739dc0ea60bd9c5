"""The bench's floor dates what the stream dates: it cannot silently read or compute less."""

import datetime

import pytest
import recurrence

from calendarapp.devtools import bench, bench_floor
from calendarapp.models import IcsSource, ImportedEvent
from calendarapp.occurrences.sources import SOURCES, touches
from calendarapp.occurrences.stream import calendar_between
from customers.decisions import decision_step_save
from customers.models import Customer
from tests import factories

D = datetime.date


@pytest.fixture
def bench_data_with_every_source(db, monkeypatch, sales_manager):
    """The bench's data set at 40 customers, with an item of the sources it lacks besides."""
    monkeypatch.setattr(bench, "CUSTOMERS", 40)
    monkeypatch.setattr(bench, "LARGE_CUSTOMERS", 40)
    monkeypatch.setattr(bench, "PLANS", 6)
    bench.build_data()
    dane = Customer.objects.filter(country="DK").order_by("pk").first()
    german = Customer.objects.filter(country="DE").exclude(subdivision="HH").first()
    assert dane is not None and german is not None
    factories.danish_autumn_school_holiday()
    factories.customer("Plain AB", "SE")  # no traditions: the month gives its budget close
    # Local traditions of a subdivision: a German customer's (in) and Hamburg's (out, unless
    # a customer is there: the floor must skip exactly the regions the stream skips).
    factories.tradition(
        title="Fair", country="DE", subdivision=german.subdivision, start=D(2027, 5, 3)
    )
    factories.tradition(title="Harbour days", country="DE", subdivision="HH", start=D(2027, 5, 7))
    decision_step_save(customer=dane, title="Board approval", date=D(bench.YEAR, 3, 12))
    decision_step_save(
        customer=dane,
        title="Committee",
        recurrence=recurrence.deserialize("RRULE:FREQ=MONTHLY;BYDAY=2TU"),
    )
    for owner, country in ((dane, ""), (None, "DK")):
        source = IcsSource.objects.create(
            name="Events", customer=owner, country=country, kind="customer_event"
        )
        ImportedEvent.objects.create(
            source=source,
            uid="fair",
            start=D(bench.YEAR, 6, 1),
            end=D(bench.YEAR, 6, 2),
            title="Fair",
        )
    factories.plan(owner=sales_manager, start=D(bench.YEAR, 9, 1), countries=["DK"])
    factories.plan(owner=sales_manager, start=D(bench.YEAR, 9, 2), countries=["LU"])  # nobody there


def test_the_floor_counts_as_many_dated_items_as_the_stream_has_occurrences(
    bench_data_with_every_source, django_assert_max_num_queries
):
    window = bench.year_window()
    calendar = calendar_between(*window, reuse=False)
    # Every source that runs without kinds named has items here, so the floor is held to each.
    assert {o.source for o in calendar.occurrences} == {s.name for s in SOURCES} - {touches.NAME}
    with django_assert_max_num_queries(9):
        counted = bench_floor.floor_dates(*window)
    assert counted == len(calendar.occurrences)
