"""The "Your calendars" page: add, edit, delete and sync one's own calendars; secrets never shown."""

from __future__ import annotations

import re

import pytest

from calendarapp.connections import sync, views
from calendarapp.connections.meetings import SKIPPED
from calendarapp.connections.reading import mask_url
from calendarapp.models import CalendarConnection, ConnectionStatus
from tests.calendar_servers import wrap
from tests.support import shown_form

PAGE = "/accounts/calendars/"
GOOGLE = "https://calendar.google.com/calendar/ical/sam%40example.com/private-5f2b7c9d/basic.ics"


@pytest.fixture
def work(sales_manager) -> CalendarConnection:
    return CalendarConnection.objects.create(
        owner=sales_manager, name="Work", url=GOOGLE, username="", password=""
    )


def test_a_syncs_summary_has_words_for_every_reason_a_meeting_is_skipped():
    assert set(views.SKIPPED_WORDS) == set(SKIPPED)


def test_the_account_menu_links_the_page(sales_client):
    assert f'href="{PAGE}"' in sales_client.get("/today/").content.decode()


def test_the_page_lists_the_users_calendars_with_the_address_masked(sales_client, work):
    CalendarConnection.objects.filter(pk=work.pk).update(
        status=ConnectionStatus.ERROR,
        last_error="The server answered 404 Not Found.",
        touches_logged=4,
    )

    page = sales_client.get(PAGE).content.decode()

    assert "Work" in page and mask_url(GOOGLE) in page
    assert "private-5f2b7c9d" not in page
    assert "Cannot be read" in page
    assert "The last sync failed:</strong> The server answered 404 Not Found." in page
    assert "<dt>Touches logged</dt><dd>4</dd>" in page


def test_a_calendar_is_added_once_for_a_double_click(sales_client, sales_manager):
    form = shown_form(sales_client, PAGE)
    form.update(name="Work", url=GOOGLE)

    first = sales_client.post(PAGE, form)
    second = sales_client.post(PAGE, form)

    assert first.status_code == second.status_code == 302
    stored = CalendarConnection.objects.get()
    assert (stored.owner, stored.url, stored.status) == (sales_manager, GOOGLE, "never")
    assert "private-5f2b7c9d" not in sales_client.get(PAGE).content.decode()


def test_a_bad_address_is_shown_on_its_field_and_nothing_is_saved(sales_client):
    form = shown_form(sales_client, PAGE)
    form.update(name="Work", url="http://calendar.example.com/cal.ics")

    response = sales_client.post(PAGE, form)

    assert response.status_code == 400
    assert "http:// sends the calendar unencrypted" in response.content.decode()
    assert not CalendarConnection.objects.exists()


def test_the_edit_form_shows_no_secret_and_keeps_them_when_left_as_shown(sales_client, work):
    CalendarConnection.objects.filter(pk=work.pk).update(username="sam", password="pw-Secret9")
    page = sales_client.get(f"{PAGE}{work.pk}").content.decode()
    assert "private-5f2b7c9d" not in page and "pw-Secret9" not in page
    form = shown_form(sales_client, f"{PAGE}{work.pk}")
    form["name"] = "Work (Google)"

    assert sales_client.post(f"{PAGE}{work.pk}", form).status_code == 302

    work.refresh_from_db()
    assert (work.name, work.url, work.username, work.password) == (
        "Work (Google)",
        GOOGLE,
        "sam",
        "pw-Secret9",
    )


def test_a_new_address_and_password_typed_in_are_saved(sales_client, work):
    form = shown_form(sales_client, f"{PAGE}{work.pk}")
    form.update(
        url="https://caldav.fastmail.com/dav/calendars/user/sam@example.com/work/",
        username="sam@example.com",
        password="new-app-pw",
    )

    assert sales_client.post(f"{PAGE}{work.pk}", form).status_code == 302

    work.refresh_from_db()
    assert work.url.startswith("https://caldav.fastmail.com/")
    assert (work.username, work.password) == ("sam@example.com", "new-app-pw")


def test_delete_asks_the_version_and_removes_the_calendar(sales_client, work):
    form = shown_form(sales_client, f"{PAGE}{work.pk}")

    response = sales_client.post(f"{PAGE}{work.pk}", {**form, "delete": "1"})

    assert response.status_code == 302
    assert not CalendarConnection.objects.exists()


def test_anyone_elses_calendar_is_the_404_page_for_admins_too(admin_client, work):
    assert admin_client.get(f"{PAGE}{work.pk}").status_code == 404
    assert admin_client.post(f"{PAGE}{work.pk}/sync").status_code == 404
    assert "No calendar connected yet." in admin_client.get(PAGE).content.decode()


def test_sync_now_says_why_a_calendar_cannot_be_read(sales_client, sales_manager, site):
    connection = CalendarConnection.objects.create(
        owner=sales_manager, name="Work", url=site.base + "/private-0a1b2c3d4e/basic.ics"
    )

    page = sales_client.post(f"{PAGE}{connection.pk}/sync", follow=True).content.decode()

    assert "“Work” could not be read: The server answered 404 Not Found." in page
    assert "private-0a1b2c3d4e" not in page


def test_sync_now_of_a_calendar_deleted_meanwhile_says_so(
    sales_client, sales_manager, site, monkeypatch
):
    connection = CalendarConnection.objects.create(
        owner=sales_manager, name="Work", url=site.put("/private-1/basic.ics", wrap().encode())
    )
    real = sync.events_between

    def deleted_once_read(**kwargs):
        events = real(**kwargs)
        CalendarConnection.objects.filter(pk=connection.pk).delete()
        return events

    monkeypatch.setattr(sync, "events_between", deleted_once_read)

    response = sales_client.post(f"{PAGE}{connection.pk}/sync", follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "“Work” was deleted meanwhile; nothing was synced." in response.content.decode()


def test_a_double_click_on_sync_now_syncs_once(sales_client, sales_manager, site, monkeypatch):
    connection = CalendarConnection.objects.create(
        owner=sales_manager, name="Work", url=site.put("/private-1/basic.ics", wrap().encode())
    )
    page = sales_client.get(PAGE).content.decode()
    once = re.search(rf'{PAGE}{connection.pk}/sync">.*?name="once" value="([^"]+)"', page)
    assert once, "the Sync now button carries a one-time token"
    calls = []
    real = views.connection_sync
    monkeypatch.setattr(views, "connection_sync", lambda **kw: calls.append(1) or real(**kw))

    first = sales_client.post(f"{PAGE}{connection.pk}/sync", {"once": once[1]}, follow=True)
    second = sales_client.post(f"{PAGE}{connection.pk}/sync", {"once": once[1]}, follow=True)

    assert len(calls) == 1
    assert "Synced “Work”" in first.content.decode()
    assert "Sync now was sent twice; the calendar was synced once." in second.content.decode()
    assert sales_client.post(f"{PAGE}{connection.pk}/sync", follow=True).status_code == 200
    assert len(calls) == 2, "a click without a token (an old page) still syncs"
