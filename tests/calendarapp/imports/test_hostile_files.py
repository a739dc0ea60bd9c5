"""Files made to take a worker down are refused or read within bounds, whatever they claim.

Each is read in a fresh process, as a worker would, and its peak memory taken from the
operating system (not tracemalloc), held to that of reading an ordinary workbook plus a margin.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

# Read in a child: the import's reading only, no database; prints the outcome and peak memory.
READER = """
import json, sys
import django
django.setup()
from calendarapp.imports.spreadsheet import SpreadsheetError, read_sheets
data = open(sys.argv[1], "rb").read()
try:
    sheets = read_sheets(data, sys.argv[1])
    outcome = "read %d sheet(s)" % len(sheets)
except SpreadsheetError as error:
    outcome = "refused: %s" % error
# VmHWM: this program's own peak (ru_maxrss would keep the forking test process's).
status = open("/proc/self/status").read()
peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak_mb}))
"""
# What a hostile file may cost beyond an ordinary one's read (the 1.6 KB sheet declaring
# A1:XFD1048576 took 4 GB).
MARGIN_MB = 60


def workbook(sheet_xml: bytes | None = None) -> bytes:
    """A one-sheet workbook of customers, its sheet's XML replaced by `sheet_xml` if given."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "customers"
    sheet.append(["name", "country"])
    sheet.append(["Acme", "DK"])
    out = io.BytesIO()
    book.save(out)
    if sheet_xml is None:
        return out.getvalue()
    return rezipped(out.getvalue(), {"xl/worksheets/sheet1.xml": lambda _: sheet_xml})


def rezipped(data: bytes, changes: dict) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            target.writestr(entry, changes.get(entry.filename, lambda c: c)(content))
    return out.getvalue()


def declaring_the_whole_sheet() -> bytes:
    """1.6 KB that claims A1:XFD1048576: read by its claim, every row was 16,384 cells."""
    data = workbook()
    return rezipped(
        data,
        {
            "xl/worksheets/sheet1.xml": lambda xml: re.sub(
                rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml
            )
        },
    )


def zip_bomb() -> bytes:
    """A sheet of 64 MB that packs into a few dozen KB."""
    filler = b"<row/>" * (64 * 1024 * 1024 // 6)
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    return workbook(xml + filler + b"</sheetData></worksheet>")


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "ha"}">' for i in range(9))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l8;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return workbook(xml.encode())


def malformed() -> bytes:
    return workbook(
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row'
    )


HOSTILE = {
    "declares-the-whole-sheet.xlsx": (declaring_the_whole_sheet, "read 1 sheet(s)"),
    "zip-bomb.xlsx": (zip_bomb, "refused: The workbook would unpack to 64 MB"),
    "billion-laughs.xlsx": (billion_laughs, "refused: The workbook declares XML entities"),
    "malformed.xlsx": (malformed, "refused: The workbook cannot be read"),
}


def read_in_a_child(path: Path) -> dict:
    child = subprocess.run(
        [sys.executable, "-c", READER, str(path)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def ordinary_peak_mb(tmp_path_factory) -> float:
    path = tmp_path_factory.mktemp("ordinary") / "customers.xlsx"
    path.write_bytes(workbook())
    result = read_in_a_child(path)
    assert result["outcome"] == "read 1 sheet(s)"
    return result["peak_mb"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_workbook_is_read_within_bounds_or_refused_saying_why(
    tmp_path: Path, ordinary_peak_mb, name
):
    make, expected = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    result = read_in_a_child(path)
    assert result["outcome"].startswith(expected), result
    assert result["peak_mb"] < ordinary_peak_mb + MARGIN_MB, (result, ordinary_peak_mb)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["zip-bomb.xlsx", "billion-laughs.xlsx", "malformed.xlsx"])
def test_the_import_command_refuses_a_hostile_workbook_with_its_message(tmp_path, name):
    make, expected = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(CommandError, match=expected.removeprefix("refused: ")) as error:
        call_command("import_customers", str(path))
    assert error.value.returncode == 1
