"""A customer's touch history as people read it, and its download on the customer page."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from calendarapp.relationships.exports import touch_history_rows
from customers.models import Person
from customers.services import touchpoint_log
from tests import factories


def test_the_touch_history_names_people_and_says_what_changed(db):
    mette = factories.user("mette", first_name="Mette", last_name="Holm")
    kenji = factories.user("kenji")
    acme = factories.customer("Acme", "DK", owner=mette)
    anna = Person.objects.create(customer=acme, name="Anna Berg")
    ole = Person.objects.create(customer=acme, name="Ole")
    touchpoint_log(
        customer=acme,
        date=datetime.date(2026, 6, 1),
        channel="visit",
        people=[anna, ole],
        our_people=[mette, kenji],
        summary="=Lunch",
        changes=[
            {"topic": "budget", "text": "moved to March"},
            {"topic": "people", "text": "Ole is the new CFO"},
        ],
        outcome="follow_up",
        follow_up_on=datetime.date(2026, 7, 1),
    )
    touchpoint_log(customer=acme, date=datetime.date(2026, 5, 1), channel="email")

    header, *rows = touch_history_rows(acme)

    assert header == "date channel people our_people summary changes outcome follow_up_on".split()
    assert rows == [
        [
            datetime.date(2026, 6, 1),
            "Visit",
            "Anna Berg; Ole",
            "kenji; Mette Holm",
            "=Lunch",
            "Budget: moved to March\nPeople: Ole is the new CFO",
            "Follow up on a date",
            datetime.date(2026, 7, 1),
        ],
        [datetime.date(2026, 5, 1), "Email", "", "", "", "", "Nothing to follow up", None],
    ]


@pytest.mark.parametrize("count", [2, 20])
def test_the_touch_history_costs_the_same_queries_however_many_touches(
    db, count, django_assert_num_queries
):
    acme = factories.customer("Acme", "DK")
    anna = Person.objects.create(customer=acme, name="Anna")
    for number in range(count):
        touchpoint_log(
            customer=acme,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
            channel="phone",
            people=[anna],
            our_people=[factories.user(f"user{number}")],
        )

    with django_assert_num_queries(3):
        assert len(touch_history_rows(acme)) == count + 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_customer_page_downloads_the_touch_history_for_people_to_read(
    sales_client, file_format
):
    acme = factories.customer("Acme A/S", "DK")
    anna = Person.objects.create(customer=acme, name="Anna Berg")
    touchpoint_log(
        customer=acme,
        date=datetime.date(2026, 6, 1),
        channel="visit",
        people=[anna],
        changes=[{"topic": "budget", "text": "moved to March"}],
    )
    page = sales_client.get(f"/customers/{acme.pk}").content.decode()
    assert f'href="/customers/{acme.pk}/touches.{file_format}"' in page

    response = sales_client.get(f"/customers/{acme.pk}/touches.{file_format}")

    assert response.status_code == 200
    assert f'filename="touches-acme-as.{file_format}"' in response["Content-Disposition"]
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        assert "Anna Berg" in text and "Budget: moved to March" in text
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1][2] == "Anna Berg"
        assert rows[1][5] == "Budget: moved to March"


def test_the_touch_history_download_of_an_unknown_customer_is_404(sales_client, db):
    assert sales_client.get("/customers/999999/touches.csv").status_code == 404
