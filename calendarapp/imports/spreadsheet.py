"""Customers, contracts, traditions and people in and out of spreadsheets (CSV and .xlsx).

`customers_import` reads a file, checks every row with the models' own
`full_clean()` (the validation forms, the admin and the API use), and writes
only when every row of every sheet is valid, in one transaction, with bulk
queries (a constant number per batch of `BATCH` rows). A dry run returns the
same result without writing: what would be created and updated, and every
problem as line (as a spreadsheet numbers it, the header being line 1),
column, value and message. `customers_export` writes the same columns back,
so an export imports whole into an empty database, and an unchanged export
imports again as unchanged: free text keeps its line breaks (CRLF too) and
spaces. `touch_history_rows` is a customer's touch history for a download.

Why not django-import-export: its instance loader can match rows on one key
only (we match on `id` or name plus country), so it would query once per row;
its bulk mode drops the transaction, and contracts must name customers that
the same file creates. The format itself (csv, openpyxl) is the easy part.
"""

from __future__ import annotations

import csv
import datetime
import io
import secrets
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

import recurrence
from defusedxml import DefusedXmlException
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from recurrence.exceptions import DeserializationError

from calendarapp.lib import email_domains, tables
from customers.facts import customer_changes, facts_text
from customers.models import (
    DECISION_FIELDS,
    Contract,
    Customer,
    CustomerChange,
    Person,
    PersonChange,
)
from customers.services import person_changes
from traditions.models import Tradition, rule_text_of

# Rows per bulk query: queries grow with the file by one per batch, not one per row.
BATCH = 1000
TRUE_WORDS = {"1", "true", "yes", "y", "x", "ja"}
FALSE_WORDS = {"0", "false", "no", "n", "nej", "nein", ""}


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (empty, wrong type, wrong header); nothing changed."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    meaning: str
    example: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class RowError:
    kind: str
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, {self.column}" if self.column else f"line {self.line}"
        prefix = "" if self.kind == "customers" else f"{self.kind} "
        return f"{prefix}{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class RowPlan:
    """One valid row: what it would do."""

    kind: str
    line: int
    action: str  # "create", "update" or "unchanged"
    label: str


@dataclass
class ImportResult:
    dry_run: bool
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    def count(self, action: str, kind: str | None = None) -> int:
        return sum(1 for r in self.rows if r.action == action and kind in (None, r.kind))

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    def problems(self) -> str:
        count = len(self.errors)
        return f"{count} problem{'' if count == 1 else 's'}; nothing was imported."

    def summary(self) -> str:
        kinds = [k for k in SHEETS if any(r.kind == k for r in self.rows)]
        parts = [
            f"{k}: {self.count('create', k)} created, {self.count('update', k)} updated"
            + (f", {same} unchanged" if (same := self.count("unchanged", k)) else "")
            for k in kinds
        ]
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} " + ("; ".join(parts) if parts else "nothing") + "."


@dataclass(frozen=True, slots=True)
class Sheet:
    kind: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line, column -> text)


# Columns ---------------------------------------------------------------------------------

_CUSTOMER_REF = (
    Column("customer", "the customer's name, as in the customers sheet", "Dansk Retail", True),
    Column("customer_country", "the customer's country (with the name, finds it)", "DK", True),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "customers": (
        Column("id", "our id: updates that customer; empty to match by name and country", ""),
        Column("name", "the customer's name", "Dansk Retail", True),
        Column("country", "ISO 3166-1 code", "DK", True),
        Column("subdivision", "region whose public holidays apply", ""),
        Column("timezone", "IANA time zone; empty for the country's", "Europe/Copenhagen"),
        Column("owner", "account owner's username", "mette"),
        Column("budget_close_month", "month the budget closes, 1-12 (12)", "6"),
        Column("contact_every_days", "days between touches, 7-365", "30"),
        Column("strategy_weeks_before_start", "strategy season starts, weeks before close", "10"),
        Column("strategy_weeks_before_end", "strategy season ends, weeks before close", "4"),
        Column("email_domains", "their own email domains, separated by “; ”", "dansk-retail.dk"),
        Column("notes", "free text", "Prefers Tuesday meetings"),
        Column("active", "yes or no (yes)", "yes"),
    ),
    "contracts": (
        Column("id", "our id: updates that contract; empty to match by customer and name", ""),
        *_CUSTOMER_REF,
        Column("name", "the contract's name", "Cloud platform", True),
        Column("end_date", "last day, YYYY-MM-DD", "2027-06-30", True),
        Column("notice_period_days", "notice due this many days before the end (90)", "90"),
        Column("pre_shopping_days", "they look at offers this many days before (180)", "180"),
        Column("notes", "free text", ""),
    ),
    "traditions": (
        Column("id", "our id: updates that tradition; empty to match by owner and title", ""),
        Column("customer", "the customer's name; empty for a local tradition", "Dansk Retail"),
        Column("customer_country", "the customer's country", "DK"),
        Column("country", "a local tradition's country (customer empty)", ""),
        Column("subdivision", "a local tradition's region", ""),
        Column("kind", "budget_close, contract_renewal, busy_season, ...", "busy_season", True),
        Column("title", "what it is", "Christmas rush", True),
        Column("start", "first day, YYYY-MM-DD", "2026-11-15", True),
        Column("end", "last day (inclusive)", "2026-12-31", True),
        Column("recurrence", "RFC 5545 rule; empty for once", "RRULE:FREQ=YEARLY"),
        Column("lead_time_days", "days ahead sales should act (0)", "30"),
        Column("blocks_events", "busy season only: yes blocks in-person plans", "yes"),
        Column("notes", "free text", ""),
    ),
    "people": (
        Column("id", "our id: updates that person; empty to match by customer and name", ""),
        *_CUSTOMER_REF,
        Column("name", "the person's name", "Anna Holm", True),
        Column("job_title", "their role", "CFO"),
        Column("email", "email address", "anna@example.com"),
        Column("phone", "phone number", "12 34 56 78"),
        Column("country", "where they sit, if not the customer's country", ""),
        Column("subdivision", "their region, if it differs", ""),
        Column("active", "yes or no (yes)", "yes"),
        Column("started_on", "in the role since, YYYY-MM-DD", "2024-02-01"),
        Column("left_on", "left the role on", ""),
        Column("decision_role", "decides, economic_buyer, champion, ... (none)", "decides"),
        Column("stance", "champion, supporter, neutral, sceptic, opponent, unknown", "neutral"),
        Column("influence", "high, medium, low (medium)", "high"),
        Column("personal_stake", "what they win or fear", ""),
        Column("notes", "free text", ""),
    ),
}
# The sheets of a workbook (and the `kind` of a CSV), in the order they are read.
SHEETS: tuple[str, ...] = tuple(COLUMNS)
MODELS: dict[str, type[models.Model]] = {
    "customers": Customer,
    "contracts": Contract,
    "traditions": Tradition,
    "people": Person,
}
# The key a row keeps its first cell beyond the header under.
EXTRA = "\x00extra"
# Columns that are not plain model fields: read and written by hand below.
_SPECIAL = {"id", "customer", "customer_country", "owner", "recurrence", "email_domains"}


# Reading files ---------------------------------------------------------------------------


def too_big_message() -> str:
    return f"The file is larger than the limit of {settings.IMPORT_MAX_BYTES / 1048576:g} MB."


def read_sheets(data: bytes, filename: str, kind: str | None = None) -> list[Sheet]:
    """The file's sheets in import order; raises SpreadsheetError for a file that can't be read.

    An .xlsx names its kinds by sheet name; a CSV holds one kind (`kind`, default customers).
    """
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise SpreadsheetError(too_big_message())
    if not data.strip():
        raise SpreadsheetError("The file is empty.")
    if kind is not None and kind not in SHEETS:
        raise SpreadsheetError(f"Unknown kind “{kind}”; choose one of {', '.join(SHEETS)}.")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, kind)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text"
        raise SpreadsheetError("The file is UTF-16 text; save it as “CSV UTF-8” and try again.")
    if filename.lower().endswith((".xlsx", ".xls", ".ods")) or b"\x00" in data[:2048]:
        raise SpreadsheetError("The file is not a CSV or .xlsx file.")
    return [_read_csv(data, kind or "customers")]


def _read_csv(data: bytes, kind: str) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read); "
            "save it as “CSV UTF-8” and try again."
        ) from None
    if (nul := text.find("\x00")) >= 0:  # no database stores it; the first 2 KB were checked
        line = text.count("\n", 0, nul) + 1
        raise SpreadsheetError(
            f"Line {line} holds a NUL character (\\x00): remove it and try again."
        )
    first = text.split("\n", 1)[0]
    # Excel in Denmark and Germany writes semicolons; the header tells which was used.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:  # a field past csv's limit (131,072 characters), say
        raise SpreadsheetError(f"Line {reader.line_num} cannot be read: {error}.") from None
    return _sheet(kind, [[tables.unescape_cell(cell) for cell in line] for line in lines])


# A workbook is a zip of XML: what it claims is not trusted. It may unpack to this much (a
# 10 MB workbook of text is about 100 MB of XML), an entry of over a megabyte shrunk at most
# this many times (a zip bomb shrinks thousands of times), and a sheet may hold this many
# columns and rows (the import knows 14 columns; a CSV of the largest size has ~870,000 rows).
XLSX_MAX_UNPACKED = 256 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_COLUMNS = 100
XLSX_MAX_ROWS = 1_000_000


def _read_xlsx(data: bytes, kind: str | None) -> list[Sheet]:
    import openpyxl  # only .xlsx files need it; it is slow to import

    _check_unpacked_size(data)
    try:
        # openpyxl parses through defusedxml when it is installed (it is a dependency), so
        # XML entities (a "billion laughs") are refused rather than expanded.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        ParseError,
        DefusedXmlException,
    ) as e:
        raise _unreadable(e) from None
    names = {name.strip().casefold(): name for name in book.sheetnames}
    wanted = [kind] if kind else [k for k in SHEETS if k in names]
    if kind and kind not in names and len(book.sheetnames) == 1:
        names[kind] = book.sheetnames[0]  # a one-sheet workbook holds the kind asked for
    if not wanted or any(k not in names for k in wanted):
        raise SpreadsheetError(
            f"The workbook has no sheet named {kind or ', '.join(SHEETS)}; "
            f"its sheets: {', '.join(book.sheetnames)}."
        )
    sheets = []
    try:
        for name in wanted:
            sheets.append(_sheet(name, _sheet_lines(book[names[name]], name)))
    except (ParseError, DefusedXmlException, zipfile.BadZipFile, ValueError) as error:
        raise _unreadable(error) from None
    finally:
        book.close()
    return sheets


def _unreadable(error: BaseException) -> SpreadsheetError:
    """What to say of a workbook openpyxl could not read (it wraps the XML's error)."""
    if isinstance(error, ValueError) and (cause := error.__cause__ or error.__context__):
        return _unreadable(cause)
    if isinstance(error, DefusedXmlException):
        return SpreadsheetError("The workbook declares XML entities; save it again from Excel.")
    if isinstance(error, ParseError):
        return SpreadsheetError(f"The workbook cannot be read ({error}); save it again from Excel.")
    return SpreadsheetError("The file is not a CSV or .xlsx file.")


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook that would unpack to too much, before any of it is unpacked."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SpreadsheetError("The file is not a CSV or .xlsx file.") from None
    unpacked = sum(entry.file_size for entry in entries)
    packed_tight = any(
        entry.file_size > 1024 * 1024
        and entry.file_size > XLSX_MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if unpacked > XLSX_MAX_UNPACKED or packed_tight:
        raise SpreadsheetError(
            f"The workbook would unpack to {unpacked // (1024 * 1024):,} MB, more than a "
            "spreadsheet of customers holds; save only the sheets to import, or as CSV."
        )


def _sheet_lines(sheet: Any, name: str) -> list[list[str]]:
    """A sheet's rows as text, read as far as they really go: a sheet's declared size (A1:XFD
    1048576, say) would have every row padded to 16,384 cells and a million rows read."""
    sheet.reset_dimensions()
    lines = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if number > XLSX_MAX_ROWS:
            raise SpreadsheetError(f"The {name} sheet has more than {XLSX_MAX_ROWS:,} rows.")
        if len(row) > XLSX_MAX_COLUMNS:
            raise SpreadsheetError(
                f"The {name} sheet's row {number} has more than {XLSX_MAX_COLUMNS} columns."
            )
        lines.append([_cell_text(value) for value in row])
    return lines


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold (a text cell as entered, unquoted)."""
    if isinstance(value, str):
        return tables.xlsx_text(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return (value.date() if value.time() == datetime.time() else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(kind: str, lines: list[list[str]]) -> Sheet:
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()
    if not lines:
        raise SpreadsheetError(f"The {kind} sheet is empty.")
    header = [cell.strip().lower() for cell in lines[0]]
    while header and not header[-1]:
        header.pop()
    known = {c.name for c in COLUMNS[kind]}
    problems = []
    if unknown := [h for h in header if h not in known]:
        problems.append(f"unknown columns: {', '.join(unknown) or '(empty)'}")
    if missing := [c.name for c in COLUMNS[kind] if c.required and c.name not in header]:
        problems.append(f"missing required columns: {', '.join(missing)}")
    if doubled := sorted({h for h in header if header.count(h) > 1}):
        problems.append(f"columns named twice: {', '.join(doubled)}")
    if problems:
        raise SpreadsheetError(
            f"The {kind} header has {'; '.join(problems)}. "
            f"The columns are: {', '.join(c.name for c in COLUMNS[kind])}."
        )
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in line):
            continue
        # As written: each column strips what it reads (`_Plan._set`); free text keeps its spaces.
        row = dict(zip(header, line, strict=False))
        if extra := [cell.strip() for cell in line[len(header) :] if cell.strip()]:
            row[EXTRA] = extra[0]  # a cell beyond the header: a shifted row, reported below
        rows.append((number, row))
    return Sheet(kind, header, rows)


# Checking rows ---------------------------------------------------------------------------


def _customer_key(name: str, country: str) -> tuple[str, str]:
    return (name.strip().casefold(), country.strip().upper())


class _Plan:
    """Everything one import would do, built without writing anything."""

    def __init__(self, sheets: list[Sheet], result: ImportResult):
        self.sheets = sheets
        self.result = result
        self.customers: dict[tuple[str, str], Customer] = {}  # by name and country
        self.customers_by_id: dict[int, Customer] = {}
        self.saves: dict[str, list[tuple[Any, bool, set[str]]]] = {k: [] for k in SHEETS}
        # People's decision fields as stored, for their history (as person_save keeps it).
        self.people_before: dict[int, dict[str, str]] = {}
        # Customers' facts as stored, for their history (as customer_facts_save keeps it).
        self.customers_before: dict[int, dict[str, str]] = {}
        self._users: dict[str, Any] | None = None
        self._load_customers()

    def error(self, kind: str, line: int, column: str, value: str, message: str) -> None:
        self.result.errors.append(RowError(kind, line, column, value, message))

    def _load_customers(self) -> None:
        """Every customer a row names, by id or by name and country, in a query per batch."""
        ids: set[int] = set()
        names: set[str] = set()
        for sheet in self.sheets:
            for _, row in sheet.rows:
                if sheet.kind == "customers":
                    names.add(row.get("name", "").strip())
                    if row.get("id", "").strip().isdigit():
                        ids.add(int(row["id"]))
                elif row.get("customer", "").strip():
                    names.add(row["customer"].strip())
        # With their owners: the history names the owner a row replaces.
        customers = Customer.objects.select_related("owner")
        for batch in _batches(sorted(ids)):
            self.customers_by_id.update(customers.in_bulk(batch))
        # Names match in any case; the exact names too, as SQLite lowers ASCII letters only.
        query = customers.annotate(name_lower=Lower("name"))
        for batch in _batches(sorted(names)):
            lowered = [name.lower() for name in batch]
            for customer in query.filter(Q(name__in=batch) | Q(name_lower__in=lowered)):
                self.customers.setdefault(_customer_key(customer.name, customer.country), customer)

    def check(self) -> None:
        for sheet in self.sheets:
            existing = self._existing(sheet)
            seen: dict[Any, int] = {}
            for line, row in sheet.rows:
                self._check_row(sheet.kind, line, row, existing, seen)

    def _existing(self, sheet: Sheet) -> dict[Any, models.Model]:
        """The stored rows this sheet may update, by id and by natural key."""
        model = MODELS[sheet.kind]
        if sheet.kind == "customers":
            found: dict[Any, models.Model] = {
                ("id", pk): c for pk, c in self.customers_by_id.items()
            }
            found.update(self.customers)
            return found
        ids = [int(r["id"]) for _, r in sheet.rows if r.get("id", "").strip().isdigit()]
        customer_ids = [c.pk for c in self.customers.values() if c.pk is not None]
        found = {}
        query = model._default_manager.all()
        for batch in _batches(ids):
            found.update({("id", o.pk): o for o in query.filter(pk__in=batch)})
        for batch in _batches(customer_ids):
            owned = query.filter(customer_id__in=batch).select_related("customer")
            for obj in owned:
                found.setdefault(self._natural_key(sheet.kind, obj), obj)
        if sheet.kind == "traditions":
            local_countries = {r.get("country", "").strip().upper() for _, r in sheet.rows}
            for obj in query.filter(customer=None, country__in=local_countries - {""}):
                found.setdefault(self._natural_key(sheet.kind, obj), obj)
        return found

    @staticmethod
    def _natural_key(kind: str, obj: Any) -> tuple[Any, ...]:
        title = obj.title if kind == "traditions" else obj.name
        owner = (
            _customer_key(obj.customer.name, obj.customer.country)
            if obj.customer is not None
            else ("", obj.country, obj.subdivision)
        )
        return (owner, title.strip().casefold())

    def _check_row(
        self, kind: str, line: int, row: dict[str, str], existing: dict, seen: dict
    ) -> None:
        errors_before = len(self.result.errors)
        if EXTRA in row:
            columns = len([c for c in row if c != EXTRA])
            message = f"a cell beyond the {columns} columns of the header (“{row[EXTRA]}”)."
            self.error(kind, line, "", row.pop(EXTRA), message)
            return
        customer = None
        if kind != "customers" and (row.get("customer", "").strip() or kind != "traditions"):
            customer = self._customer_of(kind, line, row)
        if kind == "customers":
            key: tuple[Any, ...] = _customer_key(row.get("name", ""), row.get("country", ""))
        else:
            title = row.get("title" if kind == "traditions" else "name", "")
            owner = (
                _customer_key(customer.name, customer.country)
                if customer is not None
                else (
                    "",
                    row.get("country", "").strip().upper(),
                    row.get("subdivision", "").strip().upper(),
                )
            )
            key = (owner, title.strip().casefold())
        raw_id = row.get("id", "").strip()
        if raw_id and not raw_id.isdigit():
            self.error(kind, line, "id", raw_id, f"“{raw_id}” is not an id (a whole number).")
            return
        # An id from another database (an export imported elsewhere) falls back to the name.
        obj: Any = existing.get(("id", int(raw_id))) if raw_id else None
        obj = obj or existing.get(key)
        identity = ("id", obj.pk) if obj is not None else key
        name_column = "title" if kind == "traditions" else "name"
        if identity in seen:
            self.error(
                kind,
                line,
                name_column,
                row.get(name_column, ""),
                f"duplicate of line {seen[identity]}.",
            )
            return
        seen[identity] = line
        created = obj is None
        if created:
            obj = MODELS[kind]()
        if customer is not None:
            obj.customer = customer
        before = {} if created else _stored_values(obj)
        if kind == "people" and not created:
            self.people_before[obj.pk] = {n: getattr(obj, n) for n in DECISION_FIELDS}
        if kind == "customers" and not created:
            self.customers_before[obj.pk] = facts_text(obj)
        for column, text in row.items():
            if column not in _SPECIAL:
                self._set(kind, line, obj, column, text)
        if kind == "customers" and "owner" in row:
            self._set_owner(line, obj, row["owner"])
        if kind == "customers" and "email_domains" in row:
            # One cell, "acme.com; acme.de"; the model's clean() checks each domain.
            obj.email_domains = email_domains.split_domains(row["email_domains"])
        if kind == "traditions" and "recurrence" in row:
            self._set_recurrence(line, obj, row["recurrence"])
        if kind in ("customers", "people") and created and "active" not in row:
            obj.active = True
        if len(self.result.errors) > errors_before:
            return
        try:
            # Every CheckConstraint is mirrored in the models' clean(), and checking one runs a
            # query per row; foreign keys were resolved above from one query per batch.
            obj.full_clean(
                exclude=["customer", "owner", "reports_to"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                column = column if column in row else name_column if column == "__all__" else column
                self.error(kind, line, column, row.get(column, ""), messages[-1])
            return
        if kind == "customers":
            self.customers[key] = obj  # later sheets name the customers this one adds
        label = f"{obj} ({customer.name})" if customer is not None else str(obj)
        # Only what changed is written: a file imported again costs no updates.
        changed = {name for name, value in _stored_values(obj).items() if before.get(name) != value}
        action = "create" if created else "update" if changed else "unchanged"
        self.result.rows.append(RowPlan(kind, line, action, label))
        if action != "unchanged":
            self.saves[kind].append((obj, created, changed))

    def _customer_of(self, kind: str, line: int, row: dict[str, str]) -> Customer | None:
        name, country = row.get("customer", ""), row.get("customer_country", "")
        if not name.strip():
            self.error(kind, line, "customer", "", "name the customer.")
            return None
        customer = self.customers.get(_customer_key(name, country))
        if customer is None:
            self.error(
                kind,
                line,
                "customer",
                name,
                f"no customer “{name.strip()}” in {country.strip().upper() or '(no country)'}, "
                "neither stored nor in the customers sheet.",
            )
        return customer

    def _set(self, kind: str, line: int, obj: Any, column: str, text: str) -> None:
        model_field: Any = MODELS[kind]._meta.get_field(column)
        if not isinstance(model_field, models.TextField):
            # A one-line cell loses the spaces around it, as forms and the API strip them;
            # free text (notes) is kept as entered, line breaks and spaces alike.
            text = text.strip()
        is_code = isinstance(model_field, models.CharField) and model_field.max_length == 2
        if column == "subdivision" or (is_code and len(text) <= 2):
            text = text.upper()  # codes: "dk" is DK; "Denmrk" stays as written
        try:
            value = self._value(model_field, text)
        except ValidationError as error:
            self.error(kind, line, column, text, error.messages[-1])
            return
        setattr(obj, model_field.attname, value)

    @staticmethod
    def _value(model_field: Any, text: str) -> Any:
        if isinstance(model_field, models.BooleanField):
            word = text.strip().casefold()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise ValidationError(f"“{text}” is not yes or no.")
            return word in TRUE_WORDS
        if text == "":
            if model_field.null:
                return None
            if model_field.has_default():
                return model_field.get_default()
            return ""
        if isinstance(model_field, models.DateField):
            return _date(text.strip())
        if isinstance(model_field, models.IntegerField):
            try:
                return int(text.strip())
            except ValueError:
                raise ValidationError(f"“{text}” is not a whole number.") from None
        return model_field.to_python(text)

    def _set_owner(self, line: int, obj: Customer, text: str) -> None:
        username = text.strip()
        if not username:
            obj.owner = None
            return
        if self._users is None:
            self._users = {u.username.casefold(): u for u in get_user_model().objects.all()}
        owner = self._users.get(username.casefold())
        if owner is None:
            self.error("customers", line, "owner", text, f"there is no user “{username}”.")
        else:
            obj.owner = owner

    def _set_recurrence(self, line: int, obj: Tradition, text: str) -> None:
        try:
            obj.recurrence = recurrence.deserialize(text.strip()) if text.strip() else None
        except (DeserializationError, ValueError, KeyError) as error:
            self.error(
                "traditions", line, "recurrence", text, f"not a valid RFC 5545 rule ({error})."
            )

    def write(self) -> None:
        now = timezone.now()
        for kind in SHEETS:
            model = MODELS[kind]
            new = [obj for obj, created, _ in self.saves[kind] if created]
            changed = [obj for obj, created, _ in self.saves[kind] if not created]
            for obj in changed:
                obj.updated_at = now  # bulk_update skips auto_now
            model._default_manager.bulk_create(new, batch_size=BATCH)
            if changed:
                names = set().union(*(f for _, created, f in self.saves[kind] if not created))
                _update_rows(model, changed, [*sorted(names), "updated_at"])
        PersonChange.objects.bulk_create(
            (
                change
                for person, created, _ in self.saves["people"]
                for change in person_changes(
                    person, None if created else self.people_before[person.pk]
                )
            ),
            batch_size=BATCH,
        )
        # An import has no author in the history: it may run in the background, long after.
        CustomerChange.objects.bulk_create(
            (
                change
                for customer, created, _ in self.saves["customers"]
                if not created
                for change in customer_changes(
                    customer, self.customers_before[customer.pk], by=None
                )
            ),
            batch_size=BATCH,
        )


# Excel writes dates in a CSV as the computer's region does: 31-12-2026 in Denmark,
# 31.12.2026 in Germany. Day first only: 01/02/2026 could be either, so it is refused.
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def _date(text: str) -> datetime.date:
    for date_format in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text[:10], date_format).date()
        except ValueError:
            continue
    raise ValidationError(f"“{text}” is not a date as YYYY-MM-DD (or 31-12-2026, 31.12.2026).")


def _update_rows(model: type[models.Model], objs: list[Any], attnames: list[str]) -> None:
    """Save the columns some row changed, one prepared UPDATE run per batch of rows.

    Not bulk_update: its CASE per column over the batch made 20,000 updates take
    over a minute on SQLite; one statement run with many parameter sets takes seconds.
    """
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    pk = quote(str(model._meta.pk.column))
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {pk} = %s"
    with connection.cursor() as cursor:
        for batch in _batches(objs):
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] + [o.pk]
                    for o in batch
                ],
            )


def _stored_values(obj: models.Model) -> dict[str, str]:
    """The object's columns as text, to see what a row changes."""
    return {
        f.attname: f.value_to_string(obj)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name != "updated_at"
    }


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def customers_import(
    *,
    data: bytes,
    filename: str = "",
    kind: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Check every row of the file and, unless `dry_run`, write them all in one transaction.

    Raises SpreadsheetError when the file as a whole cannot be read. Row problems
    are in the result's `errors`; with any of them nothing is written.
    """
    sheets = read_sheets(data, filename, kind)
    result = ImportResult(dry_run=dry_run)
    if progress:
        progress("checking")
    plan = _Plan(sheets, result)
    plan.check()
    result.errors.sort(key=lambda e: (SHEETS.index(e.kind), e.line))
    if dry_run or result.errors:
        return result
    if progress:
        progress("writing")
    with transaction.atomic():
        plan.write()
    result.written = True
    return result


def errors_csv(errors: Iterable[RowError]) -> bytes:
    """The errors as a CSV a spreadsheet opens: sheet, line, column, value, message."""
    header = ["sheet", "line", "column", "value", "message"]
    return tables.csv_bytes(
        [header, *([e.kind, e.line, e.column, e.value, e.message] for e in errors)]
    )


# Writing files ---------------------------------------------------------------------------


def export_rows(kind: str) -> Iterator[list[Any]]:
    """The header and one row per stored object, in the columns the import reads.

    Numbers and dates stay numbers and dates (typed cells in a workbook), yes/no is text.
    """
    columns = [c.name for c in COLUMNS[kind]]
    yield columns
    query = MODELS[kind]._default_manager.order_by("pk")
    if kind == "customers":
        query = query.select_related("owner")
    elif kind in ("contracts", "people"):
        query = query.select_related("customer")
    else:
        query = query.select_related("customer")
    for obj in query.iterator(chunk_size=BATCH):
        yield [_export_value(obj, column) for column in columns]


def _export_value(obj: Any, column: str) -> Any:
    if column == "customer":
        return obj.customer.name if obj.customer_id else ""
    if column == "customer_country":
        return obj.customer.country if obj.customer_id else ""
    if column == "owner":
        return obj.owner.username if obj.owner_id else ""
    if column == "recurrence":
        return rule_text_of(obj.recurrence) if obj.recurrence else ""
    if column == "email_domains":
        return email_domains.join_domains(obj.email_domains)
    value = getattr(obj, column)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def customers_export(*, kind: str | None = None, xlsx: bool = True) -> bytes:
    """An .xlsx with a sheet per kind (or only `kind`), or a CSV of one kind (customers)."""
    if not xlsx:
        return tables.csv_bytes(export_rows(kind or "customers"))
    return tables.xlsx_bytes({name: export_rows(name) for name in ([kind] if kind else SHEETS)})


def template_file(kind: str) -> bytes:
    """A CSV with the kind's header and its example row, to fill in."""
    return tables.csv_bytes([[c.name for c in COLUMNS[kind]], [c.example for c in COLUMNS[kind]]])


# Background imports ----------------------------------------------------------------------

# Rows a request imports itself; above them (with Redis, above the lower figure) a task does.
ROWS_IN_REQUEST = 20_000
ROWS_IN_REQUEST_WITH_REDIS = 2_000
# Bytes a request previews itself; a larger file is previewed by a task.
PREVIEW_IN_REQUEST_BYTES = 1024 * 1024
# How long a queued file and its progress stay in the cache.
JOB_SECONDS = 6 * 3600
# Messages a job keeps for the page; the error file has them all.
JOB_ERRORS_SHOWN = 200


def previews_in_background(size: int) -> bool:
    """Whether a file of `size` bytes is previewed by a task, with its time limits, instead
    of inside the request (a 10 MB CSV, the largest allowed, would pass gunicorn's timeout)."""
    return size > PREVIEW_IN_REQUEST_BYTES


def runs_in_background(rows: int) -> bool:
    """Whether an import of this many rows runs as a task instead of inside the request."""
    return rows > (ROWS_IN_REQUEST_WITH_REDIS if settings.REDIS_URL else ROWS_IN_REQUEST)


def _job_key(token: str, part: str) -> str:
    return f"spreadsheet-import:{token}:{part}"


def job_create(
    *,
    data: bytes,
    filename: str,
    kind: str | None,
    message: str = "Waiting for a worker to start the import…",
) -> str:
    """Keep the file in the cache for a task; return the token its progress is read by.

    Progress lives in the cache, not the database: it is only worth a few hours.
    """
    token = secrets.token_urlsafe(12)
    cache.set(_job_key(token, "file"), (data, filename, kind), JOB_SECONDS)
    job_progress(token, state="queued", message=message)
    return token


def job_progress(token: str, **state: Any) -> None:
    cache.set(_job_key(token, "progress"), state, JOB_SECONDS)


def job_status(token: str) -> dict[str, Any] | None:
    """The job's state (`queued`, `checking`, `writing`, `done`, `failed`) and message."""
    return cache.get(_job_key(token, "progress"))


def job_run(token: str) -> None:
    """Run a queued import; its outcome ends up in the progress. Safe to run twice."""
    stored = cache.get(_job_key(token, "file"))
    if stored is None:
        return  # done already, or expired
    data, filename, kind = stored
    steps = {"checking": "Checking every row…", "writing": "Writing all rows in one transaction…"}

    def report(step: str) -> None:
        job_progress(token, state=step, message=steps[step])

    try:
        result = customers_import(data=data, filename=filename, kind=kind, progress=report)
    except SpreadsheetError as error:
        job_progress(token, state="failed", message=str(error), errors=[])
    else:
        if result.errors:
            job_progress(
                token,
                state="failed",
                message=result.problems(),
                errors=[str(e) for e in result.errors[:JOB_ERRORS_SHOWN]],
            )
        else:
            job_progress(token, state="done", message=result.summary(), errors=[])
    cache.delete(_job_key(token, "file"))


def job_preview(token: str) -> None:
    """Preview a queued file without writing; the page reads the result. Safe to run twice."""
    stored = cache.get(_job_key(token, "file"))
    if stored is None:
        return  # done already, or expired
    data, filename, kind = stored
    job_progress(token, state="checking", message="Checking every row…")
    try:
        result = customers_import(data=data, filename=filename, kind=kind, dry_run=True)
    except SpreadsheetError as error:
        job_progress(token, state="failed", message=str(error), errors=[])
    else:
        cache.set(_job_key(token, "preview"), result, JOB_SECONDS)
        job_progress(token, state="done", message=result.summary(), errors=[])
    cache.delete(_job_key(token, "file"))


def job_failed(token: str, message: str) -> None:
    """Record that a job was stopped (its time limit) and forget its file."""
    job_progress(token, state="failed", message=message, errors=[])
    cache.delete(_job_key(token, "file"))


def job_preview_result(token: str) -> ImportResult | None:
    """A finished background preview's result, while it is kept."""
    return cache.get(_job_key(token, "preview"))
