"""A plan's audience, the team's touchpoints and Opportunities now as CSV and .xlsx from the API."""

from __future__ import annotations

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.utils import timezone

from calendarapp.roles import SALES_MANAGERS
from customers.services import person_save, touchpoint_log
from tests import factories

FORMULA = '=HYPERLINK("http://evil")'
DAY = datetime.timedelta(days=1)


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv"
    assert response.streaming, "a CSV download is sent as it is written"
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def xlsx_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["rows"]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def danish_event(sales_manager):
    """A plan for Denmark and Germany: a customer named like a formula, one of Kenji's."""
    kenji = factories.user("kenji", SALES_MANAGERS)
    factories.customer(FORMULA, "DK", owner=sales_manager)
    factories.customer("Bayern Bau", "DE", subdivision="BY", owner=kenji)
    factories.customer("Gone A/S", "DK", active=False)
    factories.customer("Oslo AS", "NO")
    return factories.plan(
        owner=sales_manager, start=datetime.date(2027, 3, 2), countries=["DK", "DE"]
    )


def test_a_plans_audience_as_csv_lists_whom_it_reaches_with_formulas_kept_as_text(
    sales_client, danish_event
):
    response = sales_client.get(f"/api/plans/{danish_event.pk}/audience?format=csv")

    name = f"plan-{danish_event.pk}-audience.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    header, *rows = csv_rows(response)
    assert header == ["id", "name", "country", "subdivision", "owner"]
    assert [row[1:] for row in rows] == [
        ["'" + FORMULA, "DK", "", "sam"],
        ["Bayern Bau", "DE", "BY", "kenji"],
    ]


def test_a_plans_audience_as_xlsx_keeps_the_formula_a_text_cell(sales_client, danish_event):
    response = sales_client.get(f"/api/plans/{danish_event.pk}/audience?format=xlsx")

    rows = xlsx_rows(response)
    assert [row[1] for row in rows[1:]] == [FORMULA, "Bayern Bau"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["rows"]
    assert sheet["B2"].data_type == "s"


def test_a_missing_plan_is_a_json_404_even_when_csv_is_asked(sales_client, db):
    response = sales_client.get("/api/plans/999999/audience?format=csv")

    assert response.status_code == 404
    assert "detail" in response.json()["errors"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_audience_costs_the_same_queries_however_many_customers(
    sales_client, sales_manager, count, django_assert_num_queries
):
    for number in range(count):
        factories.customer(f"Customer {number:02}", "DK", owner=sales_manager)
    plan = factories.plan(owner=sales_manager, start=datetime.date(2027, 3, 2), countries=["DK"])

    with django_assert_num_queries(9):  # the rows are read as the body is sent
        rows = csv_rows(sales_client.get(f"/api/plans/{plan.pk}/audience?format=csv"))
    assert len(rows) == count + 1


@pytest.fixture
def touches(sales_manager):
    acme = factories.customer("Acme", "DK", owner=sales_manager)
    beta = factories.customer("Beta", "SE", owner=sales_manager)
    for customer, day, summary in [
        (acme, datetime.date(2026, 5, 31), "Before"),
        (acme, datetime.date(2026, 6, 1), FORMULA),
        (beta, datetime.date(2026, 6, 30), "Lunch"),
        (beta, datetime.date(2026, 7, 1), "After"),
    ]:
        touchpoint_log(customer=customer, date=day, channel="visit", summary=summary)
    return acme, beta


def test_the_teams_touchpoints_of_a_period_as_csv(sales_client, touches):
    response = sales_client.get(
        "/api/touchpoints", {"since": "2026-06-01", "until": "2026-06-30", "format": "csv"}
    )

    assert response["Content-Disposition"] == 'attachment; filename="touchpoints.csv"'
    header, *rows = csv_rows(response)
    assert header[:4] == ["id", "customer", "customer_name", "date"]
    by_name = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(row["customer_name"], row["date"], row["summary"]) for row in by_name] == [
        ("Beta", "2026-06-30", "Lunch"),
        ("Acme", "2026-06-01", "'" + FORMULA),
    ]


def test_the_teams_touchpoints_as_xlsx_keep_the_summary_as_text(sales_client, touches):
    response = sales_client.get("/api/touchpoints", {"since": "2026-06-01", "format": "xlsx"})

    header, *rows = xlsx_rows(response)
    summaries = [row[header.index("summary")] for row in rows]
    assert summaries == ["After", "Lunch", FORMULA]


def test_until_before_since_is_refused_on_until_in_json(sales_client, db):
    response = sales_client.get(
        "/api/touchpoints", {"since": "2026-06-30", "until": "2026-06-01", "format": "csv"}
    )

    assert response.status_code == 400
    assert response.json()["errors"]["until"] == ["The until date cannot be before since."]


@pytest.mark.parametrize("count", [2, 20])
def test_touchpoints_cost_the_same_queries_however_many(
    sales_client, sales_manager, count, django_assert_num_queries
):
    acme = factories.customer("Acme", "DK", owner=sales_manager)
    ida = person_save(customer=acme, name="Ida")
    for number in range(count):
        touchpoint_log(
            customer=acme,
            date=datetime.date(2026, 6, 1) + number * DAY,
            channel="phone",
            people=[ida],
            our_people=[sales_manager],
        )

    with django_assert_num_queries(7):
        response = sales_client.get("/api/touchpoints?format=xlsx")
    assert len(xlsx_rows(response)) == count + 1


def test_opportunities_as_csv_name_the_customer_and_join_the_interests(sales_client, sales_manager):
    today = timezone.localdate()
    acme = factories.customer(FORMULA, "DK", owner=sales_manager)
    factories.interest(acme, "cloud", noted_on=today)
    factories.interest(acme, "IoT", noted_on=today)
    factories.contract(acme, today + 150 * DAY, name="Licence")

    response = sales_client.get("/api/opportunities?format=csv")

    assert response["Content-Disposition"] == 'attachment; filename="opportunities.csv"'
    header, *rows = csv_rows(response)
    assert header[:4] == ["kind", "customer", "customer_name", "owner"]
    assert rows and all(row[2] == "'" + FORMULA and row[3] == "sam" for row in rows)
    assert {row[header.index("interests")] for row in rows} == {"IoT; cloud"}
    assert xlsx_rows(sales_client.get("/api/opportunities?format=xlsx"))[1][2] == FORMULA


@pytest.mark.parametrize(
    ("path", "first_columns"),
    [
        ("/api/touchpoints?since=2030-01-01&format=csv", ["id", "customer", "customer_name"]),
        ("/api/opportunities?format=csv", ["kind", "customer", "customer_name"]),
        ("/api/occurrences?kind=customer_event&format=csv", ["id", "start", "end"]),
    ],
)
def test_an_empty_list_still_downloads_its_header(sales_client, path, first_columns):
    [header] = csv_rows(sales_client.get(path))

    assert header[: len(first_columns)] == first_columns


def test_the_teams_touchpoints_as_xlsx_have_dates_as_dates_a_frozen_header_and_widths(
    sales_client, touches
):
    response = sales_client.get("/api/touchpoints", {"since": "2026-06-01", "format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["rows"]
    header = [cell.value for cell in sheet[1]]
    dates = [row[header.index("date")] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value.date() for cell in dates] == [
        datetime.date(2026, 7, 1),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 6, 1),
    ]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in dates)
    assert sheet["A2"].data_type == "n"  # the id
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 0


def test_the_api_touchpoints_keep_their_json_columns_people_as_ids_and_changes_as_json(
    sales_client, sales_manager
):
    acme = factories.customer("Acme", "DK", owner=sales_manager)
    ida = person_save(customer=acme, name="Ida")
    change = {"topic": "budget", "text": "moved to March"}
    touchpoint_log(
        customer=acme,
        date=datetime.date(2026, 6, 1),
        channel="visit",
        people=[ida],
        changes=[change],
    )

    header, row = csv_rows(sales_client.get("/api/touchpoints?format=csv"))

    assert row[header.index("people")] == str(ida.pk)
    # As JSON (PostgreSQL's jsonb keeps the keys in its own order).
    assert json.loads(row[header.index("changes")]) == [change]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("path", ["/api/occurrences", "/api/touchpoints", "/api/opportunities"])
def test_options_of_a_table_endpoint_asking_for_a_spreadsheet_answers_its_json_description(
    sales_client, path, file_format
):
    response = sales_client.options(f"{path}?format={file_format}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "name" in response.json()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_options_of_a_plans_audience_asking_for_a_spreadsheet_answers_json(
    sales_client, sales_manager, file_format
):
    plan = factories.plan(
        owner=sales_manager, start=datetime.date(2026, 5, 5), countries=["DK"], title="Roadshow"
    )
    response = sales_client.options(f"/api/plans/{plan.pk}/audience?format={file_format}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
