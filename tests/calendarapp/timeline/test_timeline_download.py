"""The timeline as a spreadsheet: the same filters, every page, CSV or .xlsx."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from calendarapp.timeline import layout
from tests import factories

D = datetime.date
WINDOW = "?range=custom&start=2027-10-01&end=2027-10-31"


def sheet(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_holds_the_filtered_customers_of_every_page(sales_client, danes, monkeypatch):
    monkeypatch.setattr(layout, "PAGE_SIZE", 1)  # the page shows one; the file has both
    factories.customer("Bayern GmbH", "DE", subdivision="BY")

    response = sales_client.get(f"/timeline.csv{WINDOW}&country=DK&kind=vacation")

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="timeline-2027-10-01-2027-10-31.csv"'
    )
    header, *rows = sheet(response)
    assert header == layout.SHEET_HEADER
    assert [(row[0], row[3], row[5], row[6]) for row in rows] == [
        ("Aarhus A/S", "Vacation", "2027-10-18", "2027-10-22"),
        ("Bornholm A/S", "Vacation", "2027-10-18", "2027-10-22"),
    ]


def test_the_workbook_has_the_same_rows(sales_client, danes):
    csv_rows = sheet(sales_client.get(f"/timeline.csv{WINDOW}"))

    response = sales_client.get(f"/timeline.xlsx{WINDOW}")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    xlsx_rows = [
        [str(cell or "") for cell in row] for row in book["rows"].iter_rows(values_only=True)
    ]
    assert len(xlsx_rows) == len(csv_rows) > 1
    assert [row[0] for row in xlsx_rows] == [row[0] for row in csv_rows]


def test_a_bad_parameter_is_a_400_naming_it(sales_client, danes):
    response = sales_client.get("/timeline.csv?range=custom&start=2027-1-1&end=2027-02-01")

    assert response.status_code == 400
    assert "start" in response.content.decode()


def test_the_timeline_links_to_its_download_with_its_filters(sales_client, danes):
    page = sales_client.get(f"/{WINDOW}&country=DK").content.decode()

    assert 'href="/timeline.csv?range=custom&amp;start=2027-10-01' in page
    assert "country=DK" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_download_costs_the_same_queries_for_2_and_20_customers(
    sales_client, count, django_assert_max_num_queries
):
    for number in range(count):
        factories.customer(f"Kunde {number}", "DK")
    with django_assert_max_num_queries(20):
        assert sales_client.get(f"/timeline.csv{WINDOW}").status_code == 200
