"""A customer's own traditions on the site and in /api/traditions: the owner keeps them with a
repeat in words (yearly by default); a season repeating more often is refused for the owner and
confirmed by a calendar admin; local traditions stay the admins'."""

import datetime

import pytest

from calendarapp.lib.dates import serialize_recurrence
from calendarapp.roles import SALES_MANAGERS
from tests import factories
from tests.support import shown_form
from traditions.models import Tradition

D = datetime.date
pytestmark = pytest.mark.django_db

VACATION = {
    "kind": "vacation",
    "title": "Autumn break",
    "start": "2026-10-12",
    "end": "2026-10-16",
    "lead_time_days": "0",
    "notes": "",
}


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


def test_the_repeat_is_said_in_words_and_yearly_by_default(sales_client, customer):
    form = sales_client.get(f"/customers/{customer.pk}/traditions/new").context["form"]
    assert form["repeat"].initial == "yearly"
    bound = sales_client.post(
        f"/customers/{customer.pk}/traditions/new", {**VACATION, "title": ""}
    ).context["form"]
    assert dict(bound.fields["repeat"].choices) == {
        "yearly": "Every year on 12 Oct",
        "week": "Every year, Monday of week 42",
        "once": "Once",
        "monthly": "Every month on the 12th",
        "weekly": "Every week on Monday",
    }


@pytest.mark.parametrize(
    ("repeat", "rule"),
    [
        ("yearly", "RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=12"),
        ("week", "RRULE:FREQ=YEARLY;BYDAY=MO;BYWEEKNO=42"),
        ("once", ""),
    ],
)
def test_the_owner_adds_a_vacation_repeating_as_chosen(sales_client, customer, repeat, rule):
    response = sales_client.post(
        f"/customers/{customer.pk}/traditions/new", {**VACATION, "repeat": repeat}
    )
    assert response.status_code == 302
    assert response.url == f"/customers/{customer.pk}#traditions-title"
    saved = Tradition.objects.get()
    assert (saved.customer, saved.title) == (customer, "Autumn break")
    assert serialize_recurrence(saved.recurrence) == rule
    # Edited again, the page opens on the same words.
    form = sales_client.get(f"/traditions/{saved.pk}").context["form"]
    assert form["repeat"].initial == repeat


def test_a_weekly_five_day_vacation_is_refused_for_the_owner(sales_client, customer):
    response = sales_client.post(
        f"/customers/{customer.pk}/traditions/new", {**VACATION, "repeat": "weekly"}
    )
    assert response.status_code == 400
    (message,) = response.context["form"].errors["repeat"]
    assert message.startswith("A vacation repeats at most once a year")
    assert "confirm_often" not in response.context["form"].fields
    assert not Tradition.objects.exists()


def test_a_calendar_admin_must_tick_the_confirmation_to_save_a_weekly_vacation(
    admin_client, customer
):
    url = f"/customers/{customer.pk}/traditions/new"
    refused = admin_client.post(url, {**VACATION, "repeat": "weekly"})
    assert refused.status_code == 400
    assert not Tradition.objects.exists()
    saved = admin_client.post(url, {**VACATION, "repeat": "weekly", "confirm_often": "on"})
    assert saved.status_code == 302
    assert Tradition.objects.get().recurrence.rrules[0].freq == 2  # weekly


def test_a_weekly_team_meeting_of_kind_other_needs_no_confirmation(sales_client, customer):
    body = {**VACATION, "kind": "other", "end": "2026-10-12", "repeat": "weekly"}
    assert sales_client.post(f"/customers/{customer.pk}/traditions/new", body).status_code == 302


def test_the_owner_edits_and_deletes_a_tradition_and_others_get_403(client, customer):
    tradition = factories.tradition(customer=customer, start=D(2026, 11, 15), end=D(2026, 12, 31))
    client.force_login(factories.user("kenji", SALES_MANAGERS))
    assert client.get(f"/traditions/{tradition.pk}").status_code == 403
    assert client.get(f"/customers/{customer.pk}/traditions/new").status_code == 403
    client.force_login(customer.owner)
    page = client.get(f"/customers/{customer.pk}").content.decode()
    assert f"/traditions/{tradition.pk}" in page
    client.post(f"/traditions/{tradition.pk}", {"delete": "1"})
    assert not Tradition.objects.exists()


def api_body(customer, **fields):
    return {
        "customer": customer.pk,
        "kind": "vacation",
        "title": "Autumn break",
        "start": "2026-10-12",
        "end": "2026-10-16",
        "recurrence": "RRULE:FREQ=YEARLY",
        **fields,
    }


def test_owners_write_their_customers_traditions_through_the_api(sales_client, customer):
    response = sales_client.post(
        "/api/traditions", api_body(customer), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    patched = sales_client.patch(
        f"/api/traditions/{pk}", {"title": "Week 42"}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert sales_client.delete(f"/api/traditions/{pk}").status_code == 204


def test_another_sales_manager_cannot_write_the_customers_traditions(client, customer):
    tradition = factories.tradition(customer=customer, start=D(2026, 11, 15))
    client.force_login(factories.user("kenji", SALES_MANAGERS))
    post = client.post("/api/traditions", api_body(customer), content_type="application/json")
    assert post.status_code == 403
    patch = client.patch(
        f"/api/traditions/{tradition.pk}", {"title": "X"}, content_type="application/json"
    )
    assert patch.status_code == 403
    assert client.delete(f"/api/traditions/{tradition.pk}").status_code == 403


def test_a_weekly_vacation_in_the_api_is_a_400_unless_a_calendar_admin_confirms(
    client, sales_manager, calendar_admin, customer
):
    weekly = api_body(customer, recurrence="RRULE:FREQ=WEEKLY", confirm_often=True)
    client.force_login(sales_manager)  # an owner's confirmation does not count
    refused = client.post("/api/traditions", weekly, content_type="application/json")
    assert refused.status_code == 400
    assert "recurrence" in refused.json()["errors"]
    client.force_login(calendar_admin)
    admin_client = client
    unconfirmed = {**weekly, "confirm_often": False}
    assert (
        admin_client.post("/api/traditions", unconfirmed, content_type="application/json")
    ).status_code == 400
    confirmed = admin_client.post("/api/traditions", weekly, content_type="application/json")
    assert confirmed.status_code == 201


@pytest.fixture
def shown_twice(sales_client, customer):
    """A yearly vacation saved on the page, and its edit page as two people were shown it."""
    created = sales_client.post(
        f"/customers/{customer.pk}/traditions/new", {**VACATION, "repeat": "yearly"}
    )
    assert created.status_code == 302
    tradition = Tradition.objects.get()
    first = shown_form(sales_client, f"/traditions/{tradition.pk}")
    second = shown_form(sales_client, f"/traditions/{tradition.pk}")
    return tradition, first, second


def test_two_people_editing_one_tradition_on_the_page_each_keep_their_change(
    sales_client, shown_twice
):
    """One renames it, the other moves its first days: the name, the days and the rule stay."""
    tradition, first, second = shown_twice
    renamed = sales_client.post(f"/traditions/{tradition.pk}", {**first, "title": "Fall break"})
    assert renamed.status_code == 302, renamed.context["form"].errors
    moved = {**second, "start": "2026-10-19", "end": "2026-10-23"}
    assert sales_client.post(f"/traditions/{tradition.pk}", moved).status_code == 302
    tradition.refresh_from_db()
    assert (tradition.title, tradition.start, tradition.end) == (
        "Fall break",
        D(2026, 10, 19),
        D(2026, 10, 23),
    )
    assert (
        serialize_recurrence(tradition.recurrence) == "RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=19"
    )


def test_a_repeat_changed_by_someone_else_meanwhile_is_shown_not_overwritten(
    sales_client, shown_twice
):
    tradition, first, second = shown_twice
    assert (
        sales_client.post(f"/traditions/{tradition.pk}", {**first, "repeat": "once"}).status_code
        == 302
    )

    response = sales_client.post(f"/traditions/{tradition.pk}", {**second, "repeat": "week"})

    assert response.status_code == 400
    assert "Saved by someone else meanwhile: Once; yours: Every year, " in response.content.decode()
    tradition.refresh_from_db()
    assert serialize_recurrence(tradition.recurrence) == ""
