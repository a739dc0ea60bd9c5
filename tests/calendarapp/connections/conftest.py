"""The reading tests run each rule through both transports: a secret iCal address and CalDAV;
the sync's tests read the calendars of Sam, a sales manager, and his colleague Alice."""

from __future__ import annotations

from pathlib import Path

import pytest

from calendarapp.models import CalendarConnection
from customers.models import Customer, Person
from tests import factories

FILES = Path(__file__).parent / "files"


@pytest.fixture(params=["ical", "caldav"])
def transport(request, site):
    """A function serving a calendar's text through one transport; it returns the keyword
    arguments `events_between` takes to read it (`url`, and for CalDAV a login)."""
    if request.param == "ical":

        def serve(text: str) -> dict[str, str]:
            return {"url": site.put(f"/{len(site.pages)}/basic.ics", text.encode())}

    else:
        server = request.getfixturevalue("caldav_server")

        def serve(text: str) -> dict[str, str]:
            return {
                "url": server.calendar_of(text),
                "username": server.username,
                "password": server.password,
            }

    serve.name = request.param
    return serve


@pytest.fixture
def export():
    """The text of a client's export under files/ (google, outlook, icloud)."""
    return lambda name: (FILES / f"{name}.ics").read_text(encoding="utf-8")


# The calendars the sync's tests read: the sales manager Sam's and his colleague Alice's.


@pytest.fixture
def our_domain(settings):
    settings.OUR_EMAIL_DOMAINS = ["example.com"]


@pytest.fixture
def sams_calendar(sales_manager, our_domain) -> CalendarConnection:
    return CalendarConnection.objects.create(
        owner=sales_manager, name="Work", url="https://calendar.example.org/sam.ics"
    )


@pytest.fixture
def alices_calendar(calendar_admin, our_domain) -> CalendarConnection:
    return CalendarConnection.objects.create(
        owner=calendar_admin, name="Outlook", url="https://outlook.example.org/alice.ics"
    )


@pytest.fixture
def aarhus(sales_manager) -> Customer:
    """Aarhus A/S at aarhus.dk, with Jens."""
    customer = factories.customer(
        "Aarhus A/S", "DK", owner=sales_manager, email_domains=["aarhus.dk"]
    )
    Person.objects.create(customer=customer, name="Jens Holm", email="Jens@Aarhus.DK")
    return customer
