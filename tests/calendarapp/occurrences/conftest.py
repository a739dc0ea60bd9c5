"""Data shared by the tests of the occurrence stream."""

import datetime

import pytest

from calendarapp.models import BookedMeeting, IcsSource, ImportedEvent
from calendarapp.planning.services import plan_save
from customers.decisions import decision_step_save
from customers.models import Interest
from customers.services import touchpoint_log
from tests import factories

D = datetime.date


@pytest.fixture
def every_source(danes, sales_manager, clock):
    """One customer with something from every source around October 2026.

    The clock stands in June 2026, so the next touch (placed from today) falls in 2026.

    The plan reaches it by its interest, so that plans and interests matter.
    """
    aarhus = danes[0]
    factories.tradition(
        title="Harvest fair", kind="customer_event", customer=aarhus, start=D(2026, 10, 6)
    )
    factories.contract(aarhus, D(2027, 1, 31), notice_period_days=90, pre_shopping_days=150)
    cloud = Interest.objects.create(name="cloud")
    aarhus.interests.add(cloud)
    plan_save(
        owner=sales_manager,
        kind="webinar",
        title="Autumn webinar",
        start=D(2026, 10, 5),
        end=D(2026, 10, 5),
        interests=[cloud],
    )
    source = IcsSource.objects.create(name="Aarhus events", customer=aarhus, kind="customer_event")
    ImportedEvent.objects.create(
        source=source, uid="fair@aarhus", start=D(2026, 10, 7), end=D(2026, 10, 7), title="Fair"
    )
    touchpoint_log(customer=aarhus, date=D(2026, 6, 1), channel="visit")
    # Booked in a calendar for a day now past (no sync since): a row, but no longer the next touch.
    BookedMeeting.objects.create(
        uid="visit@aarhus",
        occurrence="",
        customer=aarhus,
        start=datetime.datetime(2026, 6, 1, 8, tzinfo=datetime.UTC),
        end=datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC),
        channel="visit",
    )
    decision_step_save(customer=aarhus, title="Board approval", date=D(2026, 11, 10))
    return aarhus
