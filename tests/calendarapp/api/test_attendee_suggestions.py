"""/api/attendee-suggestions: the user's own customers' suggestions (every customer's for calendar
admins), a page at a time; dismissing names its fields, is idempotent and the owner's to do;
accepting is POST /api/people, after which the suggestion is gone."""

import datetime

import pytest

from calendarapp.models import AttendeeDismissal
from calendarapp.roles import SALES_MANAGERS
from customers.models import Person
from tests import factories

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)


@pytest.fixture
def acme(sales_manager):
    customer = factories.customer("Acme", "DK", owner=sales_manager, email_domains=["acme.dk"])
    factories.calendar_meeting(customer, AT, ("anna@acme.dk", "Anna Holm"), ("ole@else.dk", "O"))
    return customer


@pytest.fixture
def theirs():
    kenji = factories.user("kenji", SALES_MANAGERS)
    customer = factories.customer("Beta", "SE", owner=kenji, email_domains=["beta.se"])
    factories.calendar_meeting(customer, AT, ("bo@beta.se", "Bo"))
    return customer


def dismiss(client, body):
    return client.post("/api/attendee-suggestions/dismiss", body, content_type="application/json")


def test_a_sales_manager_gets_the_suggestions_of_their_own_customers_as_a_page(
    sales_client, acme, theirs
):
    answer = sales_client.get("/api/attendee-suggestions")
    assert answer.status_code == 200
    assert answer.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "email": "anna@acme.dk",
                "name": "Anna Holm",
                "customer": acme.pk,
                "meetings": 1,
                "last_seen": "2026-11-20",
            }
        ],
    }


def test_a_calendar_admin_gets_every_customers_suggestions(admin_client, acme, theirs):
    answer = admin_client.get("/api/attendee-suggestions").json()
    assert sorted(row["email"] for row in answer["results"]) == ["anna@acme.dk", "bo@beta.se"]


def test_the_list_pages_like_every_list(admin_client, acme, theirs):
    first = admin_client.get("/api/attendee-suggestions?page_size=1").json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    assert admin_client.get("/api/attendee-suggestions?page_size=0").status_code == 400


def test_dismissing_takes_the_suggestion_away_and_a_second_dismissal_changes_nothing(
    sales_client, acme
):
    for _ in range(2):
        answer = dismiss(sales_client, {"email": "Anna@Acme.dk", "customer": acme.pk})
        assert answer.status_code == 200
        assert answer.json() == {"email": "anna@acme.dk", "customer": acme.pk, "dismissed": True}
    assert AttendeeDismissal.objects.count() == 1
    assert sales_client.get("/api/attendee-suggestions").json()["count"] == 0


def test_accepting_is_adding_the_person_and_the_suggestion_is_gone(sales_client, acme):
    answer = sales_client.post(
        "/api/people",
        {"customer": acme.pk, "name": "Anna Holm", "email": "anna@acme.dk"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert Person.objects.get().email == "anna@acme.dk"
    assert sales_client.get("/api/attendee-suggestions").json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"customer": 1}, "email"),
        ({"email": "anna@acme.dk"}, "customer"),
        ({"email": "not an address", "customer": "ACME"}, "customer"),
        ({"email": "not an address", "customer": 1}, "email"),
        ({"email": "anna@acme.dk", "customer": 999999}, "customer"),
        ({"email": ["anna@acme.dk"], "customer": 1}, "email"),
    ],
)
def test_a_bad_dismissal_is_a_400_naming_the_field(admin_client, acme, body, field):
    body = {key: acme.pk if value == 1 else value for key, value in body.items()}
    answer = dismiss(admin_client, body)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert not AttendeeDismissal.objects.exists()


def test_another_sales_manager_may_not_dismiss_for_a_customer_not_theirs(sales_client, theirs):
    answer = dismiss(sales_client, {"email": "bo@beta.se", "customer": theirs.pk})
    assert answer.status_code == 403
    assert not AttendeeDismissal.objects.exists()


def test_a_calendar_admin_dismisses_for_any_customer(admin_client, theirs):
    assert dismiss(admin_client, {"email": "bo@beta.se", "customer": theirs.pk}).status_code == 200


def test_someone_not_logged_in_gets_401_and_a_user_in_no_role_403(client, nobody, acme):
    assert client.get("/api/attendee-suggestions").status_code == 401
    client.force_login(nobody)
    assert client.get("/api/attendee-suggestions").status_code == 403
    assert dismiss(client, {"email": "anna@acme.dk", "customer": acme.pk}).status_code == 403
