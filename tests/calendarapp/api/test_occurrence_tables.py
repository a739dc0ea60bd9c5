"""`/api/occurrences?format=csv|xlsx`: the JSON rows as a spreadsheet; errors stay JSON."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from tests import factories

WINDOW = {"start": "2026-10-01", "end": "2026-10-31", "kind": "customer_event"}


@pytest.fixture
def acme_events(db):
    acme = factories.customer("Acme", "DK")
    for title in ('=HYPERLINK("http://evil")', "Open house"):
        factories.tradition(
            customer=acme, kind="customer_event", title=title, start=datetime.date(2026, 10, 6)
        )
    return acme


def test_occurrences_as_csv_have_the_json_fields_as_columns(sales_client, acme_events):
    response = sales_client.get("/api/occurrences", WINDOW | {"format": "csv"})

    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="occurrences.csv"'
    header, *rows = csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    assert header == ["id", "start", "end", "kind", "title", "customer", "country"] + [
        "subdivision",
        "source",
    ]
    # A title a spreadsheet would run as a formula is kept as text.
    assert sorted(row[4] for row in rows) == ['\'=HYPERLINK("http://evil")', "Open house"]


def test_occurrences_as_xlsx_are_one_sheet_of_rows(sales_client, acme_events):
    response = sales_client.get("/api/occurrences", WINDOW | {"format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["rows"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("id", "start", "end", "kind", "title")
    # Stored as a text cell, which spreadsheets show and never run.
    assert sorted(row[4] for row in rows[1:]) == ['=HYPERLINK("http://evil")', "Open house"]
    assert [c.data_type for c in sheet["E"] if str(c.value).startswith("=")] == ["s"]


def test_a_bad_parameter_with_csv_keeps_the_json_error_shape(sales_client, db):
    response = sales_client.get("/api/occurrences", {"start": "yesterday", "format": "csv"})

    assert response.status_code == 400
    assert "start" in response.json()["errors"]
