"""The one CSV and .xlsx writer: typed cells, widths, a frozen header, and text that round-trips."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.lib import tables

# Any text a database stores (PostgreSQL refuses NUL; surrogates are not text).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


def workbook(rows: list[list]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes({"rows": rows})))


def test_numbers_and_dates_are_typed_cells_and_dates_show_as_yyyy_mm_dd():
    sheet = workbook([["n", "day", "text"], [6, datetime.date(2027, 6, 30), "0042"]])["rows"]

    assert sheet["A2"].value == 6 and sheet["A2"].data_type == "n"
    assert sheet["B2"].is_date and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == "0042" and sheet["C2"].data_type == "s"


def test_every_sheet_has_its_header_frozen_and_columns_as_wide_as_their_text():
    book = openpyxl.load_workbook(
        io.BytesIO(
            tables.xlsx_bytes(
                {
                    "a": [["id", "notes"], [1, "a rather long note\nshort"]],
                    "b": [["name"], ["x" * 500]],
                }
            )
        )
    )

    assert book["a"].freeze_panes == book["b"].freeze_panes == "A2"
    widths = {name: book["a"].column_dimensions[name].width for name in "AB"}
    assert widths["A"] < widths["B"] == len("a rather long note") + 2
    assert book["b"].column_dimensions["A"].width == tables.XLSX_MAX_WIDTH


def test_a_carriage_return_survives_the_xlsx_as_excel_writes_it():
    text = "line one  \r\nline two\r_x000D_ literal\x01"

    cell = workbook([["notes"], [text]])["rows"]["A2"]

    assert "_x000D_\n" in cell.value  # what Excel writes and reads as CR LF
    assert tables.xlsx_text(cell.value) == text


@given(TEXT)
def test_any_text_reads_back_from_an_xlsx_as_written(text):
    book = openpyxl.load_workbook(
        io.BytesIO(tables.xlsx_bytes({"rows": [["h"], [text]]})), read_only=True
    )
    [[value]] = list(book["rows"].iter_rows(min_row=2, values_only=True))

    assert tables.xlsx_text(value or "") == text


@given(TEXT)
def test_any_text_reads_back_from_a_csv_as_written(text):
    data = tables.csv_bytes([["h"], [text]]).decode("utf-8-sig")
    [_, [cell]] = list(csv.reader(io.StringIO(data, newline="")))

    assert tables.unescape_cell(cell) == text


def test_a_leading_quote_is_kept_as_written_not_taken_for_the_formula_escape():
    assert tables.escape_cell("'=x") == "''=x"
    assert tables.unescape_cell(tables.escape_cell("'=x")) == "'=x"
    assert tables.unescape_cell("'tis") == "'tis"  # a hand-written leading quote stays


@given(TEXT)
def test_a_field_read_by_a_spreadsheet_splitting_on_semicolons_or_tabs_stays_one_field(text):
    # Excel in Denmark and Germany splits a CSV on ";": "a;=HYPERLINK(…)" unquoted became a
    # field "=HYPERLINK(…)", a formula.
    for value in (f"a;{text}", f"a\t{text}", f"a;={text}"):
        data = tables.csv_bytes([[value]]).decode("utf-8-sig")
        for delimiter in (";", "\t", ","):
            [[field]] = list(csv.reader(io.StringIO(data, newline=""), delimiter=delimiter))
            assert tables.unescape_cell(field) == value


def test_a_field_with_a_semicolon_is_quoted_and_one_without_is_not():
    data = tables.csv_bytes([["plain", "a;=b", 3, datetime.date(2026, 1, 2), None]])
    assert data.decode("utf-8-sig") == 'plain,"a;=b",3,2026-01-02,\r\n'
