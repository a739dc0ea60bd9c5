"""Interests as evidence: noted, confirmed, stale, ended; strategies and "we came in late"."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from customers.interests import customer_interest_save, strategy_save
from customers.models import CustomerInterest, Interest, Person, Strategy, Touchpoint
from customers.services import touchpoint_log
from tests import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def havfrue(db):
    return factories.customer("Havfrue Shipping", "DK")


def test_an_interest_noted_within_the_stale_days_is_current(havfrue, today, settings):
    settings.INTEREST_STALE_DAYS = 180
    evidence = factories.interest(havfrue, "IoT", noted_on=today - 180 * DAY)
    assert evidence.current and not evidence.stale


def test_an_interest_not_confirmed_for_the_stale_days_goes_stale(havfrue, today, settings):
    settings.INTEREST_STALE_DAYS = 180
    evidence = factories.interest(havfrue, "IoT", noted_on=today - 181 * DAY)
    assert evidence.stale and not evidence.current


def test_confirming_an_interest_makes_it_current_again(havfrue, today):
    evidence = factories.interest(havfrue, "IoT", noted_on=today - 400 * DAY)
    assert evidence.stale
    evidence = customer_interest_save(
        evidence=evidence, customer=havfrue, interest="IoT", confirmed_on=today - 3 * DAY
    )
    assert evidence.current
    assert evidence.noted_on == today - 400 * DAY, "the first evidence keeps its day"


def test_an_interest_they_no_longer_have_is_neither_current_nor_stale(havfrue, today):
    evidence = factories.interest(havfrue, "IoT", noted_on=today - 10 * DAY, no_longer_on=today)
    assert not evidence.current and not evidence.stale


def test_a_new_name_creates_the_interest_and_a_known_one_is_reused(havfrue, today):
    factories.interest(havfrue, "IoT")
    other = factories.customer("Nordlys Retail", "NO")
    factories.interest(other, " IoT ")
    assert Interest.objects.filter(name="IoT").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"interest": ""}, "interest"),
        ({"interest": "x" * 61}, "interest"),
        ({"interest": "IoT", "noted_on": "tomorrow"}, "noted_on"),
        ({"interest": "IoT", "confirmed_on": "before"}, "confirmed_on"),
        ({"interest": "IoT", "strength": "obsessed"}, "strength"),
    ],
)
def test_bad_evidence_names_the_field_and_saves_nothing(havfrue, today, fields, field):
    days = {"tomorrow": today + DAY, "before": today - 30 * DAY}
    fields = {k: days.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    if "confirmed_on" in fields:
        fields["noted_on"] = today - DAY
    with pytest.raises(ValidationError) as raised:
        customer_interest_save(customer=havfrue, **fields)
    assert field in raised.value.message_dict
    assert not CustomerInterest.objects.exists()
    assert not Interest.objects.exists()


def test_the_same_interest_twice_asks_to_confirm_it(havfrue):
    factories.interest(havfrue, "IoT")
    with pytest.raises(ValidationError) as raised:
        factories.interest(havfrue, "IoT")
    assert "confirm it" in raised.value.message_dict["interest"][0]


def test_logging_a_touch_notes_new_interests_and_confirms_known_ones(havfrue, today):
    cfo = Person.objects.create(customer=havfrue, name="Ida Holm")
    old = factories.interest(havfrue, "IoT", noted_on=today - 300 * DAY)
    touch = touchpoint_log(
        customer=havfrue,
        date=today,
        channel="visit",
        interests=[
            {"interest": "IoT", "strength": "evaluating", "person": cfo},
            {"interest": "Cloud"},
        ],
    )
    old.refresh_from_db()
    assert (old.confirmed_on, old.strength, old.touchpoint, old.person) == (
        today,
        "evaluating",
        touch,
        cfo,
    )
    assert old.current
    cloud = CustomerInterest.objects.get(customer=havfrue, interest__name="Cloud")
    assert (cloud.noted_on, cloud.strength, cloud.touchpoint) == (today, "curious", touch)


def test_a_touch_with_a_bad_interest_saves_nothing(havfrue, today):
    with pytest.raises(ValidationError) as raised:
        touchpoint_log(
            customer=havfrue,
            date=today,
            channel="phone",
            interests=[{"interest": "Cloud"}, {"interest": "IoT", "strength": "obsessed"}],
        )
    assert raised.value.message_dict["interests"][0].startswith("Interest 2:")
    assert not Touchpoint.objects.exists()
    assert not CustomerInterest.objects.exists()


def test_a_strategy_first_noted_as_a_shopping_list_says_we_came_in_late(havfrue):
    late = strategy_save(customer=havfrue, title="New fleet telemetry", stage="shopping_list")
    assert late.came_in_late


def test_a_strategy_we_followed_from_its_idea_is_not_late(havfrue):
    strategy = strategy_save(customer=havfrue, title="Greener routes", stage="idea")
    strategy = strategy_save(
        strategy=strategy, customer=havfrue, title="Greener routes", stage="shopping_list"
    )
    assert not strategy.came_in_late
    assert Strategy.objects.get().first_stage == "idea"


def test_a_strategy_from_another_customers_touch_is_refused(havfrue, today):
    other = factories.customer("Nordlys Retail", "NO")
    touch = touchpoint_log(customer=other, date=today, channel="phone")
    with pytest.raises(ValidationError) as raised:
        strategy_save(customer=havfrue, title="X", touchpoint=touch)
    assert "touchpoint" in raised.value.message_dict
