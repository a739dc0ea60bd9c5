"""Writes of how a customer decides: dated history of a person's part, steps, factors."""

import datetime

import pytest
import recurrence
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.decisions import decision_factor_save, decision_step_save
from customers.models import DecisionStep, PersonChange
from customers.services import person_save
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db):
    return factories.customer("Acme A/S", "DK")


def test_a_new_person_s_history_starts_with_what_someone_chose(acme):
    person = person_save(customer=acme, name="Mette", stance="supporter")
    assert [(c.field, c.old_value, c.new_value) for c in person.changes.all()] == [
        ("stance", "", "supporter")
    ]


def test_a_change_of_stance_is_kept_with_its_date_and_an_unchanged_save_adds_nothing(acme):
    person = person_save(customer=acme, name="Mette", stance="supporter")
    person_save(person=person, customer=acme, stance="sceptic", job_title="CFO")
    person_save(person=person, customer=acme, stance="sceptic")
    latest = person.changes.first()
    assert (latest.old_value, latest.new_value) == ("supporter", "sceptic")
    assert latest.changed_on == timezone.localdate()
    assert person.changes.count() == 2


def test_a_bad_role_saves_neither_the_person_nor_a_change(acme):
    person = person_save(customer=acme, name="Mette")
    with pytest.raises(ValidationError) as error:
        person_save(person=person, customer=acme, decision_role="king", stance="opponent")
    assert "decision_role" in error.value.message_dict
    person.refresh_from_db()
    assert person.stance == "unknown"
    assert not PersonChange.objects.exists()


def test_a_step_needs_a_date_or_a_recurrence(acme):
    with pytest.raises(ValidationError) as error:
        decision_step_save(customer=acme, title="Board approval")
    assert "date" in error.value.message_dict
    assert not DecisionStep.objects.exists()


def test_a_step_involves_only_the_customers_people(acme):
    stranger = person_save(customer=factories.customer("Other A/S", "DK"), name="Jonas")
    with pytest.raises(ValidationError) as error:
        decision_step_save(customer=acme, title="Board", date=D(2027, 3, 1), people=[stranger])
    assert "Jonas" in error.value.message_dict["people"][0]
    assert not DecisionStep.objects.exists()


def test_a_repeating_step_without_a_date_must_meet_within_two_years(acme):
    never = recurrence.deserialize("RRULE:FREQ=YEARLY;UNTIL=20200101")
    with pytest.raises(ValidationError) as error:
        decision_step_save(customer=acme, title="Board", recurrence=never)
    assert "recurrence" in error.value.message_dict


@pytest.mark.parametrize("weight", [0, 6])
def test_a_factor_weighs_one_to_five(acme, weight):
    with pytest.raises(ValidationError) as error:
        decision_factor_save(customer=acme, name="Price", weight=weight)
    assert "weight" in error.value.message_dict
