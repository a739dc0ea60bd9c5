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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from calendarapp.models import IcsSource
from tests.calendarapp.imports.support import ics

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


def in_a_child(program: str, path: Path, **env: str) -> tuple[dict, str]:
    """Run `program` on the file in a fresh process: the JSON it prints last, and its stderr."""
    child = subprocess.run(
        [sys.executable, "-c", program, str(path)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin", **env},
        timeout=120,
    )
    assert child.stdout, child.stderr
    return json.loads(child.stdout.strip().splitlines()[-1]), child.stderr


def read_in_a_child(path: Path) -> dict:
    return in_a_child(READER, path)[0]


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


# Parse in a child: the import's reading and expanding only; prints the outcome, peak memory
# and CPU seconds (reported, not held to: tests assert no times, `make bench` measures them).
ICS_READER = """
import datetime, json, resource, sys
import django
django.setup()
from calendarapp.imports.ics import IcsImportError, parse_events
data = open(sys.argv[1], "rb").read()
window = (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
try:
    parsed = parse_events(data, window=window, tz=datetime.UTC)
    outcome = "read %d event(s)" % len(parsed.events)
except IcsImportError as error:
    outcome = "refused: %s" % error
status = open("/proc/self/status").read()
peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
cpu = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"outcome": outcome, "peak_mb": peak_mb, "cpu_s": cpu.ru_utime + cpu.ru_stime}))
"""


def calendar_of(rule: str, events: int = 12) -> bytes:
    """`events` events repeating by `rule`, as the probe sent them (12 made a 500 after 30 s)."""
    return ics(
        *(
            f"UID:e{n}\r\nDTSTART;VALUE=DATE:20260601\r\nRRULE:{rule}\r\nSUMMARY:Board {n}"
            for n in range(1, events + 1)
        )
    )


HOSTILE_CALENDARS = {
    "never-30-february.ics": (
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "refused: Event 1 at line 4 (“Board 1”) (line 7): The rule never gives a date",
    ),
    "never-week-53-in-january.ics": (
        "FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH",
        "refused: Event 1 at line 4 (“Board 1”) (UID e1) repeats by a rule that gives no date",
    ),
    "fridays-29-february.ics": (
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
        "refused: Event 1 at line 4 (“Board 1”) (UID e1) repeats by a rule that gives no date",
    ),
    "mondays-29-february-yearly.ics": (
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
        "refused: Event 1 at line 4 (“Board 1”) (UID e1) repeats by a rule that gives no date",
    ),
}


def parse_in_a_child(path: Path) -> dict:
    return in_a_child(ICS_READER, path)[0]


@pytest.fixture(scope="module")
def ordinary_calendar_peak_mb(tmp_path_factory) -> float:
    path = tmp_path_factory.mktemp("ordinary") / "monthly.ics"
    path.write_bytes(calendar_of("FREQ=MONTHLY;BYMONTHDAY=13"))
    result = parse_in_a_child(path)
    assert result["outcome"].startswith("read "), result
    return result["peak_mb"]


@pytest.mark.parametrize("name", HOSTILE_CALENDARS)
def test_a_calendar_whose_rules_meet_rarely_or_never_is_refused_naming_the_event(
    tmp_path: Path, ordinary_calendar_peak_mb, name
):
    rule, expected = HOSTILE_CALENDARS[name]
    path = tmp_path / name
    path.write_bytes(calendar_of(rule))
    result = parse_in_a_child(path)
    assert result["outcome"].startswith(expected), result
    assert result["peak_mb"] < ordinary_calendar_peak_mb + MARGIN_MB, result


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE_CALENDARS)
def test_the_ics_sources_api_refuses_a_hostile_calendar_naming_the_event(admin_client, name):
    rule, expected = HOSTILE_CALENDARS[name]
    upload = SimpleUploadedFile(name, calendar_of(rule), content_type="text/calendar")
    response = admin_client.post(
        "/api/ics-sources", {"file": upload, "country": "DK", "kind": "vacation"}
    )
    assert response.status_code == 400
    assert expected.removeprefix("refused: ") in json.dumps(response.json(), ensure_ascii=False)
    assert not IcsSource.objects.exists()


# `manage.py import_customers` in a child, as an admin runs it; prints its exit code, what it
# said and its peak memory (an empty database: a hostile file is refused before any query).
COMMAND = """
import json, sys
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(["manage.py", "import_customers", sys.argv[1]])
    code = 0
except SystemExit as exit:
    code = exit.code
status = open("/proc/self/status").read()
peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"code": code, "peak_mb": peak_mb}))
"""


@pytest.mark.parametrize("name", ["zip-bomb.xlsx", "billion-laughs.xlsx", "malformed.xlsx"])
def test_manage_py_import_customers_exits_1_with_the_message_within_bounds(
    tmp_path: Path, ordinary_peak_mb, name
):
    make, expected = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make())
    result, stderr = in_a_child(
        COMMAND, path, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    )
    assert result["code"] == 1, (result, stderr)
    assert expected.removeprefix("refused: ") in stderr
    assert result["peak_mb"] < ordinary_peak_mb + MARGIN_MB, (result, ordinary_peak_mb)
