"""Every API list answers a page: the shape, `?page_size=`, `?page=`, the touchpoints' cursor,
query counts per page and SQLite's variable limit; downloads stay whole."""

import contextlib
import datetime
import re
import sqlite3

import pytest
import yaml
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from calendarapp.models import IcsSource
from customers.models import Person, Touchpoint
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db
PAGE_KEYS = {"count", "next", "previous", "results"}


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


@pytest.fixture
def touches(customer):
    """Touchpoints of one customer, two a day, each with a person met: `count` of them."""

    def make(count: int) -> list[Touchpoint]:
        person = Person.objects.filter(customer=customer).first() or person_save(
            customer=customer, name="Mette"
        )
        made = Touchpoint.objects.bulk_create(
            Touchpoint(customer=customer, date=D(2026, 1, 1) + datetime.timedelta(days=n // 2))
            for n in range(count)
        )
        Touchpoint.people.through.objects.bulk_create(
            Touchpoint.people.through(touchpoint_id=t.pk, person_id=person.pk) for t in made
        )
        return made

    return make


def lists(customer, plan) -> list[str]:
    """Every list path of the API (Today keeps its `{"items"}`: not a list of rows)."""
    person = person_save(customer=customer, name="Mette")
    return [
        *(
            f"/api/{name}"
            for name in (
                "people",
                "decision-factors",
                "decision-steps",
                "competitors",
                "contracts",
                "customer-interests",
                "strategies",
                "touchpoints",
                "customers",
                "traditions",
                "plans",
                "ics-sources",
                "occurrences",
                "opportunities",
            )
        ),
        f"/api/plans/{plan.pk}/audience",
        f"/api/customers/{customer.pk}/history",
        f"/api/people/{person.pk}/history",
    ]


@pytest.fixture
def plan(calendar_admin, customer):
    return factories.plan(owner=calendar_admin, start=D(2026, 12, 7), customers=[customer])


def test_every_api_list_answers_a_page_with_count_next_previous_and_results(
    admin_client, customer, plan
):
    for path in lists(customer, plan):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert set(response.json()) == PAGE_KEYS, path
        assert response.json()["previous"] is None, path
    assert set(admin_client.get("/api/today").json()) == {"items"}


@pytest.mark.parametrize("size", ["0", "-1", "abc", "1.5", str(MAX_PAGE_SIZE + 1), "٣"])
def test_a_page_size_outside_1_to_1000_is_a_400_naming_page_size_on_every_list(
    admin_client, customer, plan, size
):
    for path in lists(customer, plan):
        response = admin_client.get(path, {"page_size": size})
        assert response.status_code == 400, path
        assert response.json() == {"errors": {"page_size": ["A whole number from 1 to 1,000."]}}


def test_an_empty_page_or_page_size_counts_as_not_given(admin_client, customer, plan):
    """As every query parameter of the API reads an empty value (the schema allows it)."""
    for path in lists(customer, plan):
        response = admin_client.get(path, {"page": "", "page_size": ""})
        assert response.status_code == 200, path
        assert response.json()["previous"] is None, path


def test_a_download_refuses_a_page_that_is_not_one(admin_client):
    response = admin_client.get("/api/opportunities", {"format": "csv", "page": "false"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


def test_pages_of_200_by_default_turn_by_page_until_the_last(admin_client):
    IcsSource.objects.bulk_create(
        IcsSource(name=f"S{n:03}", country="DK", kind="vacation") for n in range(450)
    )
    first = admin_client.get("/api/ics-sources").json()
    assert (first["count"], len(first["results"])) == (450, DEFAULT_PAGE_SIZE)
    names = [row["name"] for row in first["results"]]
    page = first
    while page["next"]:
        page = admin_client.get(page["next"]).json()
        names += [row["name"] for row in page["results"]]
    assert names == [f"S{n:03}" for n in range(450)]
    assert page["previous"].endswith("page=2")
    whole = admin_client.get("/api/ics-sources", {"page_size": MAX_PAGE_SIZE}).json()
    assert (whole["next"], len(whole["results"])) == (None, 450)


@pytest.mark.parametrize("number", ["0", "abc", "-2", "2.0"])
def test_a_page_that_is_not_a_number_is_a_400_naming_page(admin_client, number):
    response = admin_client.get("/api/plans", {"page": number})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


def test_a_page_past_the_last_is_a_404_in_the_errors_shape(admin_client, customer):
    assert admin_client.get("/api/customers", {"page": "last"}).status_code == 200
    response = admin_client.get("/api/customers", {"page": 2})
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["There is no page 2 in this list."]}}


# A day that is none, another way, another separator, a negative id, no id; not base64.
@pytest.mark.parametrize(
    "cursor",
    [
        "bzIwMjYtMDItMzAuNQ==",
        "eDIwMjYtMDEtMDEuNQ==",
        "bzIwMjYtMDEtMDE6NQ==",
        "bzIwMjYtMDEtMDEuLTU=",
        "bzIwMjYtMDEtMDEu",
        "abc",
        "é",
    ],
)
def test_a_cursor_the_list_did_not_give_is_a_400_naming_cursor(sales_client, cursor, customer):
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    response = sales_client.get("/api/touchpoints", {"cursor": cursor})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_touch_logged_while_a_client_turns_pages_neither_repeats_nor_skips_a_row(
    sales_client, touches, customer, clock
):
    touches(5)
    first = sales_client.get("/api/touchpoints", {"page_size": 2}).json()
    assert first["count"] == 5
    touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")  # the newest
    seen = [t["id"] for t in first["results"]]
    page = first
    while page["next"]:
        page = sales_client.get(page["next"]).json()
        seen += [t["id"] for t in page["results"]]
    assert page["count"] == 6
    assert seen == list(Touchpoint.objects.exclude(date=D(2026, 6, 1)).values_list("id", flat=True))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.lists(st.integers(min_value=0, max_value=40), max_size=30),
    size=st.integers(min_value=1, max_value=7),
)
def test_the_touchpoints_cursor_walks_every_touch_once_newest_first_and_back(
    sales_client, customer, days, size
):
    Touchpoint.objects.all().delete()
    Touchpoint.objects.bulk_create(
        Touchpoint(customer=customer, date=D(2026, 1, 1) + datetime.timedelta(days=day))
        for day in days
    )
    expected = list(Touchpoint.objects.order_by("-date", "-id").values_list("id", flat=True))
    pages = [sales_client.get("/api/touchpoints", {"page_size": size}).json()]
    while pages[-1]["next"]:
        pages.append(sales_client.get(pages[-1]["next"]).json())
    assert [t["id"] for page in pages for t in page["results"]] == expected
    assert {page["count"] for page in pages} == {len(days)}
    back = [t["id"] for t in pages[-1]["results"]]
    page = pages[-1]
    while page["previous"]:
        page = sales_client.get(page["previous"]).json()
        back = [t["id"] for t in page["results"]] + back
    assert back == expected


@pytest.mark.parametrize("size", [5, 40])
def test_a_page_of_touchpoints_costs_the_same_queries_at_any_size(
    sales_client, touches, size, django_assert_max_num_queries
):
    touches(60)
    # The session, its user, the permissions (two), the count, the page with its customers,
    # the people met and our people.
    with django_assert_max_num_queries(8):
        response = sales_client.get("/api/touchpoints", {"page_size": size})
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [3, 60])
def test_a_page_of_customers_by_name_costs_the_same_queries_at_any_size(
    sales_client, sales_manager, size, django_assert_max_num_queries
):
    for n in range(60):
        customer = factories.customer(f"Customer {n:02}", "DK", owner=sales_manager)
        factories.interest(customer, "cloud", noted_on=D(2026, 11, 1))
    with django_assert_max_num_queries(27):
        response = sales_client.get("/api/customers", {"page_size": size})
    listed = response.json()
    assert listed["count"] == 60
    assert [c["name"] for c in listed["results"]] == [f"Customer {n:02}" for n in range(size)]
    assert all(c["interests"][0]["name"] == "cloud" for c in listed["results"])


@pytest.mark.parametrize(
    "ordering", ["name", "-name", "budget_close_month", "-risk", "next_touch", "-next_touch"]
)
def test_the_customers_pages_together_are_the_whole_list_in_its_order(
    sales_client, sales_manager, ordering
):
    for n, name in enumerate(["beta", "Alfa", "Ærø", "alfa", "Østerbro", "Zulu", "Åbo"]):
        customer = factories.customer(name, "DK", owner=sales_manager, budget_close_month=n % 3 + 1)
        if n % 2:  # in touch on different days: their next touches differ
            touchpoint_log(customer=customer, date=D(2026, 11, 20 + n), channel="phone")
    whole = sales_client.get("/api/customers", {"ordering": ordering}).json()["results"]
    pages = [sales_client.get("/api/customers", {"ordering": ordering, "page_size": 2}).json()]
    while pages[-1]["next"]:
        pages.append(sales_client.get(pages[-1]["next"]).json())
    assert [c["id"] for page in pages for c in page["results"]] == [c["id"] for c in whole]
    if ordering == "name":
        assert [c["name"] for c in whole] == [
            *("Alfa", "alfa", "beta", "Zulu"),
            *("Ærø", "Østerbro", "Åbo"),  # in Danish order, as the Customers page sorts them
        ]
    if ordering.endswith("next_touch"):
        days = [c["next_touch"] for c in whole]
        assert days == sorted(days, reverse=ordering.startswith("-")) and len(set(days)) > 1


@pytest.mark.parametrize("size", [3, 60])
def test_a_page_of_customers_by_next_touch_costs_the_same_queries_at_any_size(
    sales_client, sales_manager, size, django_assert_max_num_queries
):
    for n in range(60):
        customer = factories.customer(f"Customer {n:02}", "DK", owner=sales_manager)
        touchpoint_log(customer=customer, date=D(2026, 11, 1 + n % 30), channel="phone")
    query = {"page_size": size, "ordering": "next_touch"}
    # The calendar is built here (each test starts with none remembered, tests/conftest.py).
    with django_assert_max_num_queries(27):
        response = sales_client.get("/api/customers", query)
    listed = response.json()
    assert listed["count"] == 60
    days = [c["next_touch"] for c in listed["results"]]
    assert len(days) == size and days == sorted(days)
    # Again: every customer's next touch is the process's remembered calendar, asked only
    # whether the change log has news; the page's own figures (risk, last touch) are read.
    with django_assert_max_num_queries(18):
        assert sales_client.get("/api/customers", query).json() == listed


@contextlib.contextmanager
def sqlite_variables(limit: int):
    """SQLite as builds before 3.32 ship it: `limit` variables a statement."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own limit")
    connection.ensure_connection()
    raw = connection.connection
    before = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    try:
        yield
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


def test_a_page_of_1000_touchpoints_stays_under_sqlites_oldest_variable_limit(
    sales_client, touches
):
    touches(MAX_PAGE_SIZE + 5)
    with sqlite_variables(999):
        response = sales_client.get("/api/touchpoints", {"page_size": MAX_PAGE_SIZE})
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], len(page["results"])) == (MAX_PAGE_SIZE + 5, MAX_PAGE_SIZE)
    assert all(t["people"] for t in page["results"])


def test_a_download_is_the_whole_list_streamed_in_batches_under_sqlites_limit(
    sales_client, touches, django_assert_max_num_queries
):
    touches(MAX_PAGE_SIZE + 205)
    # The session, its user, the permissions (two), then three batches of 500 touchpoints,
    # each with its people met and our people: read as the body is sent.
    with sqlite_variables(999), django_assert_max_num_queries(4 + 3 * 3):
        response = sales_client.get("/api/touchpoints", {"format": "csv"})
        assert response.status_code == 200
        assert response.streaming
        lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + MAX_PAGE_SIZE + 205
    assert lines[0].startswith("id,customer,customer_name,date,channel,people,")


def test_the_schema_says_each_list_answers_a_page_and_how_it_turns(sales_client, customer, plan):
    schema = yaml.safe_load(sales_client.get("/api/schema").content)
    for path in lists(customer, plan):
        template = re.sub(r"/\d+/", "/{id}/", path)
        operation = schema["paths"][template]["get"]
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        page = schema["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]
        assert set(page["properties"]) == PAGE_KEYS, path
        turns = {p["name"] for p in operation["parameters"]} & {"page", "cursor", "page_size"}
        assert turns == (
            {"cursor", "page_size"} if "touchpoints" in path else {"page", "page_size"}
        )
        if "touchpoints" not in path:
            assert "past the last" in operation["responses"]["404"]["description"], path
