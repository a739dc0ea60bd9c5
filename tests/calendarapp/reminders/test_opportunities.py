"""Opportunities now: a sales manager's list across their customers, the team view, CSV."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from calendarapp.roles import SALES_MANAGERS
from customers.services import touchpoint_log
from tests import factories

DAY = datetime.timedelta(days=1)


def add_customers(owner, count: int, prefix: str = "C") -> list:
    today = timezone.localdate()
    found = []
    for i in range(count):
        customer = factories.customer(f"{prefix}{i:02}", "DK", owner=owner, budget_close_month=2)
        factories.interest(customer, f"topic {i % 3}", noted_on=today)
        factories.contract(customer, today + (150 + i) * DAY, name=f"Licence {i}")
        touchpoint_log(customer=customer, date=today - 40 * DAY, channel="phone")
        found.append(customer)
    return found


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_costs_the_same_queries_however_many_customers(
    sales_client, sales_manager, count, django_assert_num_queries
):
    add_customers(sales_manager, count)
    with django_assert_num_queries(17):
        response = sales_client.get("/opportunities/?owner=all&days=90")
    assert response.status_code == 200
    assert len(response.context["found"]) >= 2 * count, "a window and a touch each"


def test_mine_lists_my_customers_by_date_with_what_to_talk_about(sales_client, sales_manager):
    [mine] = add_customers(sales_manager, 1)
    add_customers(factories.user("kenji", SALES_MANAGERS), 1, prefix="K")
    response = sales_client.get("/opportunities/")
    found = response.context["found"]
    assert {item.customer for item in found} == {mine.pk}
    assert [i.deadline for i in found] == sorted(i.deadline for i in found)
    assert all(item.interests == ["topic 0"] for item in found)
    page = response.content.decode()
    assert "Pre-shopping for Licence 0" in page
    assert "topic 0" in page
    assert "Has shown interest in" in page


def test_filters_by_kind_and_interest(sales_client, sales_manager):
    add_customers(sales_manager, 3)
    touches = sales_client.get("/opportunities/?kind=touch_due").context["found"]
    assert touches and {item.kind for item in touches} == {"touch_due"}
    keen = sales_client.get("/opportunities/?interest=topic 1").context["found"]
    assert {item.customer_name for item in keen} == {"C01"}


def test_the_csv_has_the_same_list(sales_client, sales_manager):
    add_customers(sales_manager, 2)
    page = sales_client.get("/opportunities/?owner=all").context["found"]
    response = sales_client.get("/opportunities/?owner=all&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == "start end kind customer owner title message interests deadline".split()
    assert [(r[3], r[2]) for r in rows[1:]] == [(i.customer_name, i.kind) for i in page]


def test_the_xlsx_has_the_same_list_with_a_formula_looking_name_kept_as_text(
    sales_client, sales_manager
):
    [acme] = add_customers(sales_manager, 1, prefix='=HYPERLINK("http://evil")')
    page = sales_client.get("/opportunities/").context["found"]

    response = sales_client.get("/opportunities/?format=xlsx")

    assert response["Content-Disposition"] == 'attachment; filename="opportunities.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["rows"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:4] == ("start", "end", "kind", "customer")
    assert [(row[3], row[2]) for row in rows] == [(acme.name, item.kind) for item in page]
    assert {cell.data_type for cell in sheet["D"][1:]} == {"s"}
    assert rows[0][0] == datetime.datetime.combine(page[0].start, datetime.time())
    csv_names = {
        row[3]
        for row in csv.reader(
            io.StringIO(sales_client.get("/opportunities/?format=csv").content.decode("utf-8-sig"))
        )
    }
    assert "'" + acme.name in csv_names


def test_the_download_buttons_keep_the_pages_filters(sales_client, sales_manager):
    add_customers(sales_manager, 1)

    page = sales_client.get("/opportunities/?owner=all&days=90&format=").content.decode()

    assert 'href="?owner=all&amp;days=90&amp;format=csv"' in page
    assert 'href="?owner=all&amp;days=90&amp;format=xlsx"' in page


@pytest.mark.parametrize(
    ("query", "field"), [("owner=nobody", "owner"), ("days=999", "days"), ("kind=x", "kind")]
)
def test_a_bad_parameter_is_a_400_page_naming_it(sales_client, query, field):
    response = sales_client.get(f"/opportunities/?{query}")
    assert response.status_code == 400
    assert f"Parameter “{field}”" in response.content.decode()
