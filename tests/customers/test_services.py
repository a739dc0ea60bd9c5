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
