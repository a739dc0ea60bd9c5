"""Attendee suggestions: people met at a customer's domains who are no person of it yet, counted
by meeting and last seen; persons, dismissals, other domains and free mail never suggested."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from calendarapp.models import AttendeeDismissal
from calendarapp.occurrences.suggestions import (
    Suggestion,
    attendee_dismiss,
    attendee_suggestions,
    name_from_email,
)
from customers.models import Customer, Person
from tests import factories

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def acme():
    return factories.customer("Acme", "DK", email_domains=["acme.dk", "acme.com"])


def test_an_attendee_at_the_customers_domain_is_suggested_with_meetings_and_the_last_day(acme):
    factories.calendar_meeting(acme, at(2), ("anna@acme.dk", "Anna Holm"), ("bo@acme.com", ""))
    factories.calendar_meeting(acme, at(20), ("Anna@Acme.dk", "Anna Holm-Berg"))
    factories.calendar_meeting(acme, at(25), ("ole@partner.dk", "Ole"), ("x@sales.acme.com", ""))

    found = attendee_suggestions(Customer.objects.all())

    assert found == [
        Suggestion("x@sales.acme.com", "X", acme.pk, "Acme", 1, datetime.date(2026, 11, 25)),
        Suggestion("anna@acme.dk", "Anna Holm-Berg", acme.pk, "Acme", 2, datetime.date(2026, 11, 20)),
        Suggestion("bo@acme.com", "Bo", acme.pk, "Acme", 1, datetime.date(2026, 11, 2)),
    ]  # fmt: skip


def test_a_person_already_there_in_any_letter_case_or_a_dismissed_one_is_not_suggested(
    acme, sales_manager
):
    Person.objects.create(customer=acme, name="Anna Holm", email="Anna.Holm@ACME.dk")
    factories.calendar_meeting(acme, at(2), ("anna.holm@acme.dk", ""), ("bo@acme.dk", "Bo"))
    attendee_dismiss(customer=acme, email="BO@acme.dk", by=sales_manager)

    assert attendee_suggestions(Customer.objects.all()) == []


def test_a_person_of_another_customer_is_still_suggested_for_this_one(acme):
    other = factories.customer("Acme Sverige", "SE", email_domains=["acme.dk"])
    Person.objects.create(customer=other, name="Anna", email="anna@acme.dk")
    factories.calendar_meeting(acme, at(2), ("anna@acme.dk", "Anna"))

    assert [(s.customer, s.email) for s in attendee_suggestions(Customer.objects.all())] == [
        (acme.pk, "anna@acme.dk")
    ]


def test_a_customer_without_domains_has_no_suggestions_and_costs_one_query(
    django_assert_num_queries,
):
    plain = factories.customer("Plain", "DK")
    factories.calendar_meeting(plain, at(2), ("anna@plain.dk", "Anna"))
    with django_assert_num_queries(1):
        assert attendee_suggestions(Customer.objects.all()) == []


def test_the_queries_stay_four_however_many_customers_and_meetings(acme, django_assert_num_queries):
    for n in range(12):
        customer = factories.customer(f"C{n}", "DK", email_domains=[f"c{n}.dk"])
        Person.objects.create(customer=customer, name="P", email=f"p@c{n}.dk")
        for day in (2, 3):
            factories.calendar_meeting(customer, at(day), (f"a{n}@c{n}.dk", ""), (f"p@c{n}.dk", ""))
    with django_assert_num_queries(4):
        assert len(attendee_suggestions(Customer.objects.all())) == 12


def test_dismissing_twice_is_one_dismissal_and_an_address_is_needed(acme, sales_manager):
    attendee_dismiss(customer=acme, email=" Bo@Acme.dk ", by=sales_manager)
    attendee_dismiss(customer=acme, email="bo@acme.dk", by=sales_manager)
    assert list(AttendeeDismissal.objects.values_list("email", "by")) == [
        ("bo@acme.dk", sales_manager.pk)
    ]
    with pytest.raises(ValidationError) as caught:
        attendee_dismiss(customer=acme, email="bo at acme", by=sales_manager)
    assert caught.value.message_dict == {
        "email": ["Give the attendee's email address, such as anna@acme.com."]
    }


@pytest.mark.parametrize(
    ("email", "name"),
    [("anna.holm@acme.dk", "Anna Holm"), ("bo_lind-h@acme.dk", "Bo Lind H"), ("x@acme.dk", "X")],
)
def test_a_name_is_made_from_the_address_when_the_calendar_gave_none(email, name):
    assert name_from_email(email) == name


def test_addresses_of_machines_are_never_suggested(acme):
    factories.calendar_meeting(acme, at(2), ("noreply@acme.dk", ""), ("no-reply@acme.com", "Acme"))
    assert attendee_suggestions(Customer.objects.all()) == []
