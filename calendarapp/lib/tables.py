"""Rows to CSV and .xlsx bytes, with cells a spreadsheet would run as formulas kept as text.

The spreadsheet export, the pages' download buttons (`download`) and the API's
`?format=csv|xlsx` write through here, and the spreadsheet import undoes the CSV escape
(`unescape_cell`) and the .xlsx one (`xlsx_text`), so any text survives the round trip.
Every workbook is written the same way: numbers and dates as typed cells (dates shown as
YYYY-MM-DD), columns as wide as their text, and the header row frozen.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

# Text starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The file formats a page or the API offers as `?format=`, and their content types.
CONTENT_TYPES = {"csv": "text/csv", "xlsx": XLSX_TYPE}
# Text `escape_cell` quotes: a formula, and text already starting with the quote, so that
# "'=x" as entered is told apart from the escaped "=x".
_QUOTED_START = (*FORMULA_START, "'")
# A CSV field holding one of these is quoted: the separators of any locale's spreadsheet, the
# quote itself and line breaks.
_CSV_QUOTED = re.compile(r'[,;\t"\r\n]')

# Characters XML 1.0 cannot hold, and CR, which XML readers turn into LF: a workbook spells
# them _xHHHH_ as Excel does (and "_x" that starts such a spelling as _x005F_x).
_XLSX_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_XLSX_SPELLED = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Column widths, in characters: a little room beside the longest line, up to a limit.
XLSX_MIN_WIDTH = 6
XLSX_MAX_WIDTH = 60
_Response = TypeVar("_Response", bound=HttpResponseBase)
# Rows measured for the widths: a write-only sheet takes them before its first row.
_MEASURED_ROWS = 1000


def escape_cell(value: Any) -> Any:
    """A text cell that looks like a formula (=HYPERLINK(...)) gets a leading ' to stay text.

    Text that starts with ' gets one more, so the import's `unescape_cell` keeps it whole.
    """
    if isinstance(value, str) and value.startswith(_QUOTED_START):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """Undo `escape_cell`: "'=x" comes back as "=x", "''x" as "'x"; "'x" stays as written."""
    return text[1:] if text[:1] == "'" and text[1:2] in _QUOTED_START else text


def xlsx_text(text: str) -> str:
    """A workbook's text cell as entered: Excel's _x000D_ back to a carriage return."""
    if "_x" not in text:
        return text
    return _XLSX_SPELLED.sub(lambda match: chr(int(match.group(1), 16)), text)


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte order mark, so Excel reads it as UTF-8; formula cells escaped.

    A field holding a comma, a semicolon or a tab is quoted: Excel in Denmark or Germany splits
    on ";", and "a;=HYPERLINK(…)" unquoted would become a field "=HYPERLINK(…)", a formula.
    """
    return b"".join(csv_lines(rows))


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """`csv_bytes` a line at a time (the byte order mark first), for a streamed download."""
    yield "\ufeff".encode()
    for row in rows:
        yield (",".join(_csv_fields(row)) + "\r\n").encode("utf-8")


def _csv_fields(row: Sequence[Any]) -> list[str]:
    texts = ["" if cell is None else str(escape_cell(cell)) for cell in row]
    if texts == [""]:
        return ['""']  # a lone empty field, or the line would read as no field at all
    return ['"' + t.replace('"', '""') + '"' if _CSV_QUOTED.search(t) else t for t in texts]


def xlsx_bytes(sheets: Mapping[str, Iterable[Sequence[Any]]]) -> bytes:
    """A workbook with one sheet per name, the first row of each its frozen header.

    Numbers and dates are typed cells, text a text cell, which no spreadsheet runs as a
    formula; it reads back unchanged through `xlsx_text` (no quote is added, as a CSV needs).
    """
    import openpyxl  # slow to import; only .xlsx needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        rows = iter(rows)
        first = list(itertools.islice(rows, _MEASURED_ROWS))
        for number, width in enumerate(_widths(first), start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = "A2"
        for row in itertools.chain(first, rows):
            sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(rows: Sequence[Sequence[Any]]) -> list[int]:
    """Each column's width: its longest line among `rows`, within the limits."""
    widths: list[int] = []
    for row in rows:
        widths.extend([0] * (len(row) - len(widths)))
        for number, value in enumerate(row):
            widths[number] = max(widths[number], _text_width(value))
    return [min(max(width + 2, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH) for width in widths]


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.date):
        return len("2026-12-31")
    return max(len(line) for line in str(value).splitlines() or [""])


def _xlsx_cell(sheet: Any, value: Any, cell_type: Any) -> Any:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        cell = cell_type(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"  # not the datetime's default
        return cell
    if not isinstance(value, str):
        return value
    cell = cell_type(sheet)
    cell.value = _XLSX_ESCAPED.sub(lambda match: f"_x{ord(match.group()):04X}_", value)
    cell.data_type = "s"  # openpyxl would take "=..." for a formula
    return cell


def download(rows: Iterable[Sequence[Any]], *, name: str, file_format: str) -> HttpResponse:
    """`rows` (the header first) as an attachment `name.csv` or `name.xlsx` (one sheet, "rows")."""
    data = csv_bytes(rows) if file_format == "csv" else xlsx_bytes({"rows": rows})
    return _attached(HttpResponse(data, content_type=CONTENT_TYPES[file_format]), name, file_format)


def streamed_download(
    rows: Iterable[Sequence[Any]], *, name: str, file_format: str
) -> HttpResponseBase:
    """`download`, a CSV sent a line at a time as `rows` yields them, so a long list is never
    held whole; a workbook is a zip finished at its end, so it goes once written (row by row)."""
    if file_format != "csv":
        return download(rows, name=name, file_format=file_format)
    response = StreamingHttpResponse(csv_lines(rows), content_type=CONTENT_TYPES["csv"])
    return _attached(response, name, file_format)


def _attached(response: _Response, name: str, file_format: str) -> _Response:
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
