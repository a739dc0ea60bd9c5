"""The people and touchpoints API: exact fields, every bad input a 400 naming it, owners only."""

import datetime

import pytest

from calendarapp.roles import SALES_MANAGERS
from customers.models import Person, Touchpoint
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


def test_people_list_shows_exactly_the_issue_fields_and_filters_by_customer(sales_client, cfo):
    other = factories.customer("Bornholm A/S", "DK")
    person_save(customer=other, name="Jonas")
    response = sales_client.get(f"/api/people?customer={cfo.customer_id}")
    assert response.status_code == 200
    (person,) = response.json()["results"]
    assert set(person) == {
        "id", "customer", "name", "job_title", "email", "phone", "country", "subdivision",
        "reports_to", "active", "started_on", "left_on", "notes",
        "decision_role", "stance", "influence", "personal_stake",
    }  # fmt: skip
    assert person["name"] == "Mette"


def test_a_customer_id_that_is_not_a_number_is_a_400_naming_it(sales_client):
    response = sales_client.get("/api/people?customer=abc")
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"started_on": "2026-05-01", "left_on": "2026-04-01"}, "left_on"),
        ({"started_on": "2026-5-1"}, "started_on"),
    ],
)
def test_a_bad_person_is_a_400_naming_the_field_and_saves_nothing(
    sales_client, customer, body, field
):
    response = sales_client.post(
        "/api/people",
        {"customer": customer.pk, "name": "Ole", **body},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Person.objects.exists()


def test_reporting_to_a_person_of_another_customer_is_a_400_naming_reports_to(
    sales_client, customer
):
    stranger = person_save(customer=factories.customer("Bornholm A/S", "DK"), name="Jonas")
    response = sales_client.post(
        "/api/people",
        {"customer": customer.pk, "name": "Ole", "reports_to": stranger.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reports_to" in response.json()["errors"]
    assert Person.objects.count() == 1


def test_the_account_owner_adds_and_edits_people_but_not_of_other_owners_customers(
    sales_client, cfo
):
    created = sales_client.post(
        "/api/people",
        {
            "customer": cfo.customer_id,
            "name": "Ole",
            "reports_to": cfo.pk,
            "started_on": "2026-03-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["reports_to"] == cfo.pk
    changed = sales_client.patch(
        f"/api/people/{cfo.pk}", {"left_on": "2026-06-30"}, content_type="application/json"
    )
    assert changed.status_code == 200
    someone_elses = factories.customer(
        "Odense A/S", "DK", owner=factories.user("kenji", SALES_MANAGERS)
    )
    theirs = person_save(customer=someone_elses, name="Kim")
    assert (
        sales_client.patch(
            f"/api/people/{theirs.pk}", {"name": "K"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        sales_client.post(
            "/api/people",
            {"customer": someone_elses.pk, "name": "New"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert sales_client.delete(f"/api/people/{theirs.pk}").status_code == 403
    assert sales_client.get(f"/api/people/{theirs.pk}").status_code == 200  # others read


def test_a_calendar_admin_edits_anyones_people(admin_client, cfo):
    response = admin_client.patch(
        f"/api/people/{cfo.pk}", {"job_title": "CEO"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert admin_client.delete(f"/api/people/{cfo.pk}").status_code == 204


def test_a_touchpoint_is_logged_with_exactly_the_issue_fields(
    sales_client, sales_manager, cfo, clock
):
    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": cfo.customer_id,
            "date": "2026-06-10",
            "channel": "visit",
            "people": [cfo.pk],
            "our_people": [sales_manager.username],
            "summary": "Coffee",
            "changes": [{"topic": "budget", "text": "Budget cut by 10%."}],
            "outcome": "follow_up",
            "follow_up_on": "2026-07-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert set(response.json()) == {
        "id", "customer", "customer_name", "date", "channel", "people", "our_people", "summary",
        "changes", "outcome", "follow_up_on", "warnings",
    }  # fmt: skip
    assert response.json()["warnings"] == []
    assert response.json()["our_people"] == ["sam"]
    listed = sales_client.get(f"/api/touchpoints?customer={cfo.customer_id}&since=2026-06-01")
    assert [t["id"] for t in listed.json()["results"]] == [response.json()["id"]]
    assert sales_client.get("/api/touchpoints?since=2026-06-11").json()["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-06-16"}, "date"),
        ({"channel": "pigeon"}, "channel"),
        ({"changes": [{"topic": "weather", "text": "Sunny."}]}, "changes"),
        ({"changes": [{"topic": "budget", "text": "Cut\u0000 by half."}]}, "changes"),
        ({"outcome": "follow_up"}, "follow_up_on"),
        ({"outcome": "not_now"}, "follow_up_on"),
        ({"date": "2026-6-1"}, "date"),
    ],
)
def test_a_bad_touchpoint_is_a_400_naming_the_field_and_saves_nothing(
    sales_client, cfo, clock, body, field
):
    response = sales_client.post(
        "/api/touchpoints",
        {"customer": cfo.customer_id, "date": "2026-06-10", "channel": "phone", **body},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Touchpoint.objects.exists()


@pytest.mark.parametrize("field", ["people", "people_updates"])
def test_meeting_or_updating_a_person_of_another_customer_is_a_400_naming_the_field(
    sales_client, cfo, clock, field
):
    stranger = person_save(customer=factories.customer("Bornholm A/S", "DK"), name="Jonas")
    sent = [stranger.pk] if field == "people" else [{"id": stranger.pk, "job_title": "CEO"}]
    response = sales_client.post(
        "/api/touchpoints",
        {"customer": cfo.customer_id, "date": "2026-06-10", "channel": "phone", field: sent},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Touchpoint.objects.exists()
    stranger.refresh_from_db()
    assert stranger.job_title == ""


def test_the_customer_api_says_when_we_last_touched_and_when_next(sales_client, customer, clock):
    before = sales_client.get(f"/api/customers/{customer.pk}").json()
    assert before["last_touch"] is None
    assert before["touch_status"] == "never"
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    after = sales_client.get(f"/api/customers/{customer.pk}").json()
    assert after["last_touch"] == "2026-06-01"
    assert after["touch_status"] == "ok"
    assert after["next_touch"] == "2026-07-01"
    listed = sales_client.get("/api/customers").json()["results"]
    assert listed[0]["next_touch"] == "2026-07-01"


def test_the_customer_apis_touch_fields_are_read_only(admin_client, customer, clock):
    response = admin_client.patch(
        f"/api/customers/{customer.pk}",
        {"last_touch": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["last_touch"] is None


def test_contact_every_days_outside_7_to_365_is_a_400_naming_it(admin_client, customer):
    response = admin_client.patch(
        f"/api/customers/{customer.pk}",
        {"contact_every_days": 400},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "contact_every_days" in response.json()["errors"]


def test_occurrences_of_kind_touch_due_are_the_placed_touches(sales_client, customer, clock):
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    response = sales_client.get("/api/occurrences?start=2026-06-15&end=2026-08-31&kind=touch_due")
    assert response.status_code == 200
    (touch,) = response.json()["results"]
    assert touch["kind"] == "touch_due"
    assert touch["start"] == "2026-07-01"
    assert touch["customer"] == customer.pk


def test_a_new_customer_is_in_touch_as_often_as_the_setting_says(admin_client, settings):
    settings.CONTACT_EVERY_DAYS = 14
    response = admin_client.post(
        "/api/customers", {"name": "Odense A/S", "country": "DK"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["contact_every_days"] == 14


def test_a_touchpoint_updates_the_people_met_in_the_same_save(sales_client, cfo, clock):
    ole = person_save(customer=cfo.customer, name="Ole", job_title="CIO")
    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": cfo.customer_id,
            "date": "2026-06-10",
            "channel": "visit",
            "people": [cfo.pk, ole.pk],
            "people_updates": [
                {"id": cfo.pk, "stance": "sceptic", "decision_role": "economic_buyer"},
                {"id": ole.pk, "job_title": "CTO", "left_on": "2026-06-30"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert "people_updates" not in response.json()
    cfo.refresh_from_db()
    ole.refresh_from_db()
    assert (cfo.stance, cfo.decision_role, cfo.job_title) == ("sceptic", "economic_buyer", "CFO")
    assert (ole.job_title, ole.left_on, ole.active) == ("CTO", D(2026, 6, 30), True)
    history = sales_client.get(f"/api/people/{cfo.pk}/history").json()["results"]
    assert {(h["field"], h["new_value"]) for h in history} == {
        ("stance", "sceptic"),
        ("decision_role", "economic_buyer"),
    }
    # A PATCH may carry updates too, and leaves the touch's other fields as they were.
    touch = response.json()["id"]
    response = sales_client.patch(
        f"/api/touchpoints/{touch}",
        {"people_updates": [{"id": cfo.pk, "stance": "supporter"}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    cfo.refresh_from_db()
    assert cfo.stance == "supporter"
    assert response.json()["people"] == [cfo.pk, ole.pk]


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"left_on": "2020-01-01"}, "Ole ({pk}), left_on: A person cannot leave before"),
        ({"stance": "fan"}, "Ole ({pk}), stance: "),
        ({"left_on": "2026-6-30"}, "Ole ({pk}), left_on: "),
        ({"jobtitle": "CTO"}, "Ole ({pk}): unknown fields jobtitle."),
        ({"customer": 1}, "Ole ({pk}): unknown fields customer."),
        ({"id": "x"}, "Each update needs the person's id."),
        ({"id": 999999}, "No person 999999 at Aarhus A/S."),
    ],
)
def test_a_bad_update_of_someone_met_is_a_400_naming_it_and_saves_nothing(
    sales_client, cfo, clock, update, message
):
    ole = person_save(customer=cfo.customer, name="Ole", started_on=D(2024, 1, 1))
    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": cfo.customer_id,
            "date": "2026-06-10",
            "channel": "visit",
            "people_updates": [
                {"id": cfo.pk, "job_title": "CEO"},
                {"id": ole.pk, **update},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]["people_updates"]
    assert error.startswith(message.format(pk=ole.pk)), error
    cfo.refresh_from_db()
    assert cfo.job_title == "CFO"
    assert not Touchpoint.objects.exists()


def test_a_touch_adds_new_people_met_or_only_heard_of(sales_client, cfo, clock):
    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": cfo.customer_id,
            "date": "2026-06-10",
            "channel": "phone",
            "people": [cfo.pk],
            "new_people": [
                {"name": "Lars", "job_title": "CFO", "decision_role": "economic_buyer",
                 "stance": "unknown", "influence": "high", "met": False},
                {"name": "Ida", "email": "ida@example.com"},
            ],
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert "new_people" not in response.json()
    lars, ida = Person.objects.get(name="Lars"), Person.objects.get(name="Ida")
    assert (lars.job_title, lars.decision_role, lars.influence) == ("CFO", "economic_buyer", "high")
    # Met when left out; only heard of: recorded, not among the people met.
    assert sorted(response.json()["people"]) == sorted([cfo.pk, ida.pk])


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ({"job_title": "CFO"}, "name: This field is required."),
        ({"name": "Lars", "stance": "fan"}, 'stance: "fan" is not a valid choice.'),
        ({"name": "Lars", "met": "maybe"}, "met: Must be true or false, not a string."),
        ({"name": "Lars", "phone": "1"}, "phone: Unknown field."),
        ({"name": "Lars", "email": "lars@"}, "email: Enter a valid email address."),
    ],
)
def test_a_bad_new_person_is_a_400_naming_the_field_and_saves_nothing(
    sales_client, cfo, clock, person, message
):
    response = sales_client.post(
        "/api/touchpoints",
        {"customer": cfo.customer_id, "date": "2026-06-10", "channel": "phone",
         "new_people": [{"name": "Ida"}, person]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    # The second person, in the one error shape: a list of sentences under the field.
    assert response.json()["errors"]["new_people"] == [f"Item 2, {message}"]
    assert not Touchpoint.objects.exists()
    assert list(Person.objects.all()) == [cfo]


def test_a_follow_up_on_a_day_off_is_saved_as_agreed_with_a_warning(
    sales_client, sales_manager, clock
):
    kalmar = factories.customer("Kalmar AB", "SE", owner=sales_manager)
    body = {"customer": kalmar.pk, "date": "2026-06-10", "channel": "phone",
            "outcome": "follow_up", "follow_up_on": "2026-12-24"}  # fmt: skip
    response = sales_client.post("/api/touchpoints", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["follow_up_on"] == "2026-12-24"
    assert response.json()["warnings"] == [
        {
            "code": "people_away",
            "text": "Kalmar AB: Christmas Eve (de facto) (24 Dec 2026), the people are not there "
            "for your follow-up on 24 Dec 2026.",
        }
    ]
    touch = response.json()["id"]
    moved = sales_client.patch(
        f"/api/touchpoints/{touch}", {"follow_up_on": "2026-12-22"}, content_type="application/json"
    )
    assert moved.json()["warnings"] == []
    again = sales_client.patch(
        f"/api/touchpoints/{touch}", {"summary": "Call"}, content_type="application/json"
    )
    assert again.json()["warnings"] == []
    back = sales_client.patch(
        f"/api/touchpoints/{touch}", {"follow_up_on": "2026-12-25"}, content_type="application/json"
    )
    assert [w["code"] for w in back.json()["warnings"]] == ["people_away"]
    assert "warnings" not in sales_client.get(f"/api/touchpoints/{touch}").json()


def test_a_follow_up_in_the_customers_vacation_warns(sales_client, customer, clock):
    factories.tradition(
        customer=customer, kind="vacation", title="Summer close", start=D(2026, 7, 6),
        end=D(2026, 7, 24),
    )  # fmt: skip
    response = sales_client.post(
        "/api/touchpoints",
        {"customer": customer.pk, "date": "2026-06-10", "channel": "phone",
         "outcome": "follow_up", "follow_up_on": "2026-07-08"},
        content_type="application/json",
    )  # fmt: skip
    (warning,) = response.json()["warnings"]
    assert warning["code"] == "people_away" and "Summer close" in warning["text"]
