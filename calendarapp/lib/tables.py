"""Rows to CSV and .xlsx bytes, with cells a spreadsheet would run as formulas kept as text.

The spreadsheet export, the pages' download buttons (`download`) and the API's
`?format=csv|xlsx` write through here, and the spreadsheet import undoes the CSV escape,
so a value survives the round trip.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import HttpResponse

# Text starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The file formats a page or the API offers as `?format=`, and their content types.
CONTENT_TYPES = {"csv": "text/csv", "xlsx": XLSX_TYPE}


def escape_cell(value: Any) -> Any:
    """A text cell that looks like a formula (=HYPERLINK(...)) gets a leading ' to stay text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """Undo `escape_cell`: "'=x" comes back as "=x"."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte order mark, so Excel reads it as UTF-8; formula cells escaped."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Mapping[str, Iterable[Sequence[Any]]]) -> bytes:
    """A workbook with one sheet per name, rows written as they come.

    Text that looks like a formula is stored as a text cell, which no spreadsheet
    runs; it reads back unchanged (no quote is added, as a CSV needs).
    """
    import openpyxl  # slow to import; only .xlsx needs it
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any, cell_type: Any) -> Any:
    if not (isinstance(value, str) and value.startswith(FORMULA_START)):
        return value
    cell = cell_type(sheet, value=value)
    cell.data_type = "s"  # openpyxl would take "=..." for a formula
    return cell


def download(rows: Sequence[Sequence[Any]], *, name: str, file_format: str) -> HttpResponse:
    """`rows` (the header first) as an attachment `name.csv` or `name.xlsx` (one sheet, "rows")."""
    data = csv_bytes(rows) if file_format == "csv" else xlsx_bytes({"rows": rows})
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
