"""person_save and touchpoint_log: everything validated first, one transaction, nothing half-saved."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from customers.models import Person, Touchpoint
from customers.services import (
    CalendarTouch,
    person_save,
    touchpoint_log,
    touchpoints_log_from_calendar,
)
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_a_touch_that_meets_someone_new_saves_both_at_once():
    customer = factories.customer("Aarhus A/S", "DK")
    touchpoint = touchpoint_log(
        customer=customer,
        date=D(2026, 1, 5),
        channel="visit",
        new_people=[{"name": "Mette", "job_title": "CFO"}],
    )
    assert [person.name for person in touchpoint.people.all()] == ["Mette"]


def test_a_bad_new_person_saves_neither_the_person_nor_the_touch():
    customer = factories.customer("Aarhus A/S", "DK")
    with pytest.raises(ValidationError) as caught:
        touchpoint_log(
            customer=customer,
            date=D(2026, 1, 5),
            channel="visit",
            new_people=[{"name": "Ole"}, {"name": "", "email": "not-an-email"}],
        )
    assert "new_people" in caught.value.message_dict
    assert not Touchpoint.objects.exists()
    assert not Person.objects.exists()


def test_a_touch_updates_the_people_met_in_the_same_save_with_their_history():
    customer = factories.customer("Aarhus A/S", "DK")
    mette = person_save(customer=customer, name="Mette", job_title="Controller")
    ole = person_save(customer=customer, name="Ole", started_on=D(2024, 1, 1))
    touchpoint = touchpoint_log(
        customer=customer,
        date=D(2026, 1, 5),
        channel="visit",
        people=[mette],
        new_people=[{"name": "Karen"}],
        people_updates=[
            (mette, {"job_title": "CFO", "decision_role": "economic_buyer", "stance": "sceptic"}),
            (ole, {"left_on": D(2025, 12, 31), "active": False}),
        ],
    )
    mette.refresh_from_db()
    ole.refresh_from_db()
    assert (mette.job_title, mette.decision_role, mette.stance) == (
        "CFO",
        "economic_buyer",
        "sceptic",
    )
    assert (ole.left_on, ole.active) == (D(2025, 12, 31), False)
    assert {c.field: c.new_value for c in mette.changes.all()} == {
        "decision_role": "economic_buyer",
        "stance": "sceptic",
    }
    assert sorted(p.name for p in touchpoint.people.all()) == ["Karen", "Mette"]


def test_a_bad_update_of_someone_met_saves_nothing_and_names_the_person_and_field():
    customer = factories.customer("Aarhus A/S", "DK")
    mette = person_save(customer=customer, name="Mette", job_title="Controller")
    ole = person_save(customer=customer, name="Ole", started_on=D(2024, 1, 1))
    with pytest.raises(ValidationError) as caught:
        touchpoint_log(
            customer=customer,
            date=D(2026, 1, 5),
            channel="visit",
            new_people=[{"name": "Karen"}],
            people_updates=[
                (mette, {"job_title": "CFO", "stance": "champion"}),
                (ole, {"left_on": D(2023, 12, 31)}),
            ],
        )
    assert caught.value.message_dict == {
        "people_updates": ["Ole, left_on: A person cannot leave before they started."]
    }
    mette.refresh_from_db()
    assert (mette.job_title, mette.stance) == ("Controller", "unknown")
    assert not mette.changes.exists()
    assert not Touchpoint.objects.exists()
    assert not Person.objects.filter(name="Karen").exists()


def test_a_touch_cannot_update_another_customers_person():
    stranger = person_save(customer=factories.customer("Bornholm A/S", "DK"), name="Bo")
    with pytest.raises(ValidationError) as caught:
        touchpoint_log(
            customer=factories.customer("Aarhus A/S", "DK"),
            date=D(2026, 1, 5),
            channel="visit",
            people_updates=[(stranger, {"job_title": "CEO"})],
        )
    assert caught.value.message_dict == {"people_updates": ["Not a person of Aarhus A/S: Bo."]}
    stranger.refresh_from_db()
    assert stranger.job_title == ""


def test_a_person_stays_with_their_customer():
    person = person_save(customer=factories.customer("Aarhus A/S", "DK"), name="Mette")
    with pytest.raises(ValidationError) as caught:
        person_save(person=person, customer=factories.customer("Bornholm A/S", "DK"), name="M")
    assert "customer" in caught.value.message_dict


def test_a_person_cannot_report_to_themselves():
    person = person_save(customer=factories.customer("Aarhus A/S", "DK"), name="Mette")
    with pytest.raises(ValidationError) as caught:
        person_save(person=person, customer=person.customer, reports_to=person)
    assert "reports_to" in caught.value.message_dict


def test_touches_from_a_calendar_are_written_in_bulk_with_their_people(
    sales_manager, django_assert_max_num_queries
):
    aarhus = factories.customer("Aarhus A/S", "DK")
    jens = Person.objects.create(customer=aarhus, name="Jens")
    new = [
        CalendarTouch(
            customer=aarhus,
            date=datetime.date(2026, 6, 1) + datetime.timedelta(days=n),
            channel="video",
            summary=f"Meeting {n}",
            people=[jens],
            our_people=[sales_manager.pk],
        )
        for n in range(50)
    ]
    with django_assert_max_num_queries(6):
        rows = touchpoints_log_from_calendar(new=new)
    assert len(rows) == 50 and all(row.source == "calendar" for row in rows)
    assert set(Touchpoint.objects.get(pk=rows[0].pk).people.all()) == {jens}
    assert set(Touchpoint.objects.get(pk=rows[0].pk).our_people.all()) == {sales_manager}
    touchpoints_log_from_calendar(
        new=[], changed=[(rows[0], CalendarTouch(customer=aarhus, summary="Renamed", people=[]))]
    )
    changed = Touchpoint.objects.get(pk=rows[0].pk)
    assert (changed.summary, changed.channel, changed.people.count()) == ("Renamed", "video", 0)
    assert changed.our_people.count() == 1  # not given: as stored


@time_machine.travel(datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC))
def test_touches_from_a_calendar_follow_touchpoint_logs_rules_and_write_nothing_when_one_breaks():
    aarhus, odense = factories.customer("Aarhus A/S", "DK"), factories.customer("Odense", "DK")
    stranger = Person.objects.create(customer=odense, name="Kim")
    good = CalendarTouch(customer=aarhus, date=datetime.date(2026, 6, 1), channel="video")
    with pytest.raises(ValidationError) as error:
        touchpoints_log_from_calendar(
            new=[
                good,
                CalendarTouch(
                    customer=aarhus,
                    date=datetime.date(2026, 6, 2),
                    channel="video",
                    people=[stranger],
                ),
            ]
        )
    assert error.value.message_dict == {
        "people": ["Aarhus A/S on 2026-06-02: Not a person of Aarhus A/S: Kim."]
    }
    with pytest.raises(ValidationError) as error:
        touchpoints_log_from_calendar(
            new=[
                good,
                CalendarTouch(customer=aarhus, date=datetime.date(2026, 7, 1), channel="video"),
            ]
        )
    assert list(error.value.message_dict) == ["date"]
    assert not Touchpoint.objects.exists()
