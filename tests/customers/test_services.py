"""person_save and touchpoint_log: everything validated first, one transaction, nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from customers.models import Person, Touchpoint
from customers.services import person_save, touchpoint_log
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
