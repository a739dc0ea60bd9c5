"""The customer page's interests and strategies, and a touch that notes interests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from customers.interests import strategy_save
from customers.models import CustomerInterest, Strategy
from customers.services import person_save, touchpoint_log
from tests import factories

DAY = datetime.timedelta(days=1)


def test_the_customer_page_shows_interests_stale_ones_and_strategies(sales_client, sales_manager):
    today = timezone.localdate()
    customer = factories.customer("Havfrue Shipping", "DK", owner=sales_manager)
    factories.interest(customer, "IoT", strength="committed", noted_on=today - 5 * DAY)
    factories.interest(customer, "Cloud", noted_on=today - 400 * DAY)
    strategy_save(customer=customer, title="Fleet telemetry", stage="shopping_list")
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "IoT" in page and "committed" in page
    assert "stale: ask again" in page
    assert "Fleet telemetry" in page and "we came in late" in page
    assert "Strategy season" in page


def test_logging_a_touch_on_the_page_notes_and_confirms_interests(sales_client, sales_manager):
    today = timezone.localdate()
    customer = factories.customer("Havfrue Shipping", "DK", owner=sales_manager)
    known = factories.interest(customer, "IoT", noted_on=today - 300 * DAY)
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {
            "date": today.isoformat(),
            "channel": "visit",
            "outcome": "none",
            "interests": "IoT, emissions data",
            "interest_strength": "evaluating",
        },
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert (known.confirmed_on, known.strength, known.current) == (today, "evaluating", True)
    assert customer.interest_evidence.get(interest__name="emissions data").noted_on == today


def test_the_timelines_interest_filter_shows_only_current_evidence(sales_client):
    today = timezone.localdate()
    keen = factories.customer("Keen", "DK")
    factories.interest(keen, "IoT", noted_on=today)
    once = factories.customer("Once", "DK")
    iot = factories.interest(once, "IoT", noted_on=today - 400 * DAY).interest
    page = sales_client.get(f"/?interest={iot.name}").content.decode()
    assert "Keen" in page
    assert "Once" not in page


D = datetime.date


@pytest.fixture
def havfrue(sales_manager, clock):
    clock.move_to(D(2027, 3, 10))
    return factories.customer("Havfrue Shipping", "DK", owner=sales_manager)


@pytest.fixture
def owner_client(client, sales_manager, havfrue):
    """Logged in after the clock moved, so the session is fresh then."""
    client.force_login(sales_manager)
    return client


@pytest.fixture
def visit(havfrue):
    person = person_save(customer=havfrue, name="Mette", job_title="CTO")
    touch = touchpoint_log(customer=havfrue, date=D(2027, 3, 1), channel="visit", people=[person])
    return touch, person


def test_the_owner_notes_an_interest_from_a_touch_and_a_person(owner_client, havfrue, visit):
    touch, person = visit
    response = owner_client.post(
        f"/customers/{havfrue.pk}/interests/new",
        {
            "interest": "Fleet telemetry",
            "strength": "evaluating",
            "noted_on": "2027-03-01",
            "touchpoint": touch.pk,
            "person": person.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/customers/{havfrue.pk}#interests-title")
    row = CustomerInterest.objects.get(customer=havfrue)
    assert (row.interest.name, row.strength, row.noted_on) == (
        "Fleet telemetry",
        "evaluating",
        D(2027, 3, 1),
    )
    assert (row.touchpoint, row.person) == (touch, person)
    page = owner_client.get(f"/customers/{havfrue.pk}").content.decode()
    assert "Fleet telemetry" in page and "from Mette" in page


def test_confirm_today_makes_a_stale_interest_current_again(owner_client, havfrue):
    row = factories.interest(havfrue, "IoT", noted_on=D(2026, 1, 5))
    assert row.stale
    response = owner_client.post(f"/interests/{row.pk}/confirm")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.confirmed_on, row.current) == (D(2027, 3, 10), True)
    assert owner_client.get(f"/interests/{row.pk}/confirm").status_code == 405


def test_the_owner_marks_an_interest_no_longer_wanted_with_a_date(owner_client, havfrue):
    row = factories.interest(havfrue, "IoT", noted_on=D(2027, 1, 5))
    form = owner_client.get(f"/interests/{row.pk}").content.decode()
    assert "Edit interest “IoT”" in form and "No longer since" in form
    response = owner_client.post(
        f"/interests/{row.pk}",
        {
            "interest": "IoT",
            "strength": "curious",
            "noted_on": "2027-01-05",
            "no_longer_on": "2027-03-02",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.no_longer_on, row.current) == (D(2027, 3, 2), False)
    page = owner_client.get(f"/customers/{havfrue.pk}").content.decode()
    assert "No longer: " in page and "(since 2 Mar 2027)" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"noted_on": "2027-04-01"}, "noted_on", "Give today or an earlier day"),
        ({"interest": ""}, "interest", "This field is required"),
        ({"strength": "obsessed"}, "strength", "Select a valid choice"),
        ({"interest": "IoT"}, "interest", "interest in IoT is noted; confirm it"),
    ],
)
def test_a_bad_interest_is_a_form_error_naming_the_field_and_saves_nothing(
    owner_client, havfrue, changes, field, message
):
    factories.interest(havfrue, "IoT", noted_on=D(2027, 1, 5))
    data = {"interest": "Cloud", "strength": "curious", "noted_on": "2027-03-01", **changes}
    response = owner_client.post(f"/customers/{havfrue.pk}/interests/new", data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert message in " ".join(response.context["form"].errors[field])
    assert list(havfrue.interest_evidence.values_list("interest__name", flat=True)) == ["IoT"]


def test_the_owner_adds_and_edits_a_strategy_from_a_touch(owner_client, havfrue, visit):
    touch, _ = visit
    fields = {
        "title": "Electric ferries by 2030",
        "noted_on": "2027-03-01",
        "touchpoint": touch.pk,
        "stage": "shaping",
        "how_we_help": "Charging schedules",
    }
    assert owner_client.post(f"/customers/{havfrue.pk}/strategies/new", fields).status_code == 302
    strategy = Strategy.objects.get(customer=havfrue)
    assert (strategy.touchpoint, strategy.first_stage) == (touch, "shaping")
    response = owner_client.post(f"/strategies/{strategy.pk}", {**fields, "stage": "shopping_list"})
    assert response.status_code == 302
    strategy.refresh_from_db()
    # Noted while shaping, so reaching the shopping list is not coming in late.
    assert (strategy.stage, strategy.came_in_late) == ("shopping_list", False)
    page = owner_client.get(f"/customers/{havfrue.pk}").content.decode()
    assert "Electric ferries by 2030" in page and "we came in late" not in page


def test_a_strategy_from_another_customers_touch_or_without_title_is_refused(owner_client, havfrue):
    elsewhere = factories.customer("Nordlys Retail", "NO")
    touch = touchpoint_log(customer=elsewhere, date=D(2027, 3, 1), channel="visit")
    fields = {"title": "", "noted_on": "2027-03-01", "touchpoint": touch.pk, "stage": "idea"}
    response = owner_client.post(f"/customers/{havfrue.pk}/strategies/new", fields)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"title", "touchpoint"}
    assert not Strategy.objects.exists()


def test_another_sales_manager_reads_interests_and_strategies_but_cannot_edit(client, havfrue):
    row = factories.interest(havfrue, "IoT", noted_on=D(2027, 1, 5))
    strategy = strategy_save(customer=havfrue, title="Electric ferries", noted_on=D(2027, 1, 5))
    client.force_login(factories.user("jonas", "Sales managers"))
    page = client.get(f"/customers/{havfrue.pk}").content.decode()
    assert "IoT" in page and "Electric ferries" in page
    for control in ("Note an interest", "Confirm today", "Note a strategy", f"/interests/{row.pk}"):
        assert control not in page
    assert client.get(f"/customers/{havfrue.pk}/interests/new").status_code == 403
    assert client.post(f"/interests/{row.pk}/confirm").status_code == 403
    assert client.post(f"/interests/{row.pk}", {"delete": "1"}).status_code == 403
    assert client.get(f"/strategies/{strategy.pk}").status_code == 403
    new = {"title": "Mine", "noted_on": "2027-03-01", "stage": "idea"}
    assert client.post(f"/customers/{havfrue.pk}/strategies/new", new).status_code == 403
    row.refresh_from_db()
    assert row.confirmed_on is None and Strategy.objects.count() == 1


def test_a_calendar_admin_edits_any_customers_strategies_and_deletes_one(
    client, havfrue, calendar_admin
):
    admin_client = client
    admin_client.force_login(calendar_admin)
    strategy = strategy_save(customer=havfrue, title="Electric ferries", noted_on=D(2027, 1, 5))
    page = admin_client.get(f"/customers/{havfrue.pk}").content.decode()
    assert "Note a strategy" in page and "Note an interest" in page
    response = admin_client.post(f"/strategies/{strategy.pk}", {"delete": "1"})
    assert response.status_code == 302
    assert not Strategy.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_the_customer_page_costs_the_same_queries_however_many_interests(
    owner_client, havfrue, visit, count, django_assert_num_queries
):
    touch, person = visit
    for i in range(count):
        factories.interest(
            havfrue, f"Topic {i}", noted_on=D(2026, 1, 1), touchpoint=touch, person=person
        )
        strategy_save(customer=havfrue, title=f"Plan {i}", noted_on=D(2027, 1, 1), touchpoint=touch)
    # As tests/calendarapp/relationships/test_contact_pages.py counts them.
    with django_assert_num_queries(41):
        page = owner_client.get(f"/customers/{havfrue.pk}").content.decode()
    # Again with nothing changed: the page is remembered, and the change log asked once.
    with django_assert_num_queries(5):
        assert owner_client.get(f"/customers/{havfrue.pk}").status_code == 200
    assert page.count("Confirm today") == count
