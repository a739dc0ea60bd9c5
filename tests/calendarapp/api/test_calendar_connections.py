"""The calendar connections API: a user's own calendars, their secrets never read back."""

from __future__ import annotations

import pytest
from django.test import Client

from calendarapp.connections.reading import mask_url
from calendarapp.models import CalendarConnection
from calendarapp.roles import SALES_MANAGERS
from tests import factories

PATH = "/api/calendar-connections"
GOOGLE = (
    "https://calendar.google.com/calendar/ical/sam%40example.com/"
    "private-5f2b7c9d0e1a4b3c8d6e/basic.ics"
)
# The session, the user, their permissions, the count and the page.
QUERIES_PER_LIST = 6
FIELDS = {
    "id",
    "name",
    "url",
    "username",
    "password",
    "status",
    "last_synced_at",
    "last_error",
    "touches_logged",
    "metadata_only",
}


def post(client: Client, body: dict, **headers):
    return client.post(PATH, body, content_type="application/json", headers=headers)


def patch(client: Client, pk: int, body: dict, **headers):
    return client.patch(f"{PATH}/{pk}", body, content_type="application/json", headers=headers)


@pytest.fixture
def work(sales_manager) -> CalendarConnection:
    """Sam's Google calendar, by its secret address."""
    return CalendarConnection.objects.create(owner=sales_manager, name="Work", url=GOOGLE)


def test_a_new_connection_answers_every_field_with_the_address_masked_and_no_password(
    sales_client, sales_manager
):
    fastmail = "https://caldav.fastmail.com/dav/calendars/user/sam@example.com/work-8c1e/"
    response = post(
        sales_client,
        {
            "name": "Fastmail",
            "url": fastmail,
            "username": "sam@example.com",
            "password": "app-password-7Yq2",
            "metadata_only": True,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == FIELDS - {"password"}
    assert body["url"] == mask_url(fastmail)
    assert body["url"].startswith("https://caldav.fastmail.com/")
    assert body["url"].endswith("c1e/")
    assert body | {"id": 0} == {
        "id": 0,
        "name": "Fastmail",
        "url": body["url"],
        "username": "sam@example.com",
        "status": "never",
        "last_synced_at": None,
        "last_error": "",
        "touches_logged": 0,
        "metadata_only": True,
    }
    stored = CalendarConnection.objects.get()
    assert (stored.owner, stored.password) == (sales_manager, "app-password-7Yq2")
    assert "app-password" not in response.content.decode()
    assert "user/sam@example.com" not in response.content.decode()


def test_reads_mask_the_address_to_its_scheme_host_and_last_four_characters(sales_client, work):
    one = sales_client.get(f"{PATH}/{work.pk}")
    listed = sales_client.get(PATH)

    assert one.status_code == 200
    assert one.json()["url"] == mask_url(GOOGLE)
    assert one.json()["url"].startswith("https://calendar.google.com/")
    assert one.json()["url"].endswith(".ics")
    assert "private-5f2b" not in one.content.decode()
    assert listed.json()["results"] == [one.json()]
    assert "private-5f2b" not in listed.content.decode()


def test_the_list_is_a_page_of_the_users_own_connections_by_name(
    sales_client, sales_manager, calendar_admin, work
):
    CalendarConnection.objects.create(owner=sales_manager, name="Apple", url=GOOGLE)
    CalendarConnection.objects.create(owner=calendar_admin, name="Alice's", url=GOOGLE)

    body = sales_client.get(PATH, {"page_size": 1}).json()

    assert body["count"] == 2
    assert [row["name"] for row in body["results"]] == ["Apple"]
    assert "page=2" in body["next"]


def test_a_patch_sending_the_masked_address_back_changes_nothing_of_it(sales_client, work):
    shown = sales_client.get(f"{PATH}/{work.pk}").json()

    response = patch(sales_client, work.pk, {"url": shown["url"], "name": "Work (Google)"})

    assert response.status_code == 200, response.json()
    work.refresh_from_db()
    assert (work.url, work.name) == (GOOGLE, "Work (Google)")


def test_a_new_address_starts_again_as_never_synced(sales_client, work):
    CalendarConnection.objects.filter(pk=work.pk).update(status="error", last_error="Gone")

    response = patch(
        sales_client, work.pk, {"url": "webcal://p01-caldav.icloud.com/published/2/abcd"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["last_error"]) == ("never", "")
    work.refresh_from_db()
    assert work.url == "webcal://p01-caldav.icloud.com/published/2/abcd"


def test_a_patch_changes_only_what_it_sends(sales_client, work):
    CalendarConnection.objects.filter(pk=work.pk).update(username="sam", password="secret-1")

    patch(sales_client, work.pk, {"metadata_only": True})

    work.refresh_from_db()
    assert (work.name, work.url, work.username, work.password) == (
        "Work",
        GOOGLE,
        "sam",
        "secret-1",
    )
    assert work.metadata_only


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://calendar.example.com/cal.ics", "must start with https:// or webcal://"),
        ("calendar.google.com/basic.ics", "must start with https:// or webcal://"),
        ("http://calendar.example.com/cal.ics", "http:// sends the calendar unencrypted"),
        ("https://192.168.1.20/cal.ics", "private or local address (192.168.1.20)"),
        ("https://localhost:5232/sam/", "private or local address (localhost)"),
        ("https://[::1]/cal.ics", "private or local address (::1)"),
        ("https://calendar.example.com:99999/x", "cannot be read as a web address"),
        ("", "may not be blank"),
    ],
)
def test_an_address_that_cannot_be_a_calendar_is_a_400_naming_url(sales_client, url, message):
    response = post(sales_client, {"name": "Mine", "url": url})

    assert response.status_code == 400
    [problem] = response.json()["errors"]["url"]
    assert message in problem
    assert not CalendarConnection.objects.exists()


def test_http_is_taken_only_for_an_allowed_private_host(sales_client, settings):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["192.168.1.20"]

    response = post(sales_client, {"name": "Office", "url": "http://192.168.1.20/sam.ics"})

    assert response.status_code == 201, response.json()


def test_a_password_without_a_username_is_a_400_naming_username(sales_client):
    response = post(sales_client, {"name": "Mine", "url": GOOGLE, "password": "pw"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "username": ["A password needs its username: give both, or neither."]
    }


def test_a_missing_name_or_address_is_a_400_naming_each(sales_client):
    response = post(sales_client, {})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "url"}


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_anyone_elses_connection_is_a_404_for_admins_too(admin_client, work, method):
    response = getattr(admin_client, method)(
        f"{PATH}/{work.pk}", {"name": "Mine now"}, content_type="application/json"
    )

    assert response.status_code == 404
    work.refresh_from_db()
    assert work.name == "Work"


def test_anyone_elses_connection_cannot_be_synced_or_listed(admin_client, work):
    assert admin_client.post(f"{PATH}/{work.pk}/sync").status_code == 404
    assert admin_client.get(PATH).json()["count"] == 0


def test_another_sales_manager_gets_a_404_too(client, work):
    other = factories.user("kim", SALES_MANAGERS)
    client.force_login(other)

    assert client.get(f"{PATH}/{work.pk}").status_code == 404


def test_a_user_in_no_role_gets_a_403(client, nobody):
    client.force_login(nobody)

    assert client.get(PATH).status_code == 403


def test_delete_removes_the_connection(sales_client, work):
    assert sales_client.delete(f"{PATH}/{work.pk}").status_code == 204
    assert not CalendarConnection.objects.exists()
    assert sales_client.delete(f"{PATH}/{work.pk}").status_code == 404


def test_a_stale_if_match_is_a_412_and_saves_nothing(sales_client, work):
    etag = sales_client.get(f"{PATH}/{work.pk}")["ETag"]
    patch(sales_client, work.pk, {"name": "Renamed"})

    response = patch(sales_client, work.pk, {"metadata_only": True}, **{"If-Match": etag})

    assert response.status_code == 412
    assert response.json()["errors"] == {"name": ["Changed by someone else since you read it."]}
    work.refresh_from_db()
    assert not work.metadata_only


def test_the_same_idempotency_key_creates_one_connection(sales_client):
    body = {"name": "Work", "url": GOOGLE}
    first = post(sales_client, body, **{"Idempotency-Key": "connect-1"})
    again = post(sales_client, body, **{"Idempotency-Key": "connect-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert CalendarConnection.objects.count() == 1


@pytest.mark.parametrize("how_many", [1, 12])
def test_the_list_costs_the_same_queries_for_any_number_of_connections(
    sales_client, sales_manager, how_many, django_assert_max_num_queries
):
    for number in range(how_many):
        CalendarConnection.objects.create(owner=sales_manager, name=f"C{number}", url=GOOGLE)
    sales_client.get(PATH)  # the session and permissions, read once

    with django_assert_max_num_queries(QUERIES_PER_LIST):
        assert sales_client.get(PATH).json()["count"] == how_many


def test_nothing_secret_is_logged_while_connecting_and_reading(sales_client, caplog):
    created = post(
        sales_client, {"name": "Work", "url": GOOGLE, "username": "s", "password": "pw-Secret9"}
    )
    sales_client.get(f"{PATH}/{created.json()['id']}")
    sales_client.get(PATH)

    assert "private-5f2b" not in caplog.text
    assert "pw-Secret9" not in caplog.text
