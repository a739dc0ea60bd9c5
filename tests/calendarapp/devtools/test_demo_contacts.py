"""The demo's people and touchpoints: a newcomer sees every touch status, and nothing doubles."""

import datetime

import pytest
import time_machine

from calendarapp.devtools.demo import load_demo
from calendarapp.occurrences.touch_states import touch_states
from customers.models import Customer, Person, Touchpoint

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def on_demo_day():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)):
        yield


def test_every_demo_customer_has_people_and_the_touches_show_every_status(on_demo_day):
    load_demo(today=TODAY)
    assert Person.objects.values("customer").distinct().count() == Customer.objects.count()
    statuses = {state.status for state in touch_states(Customer.objects.all()).values()}
    assert statuses == {"never", "ok", "due", "overdue"}
    assert Person.objects.filter(reports_to__isnull=False).exists()
    assert Touchpoint.objects.filter(outcome="follow_up", follow_up_on__isnull=False).exists()
    assert Touchpoint.objects.exclude(changes=[]).exists()


def test_loading_the_demo_again_doubles_no_people_or_touches(on_demo_day):
    load_demo(today=TODAY)
    people, touches = Person.objects.count(), Touchpoint.objects.count()
    load_demo(today=TODAY)
    assert (Person.objects.count(), Touchpoint.objects.count()) == (people, touches)
