"""Your calendars in a real browser: connect a calendar served on a loopback port, sync it, and
see the meeting logged as a touch on the customer page; laptop and phone.

Screenshots land in tests/artifacts/ (calendars-*).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, Person
from tests.calendar_servers import wrap

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OWNED_BY_METTE = "Nordlys Retail A/S"
SECRET_PATH = "/calendar/ical/mette%40example.com/private-3e8a51c0d2/basic.ics"


def meeting_with(email: str, days_ago: int) -> bytes:
    """Mette's calendar: a video call with `email` some days ago, and one with colleagues only."""
    start = (timezone.now() - datetime.timedelta(days=days_ago)).astimezone(datetime.UTC)
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    stamp = "%Y%m%dT%H%M%SZ"

    def event(uid: str, title: str, *attendees: str) -> str:
        return "\r\n".join(
            [
                f"UID:{uid}",
                "DTSTAMP:20260101T000000Z",
                f"DTSTART:{start.strftime(stamp)}",
                f"DTEND:{(start + datetime.timedelta(hours=1)).strftime(stamp)}",
                f"SUMMARY:{title}",
                "ORGANIZER:mailto:mette@example.com",
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:mette@example.com",
                *(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{a}" for a in attendees),
                "LOCATION:https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc",
            ]
        )

    return wrap(
        event("renewal-call@nordlys", "Renewal call with Nordlys", email),
        event("team-sync@example", "Team sync", "jonas@example.com"),
    ).encode()


@pytest.fixture
def mettes_calendar(site, settings, demo) -> tuple[Customer, str]:
    """Nordlys Retail (Mette's) with Anna, and Mette's calendar holding a call with her."""
    settings.OUR_EMAIL_DOMAINS = ["example.com"]
    customer = Customer.objects.get(name=OWNED_BY_METTE)
    Person.objects.create(customer=customer, name="Anna Lund", email="anna.lund@nordlys.dk")
    return customer, site.put(SECRET_PATH, meeting_with("Anna.Lund@nordlys.dk", 2))


def connect(session, url: str) -> None:
    page = session.page
    page.get_by_role("link", name="Your calendars").click()
    expect(page.get_by_role("heading", name="Your calendars", exact=True)).to_be_visible()
    page.locator("#id_name").fill("Work calendar")
    page.locator("#id_url").fill(url)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_role("heading", name="Work calendar")).to_be_visible()


def test_a_sales_manager_connects_a_calendar_and_sees_the_meeting_logged(laptop, mettes_calendar):
    customer, url = mettes_calendar
    page = laptop.page
    laptop.login("mette", "demo-sales")
    connect(laptop, url)
    expect(page.get_by_text("Not synced yet")).to_be_visible()

    page.get_by_role("button", name="Sync Work calendar now").click()

    expect(page.get_by_text("Synced “Work calendar”: 1 new touch logged")).to_be_visible()
    card = page.locator("article", has_text="Work calendar")
    expect(card.get_by_text("✓ Working")).to_be_visible()
    expect(card.locator("dd", has_text="1").first).to_be_visible()
    assert "private-3e8a51c0d2" not in page.content()
    laptop.shot("calendars-laptop")

    laptop.go(f"/customers/{customer.pk}")
    history = page.locator("section", has=page.locator("#touches-title"))
    expect(history).to_contain_text("Renewal call with Nordlys")
    laptop.shot("calendars-customer-touch-laptop")


def test_a_calendar_that_cannot_be_read_says_why_on_a_phone(phone, mettes_calendar, site):
    page = phone.page
    phone.login("mette", "demo-sales")
    phone.go("/accounts/calendars/")
    page.locator("#id_name").fill("Old calendar")
    page.locator("#id_url").fill(site.base + "/gone/basic.ics")
    page.get_by_role("button", name="Connect").click()

    page.get_by_role("button", name="Sync Old calendar now").click()

    expect(page.get_by_text("“Old calendar” could not be read")).to_be_visible()
    card = page.locator("article", has_text="Old calendar")
    expect(card.get_by_text("⚠ Cannot be read")).to_be_visible()
    expect(card).to_contain_text("The last sync failed: The server answered 404 Not Found.")
    phone.shot("calendars-error-phone")
    page.evaluate("window.scrollTo(0, 0)")
    phone.shot("calendars-top-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing wider than the phone"
