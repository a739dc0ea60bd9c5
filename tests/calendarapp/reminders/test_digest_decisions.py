"""Today's decision steps (due, or on a bad day) and high data-point risks."""

import datetime

import pytest
from django.urls import reverse

from calendarapp.reminders.digest import build_digest, reminder_message
from customers.decisions import competitor_save, decision_step_save
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
TODAY = D(2027, 1, 10)
pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(sales_manager, clock):
    clock.move_to(TODAY)
    return factories.customer("Acme A/S", "DK", owner=sales_manager)


def test_a_step_after_the_notice_deadline_is_listed_with_the_customer(acme, sales_manager):
    cloud = factories.contract(acme, D(2027, 5, 31), name="Cloud", notice_period_days=91)
    decision_step_save(customer=acme, contract=cloud, title="Board approval", date=D(2027, 3, 12))
    [item] = build_digest(sales_manager, TODAY).of_kind("decision_step")
    assert item.text == (
        "Acme A/S: Board approval on 12 Mar 2027, but notice on the Cloud contract is due "
        "1 Mar 2027."
    )
    # Group 1: a step on a bad day is to be moved now, however far ahead it is.
    assert (item.rank, item.customer, item.reason) == (1, acme.pk, "a decision step on a bad day")


def test_a_step_due_today_or_passed_and_not_done_is_due_now(acme, sales_manager):
    decision_step_save(customer=acme, title="Budget review", date=D(2027, 1, 4))
    decision_step_save(customer=acme, title="Done already", date=D(2027, 1, 5), done=True)

    [item] = build_digest(sales_manager, TODAY).of_kind("decision_step")

    assert (item.rank, item.text, item.reason) == (
        1,
        "Acme A/S: Budget review",
        "was due 4 Jan, not marked done",
    )


def test_a_high_risk_customer_is_listed_and_a_medium_one_is_not(acme, sales_manager):
    calm = factories.customer("Calm A/S", "DK", owner=sales_manager)
    boss = person_save(customer=calm, name="Kim", decision_role="decides")
    touchpoint_log(customer=calm, date=D(2027, 1, 5), channel="visit", people=[boss])
    competitor_save(customer=acme, name="Rival", incumbent=True)
    [item] = build_digest(sales_manager, TODAY).of_kind("risk_high")
    assert (item.rank, item.customer, item.text) == (
        3,
        acme.pk,
        "Acme A/S: high risk we are just a data point",
    )
    assert item.reason == (
        "Rival sells to them now: we may be there to keep the incumbent honest; Nobody recorded "
        "as deciding or holding the budget; No champion: nobody there wants us to win"
    )
    assert item.action == "What has changed?"
    assert item.action_href == reverse("touchpoint-create", args=[acme.pk])


def test_the_page_and_the_email_show_a_high_risk(acme, sales_manager, client):
    competitor_save(customer=acme, name="Rival", incumbent=True)
    client.force_login(sales_manager)
    page = client.get(reverse("today")).content.decode()
    assert "At risk" in page and "high risk we are just a data point" in page
    digest = build_digest(sales_manager, TODAY)
    assert (
        "Acme A/S: high risk we are just a data point"
        in reminder_message(sales_manager, digest).body
    )
