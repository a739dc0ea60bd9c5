"""The Import page's spreadsheet part: preview, import, errors to download, templates, export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings

from calendarapp.imports import spreadsheet
from calendarapp.models import OnceKey
from customers.models import Customer
from tests import factories
from tests.support import at_once, needs_postgresql

PAGE = "/feeds/import/"
PREVIEW = "/feeds/import/spreadsheet/preview"
IMPORT = "/feeds/import/spreadsheet/import"


def upload(text: str | bytes, name: str = "customers.csv", kind: str = "") -> dict:
    data = text.encode() if isinstance(text, str) else text
    return {
        "sheet-file": SimpleUploadedFile(name, data, content_type="text/csv"),
        "sheet-kind": kind,
    }


def test_only_calendar_admins_may_import_or_export_spreadsheets(sales_client):
    assert sales_client.post(PREVIEW, upload("name,country\nA,DK\n")).status_code == 403
    assert sales_client.get("/feeds/import/spreadsheet/export").status_code == 403


def test_a_preview_confirmed_twice_imports_once_and_says_so(admin_client):
    token = admin_client.post(PREVIEW, upload("name,country\nNew,SE\n")).context["token"]
    admin_client.post(IMPORT, {"token": token})

    response = admin_client.post(IMPORT, {"token": token}, follow=True)

    assert "already confirmed (in another tab or window)" in response.content.decode()
    assert Customer.objects.count() == 1


def test_a_second_tab_still_holding_the_preview_imports_nothing(admin_client):
    token = admin_client.post(PREVIEW, upload("name,country\nNew,SE\n")).context["token"]
    pending = admin_client.session["spreadsheet_import"]
    admin_client.post(IMPORT, {"token": token})
    # The second tab's request read the session before the first one emptied it.
    session = admin_client.session
    session["spreadsheet_import"] = pending
    session.save()

    response = admin_client.post(IMPORT, {"token": token}, follow=True)

    assert "already confirmed" in response.content.decode()
    assert Customer.objects.count() == 1
    assert OnceKey.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirmations_of_one_preview_at_once_import_once(calendar_admin):
    needs_postgresql()
    first = Client()
    first.force_login(calendar_admin)
    rows = "".join(f"Customer {n},DK\n" for n in range(30))
    token = first.post(PREVIEW, upload("name,country\n" + rows)).context["token"]
    # Two tabs: one session, two requests at the same moment.
    second = Client()
    second.cookies = first.cookies

    def confirm(client):
        return lambda: client.post(IMPORT, {"token": token}, follow=True).content.decode()

    pages = at_once(confirm(first), confirm(second))

    assert sum("Imported customers: 30 created" in page for page in pages) == 1
    assert sum("already confirmed" in page for page in pages) == 1
    assert Customer.objects.count() == 30
    assert OnceKey.objects.count() == 1


def test_the_preview_shows_what_would_happen_and_writes_nothing(admin_client):
    factories.customer("Acme", "DK")

    response = admin_client.post(PREVIEW, upload("name,country,notes\nAcme,DK,x\nNew,SE,\n"))

    page = response.content.decode()
    assert "Would import customers: 1 created, 1 updated." in page
    assert "Import 2 rows" in page and "✎ Update" in page and "+ New" in page
    assert Customer.objects.count() == 1


def test_confirming_the_preview_imports_every_row(admin_client):
    response = admin_client.post(PREVIEW, upload("name;country\nNew;SE\nOther;DK\n"))
    token = response.context["token"]

    response = admin_client.post(IMPORT, {"token": token}, follow=True)

    assert "Imported customers: 2 created, 0 updated." in response.content.decode()
    assert Customer.objects.count() == 2


def test_an_old_preview_cannot_be_imported(admin_client):
    admin_client.post(PREVIEW, upload("name,country\nNew,SE\n"))

    response = admin_client.post(IMPORT, {"token": "stale"}, follow=True)

    assert "no longer open" in response.content.decode()
    assert not Customer.objects.exists()


def test_problems_are_listed_by_line_and_can_be_downloaded(admin_client):
    response = admin_client.post(PREVIEW, upload("name,country\nA,DK\nB,Denmrk\n"))

    page = response.content.decode()
    assert "1 problem: nothing was imported." in page
    assert "did you mean DK?" in page and "Import 1 row" not in page
    errors = admin_client.get("/feeds/import/spreadsheet/errors.csv")
    assert errors["Content-Disposition"] == 'attachment; filename="import-errors.csv"'
    assert errors.content.decode("utf-8-sig").splitlines()[1].startswith("customers,3,country")


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "x.csv", "The submitted file is empty."),
        (b"%PDF-1.4\x00\x00", "x.pdf", "The file is not a CSV or .xlsx file."),
        ("name,country\nÅrhus,DK\n".encode("latin-1"), "x.csv", "The file is not UTF-8 text"),
        (b"name\nAcme\n", "x.csv", "missing required columns: country"),
        (b"name,country,colour\nA,DK,red\n", "x.csv", "unknown columns: colour"),
    ],
)
def test_a_bad_file_is_named_on_the_form(admin_client, data, name, expected):
    response = admin_client.post(PREVIEW, upload(data, name))

    assert response.status_code == 400 and expected in response.content.decode()


@override_settings(IMPORT_MAX_BYTES=50)
def test_a_file_over_the_limit_is_refused_on_the_form(admin_client):
    response = admin_client.post(PREVIEW, upload("name,country\n" + "Acme,DK\n" * 10))

    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()


def test_each_kind_has_a_template_to_download(admin_client):
    response = admin_client.get("/feeds/import/spreadsheet/template/contracts.csv")

    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert (
        header
        == "id,customer,customer_country,name,end_date,notice_period_days,pre_shopping_days,notes"
    )
    assert admin_client.get("/feeds/import/spreadsheet/template/nope.csv").status_code == 404


def test_the_export_button_gives_a_workbook_the_import_reads(admin_client):
    factories.customer("Acme", "DK")

    response = admin_client.get("/feeds/import/spreadsheet/export?format=xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == list(spreadsheet.SHEETS)
    assert book["customers"]["B2"].value == "Acme"
    assert admin_client.get("/feeds/import/spreadsheet/export?format=pdf").status_code == 400


def test_a_large_file_runs_in_the_background_and_reports_its_progress(
    admin_client, monkeypatch, eager
):
    monkeypatch.setattr(spreadsheet, "ROWS_IN_REQUEST", 3)
    monkeypatch.setattr(spreadsheet, "ROWS_IN_REQUEST_WITH_REDIS", 3)
    rows = "\n".join(f"Customer {n},DK" for n in range(5))
    token = admin_client.post(PREVIEW, upload("name,country\n" + rows)).context["token"]

    response = admin_client.post(IMPORT, {"token": token}, follow=True)

    # In tests tasks run eagerly, so the job is done by the time the page shows it.
    assert response.context["job_status"]["state"] == "done"
    assert "Imported customers: 5 created, 0 updated." in response.content.decode()
    job = response.context["job"]
    progress = admin_client.get(f"/feeds/import/spreadsheet/jobs/{job}").json()
    assert progress == {
        "state": "done",
        "message": response.context["job_status"]["message"],
        "errors": [],
    }
    assert Customer.objects.count() == 5


def test_the_ics_import_is_still_on_the_page(admin_client):
    page = admin_client.get(PAGE).content.decode()

    assert "Calendars (.ics)" in page and 'name="url"' in page


def test_a_background_import_with_a_problem_reports_it_and_writes_nothing(db):
    token = spreadsheet.job_create(
        data=b"name,country\nAcme,DK\nBeta,Denmrk\n", filename="big.csv", kind=None
    )

    spreadsheet.job_run(token)
    spreadsheet.job_run(token)  # a redelivered task finds the job done

    status = spreadsheet.job_status(token)
    assert status["state"] == "failed"
    assert status["message"] == "1 problem; nothing was imported."
    assert status["errors"][0].startswith("line 3, country: “Denmrk”")
    assert not Customer.objects.exists()


def test_a_background_import_that_cannot_be_queued_says_so_and_keeps_the_preview(
    admin_client, monkeypatch
):
    monkeypatch.setattr(spreadsheet, "ROWS_IN_REQUEST", 0)
    monkeypatch.setattr(spreadsheet, "ROWS_IN_REQUEST_WITH_REDIS", 0)

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr("calendarapp.imports.views.import_spreadsheet.delay", broker_down)
    token = admin_client.post(PREVIEW, upload("name,country\nA,DK\n")).context["token"]

    response = admin_client.post(IMPORT, {"token": token}, follow=True)

    assert "The task queue is not answering; try the import again." in response.content.decode()
    assert not Customer.objects.exists()
    assert admin_client.session["spreadsheet_import"]["token"] == token


def test_a_large_file_is_previewed_by_a_task_and_then_imported_as_usual(
    admin_client, monkeypatch, eager
):
    monkeypatch.setattr(spreadsheet, "PREVIEW_IN_REQUEST_BYTES", 20)
    rows = "\n".join(f"Customer {n},DK" for n in range(5))

    queued = admin_client.post(PREVIEW, upload("name,country\n" + rows))

    assert queued.status_code == 302 and "?preview=" in queued["Location"]
    # In tests tasks run eagerly, so the preview is ready when the page is first shown.
    page = admin_client.get(queued["Location"])
    assert "Would import customers: 5 created, 0 updated." in page.content.decode()
    assert "Import 5 rows" in page.content.decode()
    assert not Customer.objects.exists()
    imported = admin_client.post(IMPORT, {"token": page.context["token"]}, follow=True)
    assert "Imported customers: 5 created, 0 updated." in imported.content.decode()
    assert Customer.objects.count() == 5


def test_while_a_large_files_preview_is_prepared_the_page_says_so_and_polls(
    admin_client, monkeypatch
):
    monkeypatch.setattr(spreadsheet, "PREVIEW_IN_REQUEST_BYTES", 20)
    monkeypatch.setattr("calendarapp.imports.views.preview_spreadsheet.delay", lambda token: None)

    queued = admin_client.post(PREVIEW, upload("name,country\nA,DK\nB,SE\n", name="big.csv"))
    page = admin_client.get(queued["Location"])

    text = page.content.decode()
    assert "Preparing the preview of big.csv:" in text and "Waiting for a worker to start…" in text
    assert 'id="preview-job"' in text and 'data-reload="1"' in text
    token = queued["Location"].split("preview=")[1].split("#")[0]
    assert admin_client.get(f"/feeds/import/spreadsheet/jobs/{token}").json()["state"] == "queued"
    # Confirming before the preview was shown imports nothing.
    refused = admin_client.post(IMPORT, {"token": token}, follow=True)
    assert "still being prepared" in refused.content.decode()
    assert not Customer.objects.exists()
    # The worker runs it: the same page now shows the preview.
    spreadsheet.job_preview(token)
    assert (
        "Would import customers: 2 created" in admin_client.get(queued["Location"]).content.decode()
    )


def test_a_preview_stopped_by_its_time_limit_says_so_and_a_small_file_stays_immediate(
    admin_client, monkeypatch, eager
):
    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(spreadsheet, "PREVIEW_IN_REQUEST_BYTES", 30)
    monkeypatch.setattr(spreadsheet, "customers_import", too_slow)
    queued = admin_client.post(PREVIEW, upload("name,country\n" + "A,DK\n" * 10))

    page = admin_client.get(queued["Location"]).content.decode()

    assert "The preview of customers.csv failed:" in page
    assert "took longer than 2 minutes and was stopped; split the file" in page
    monkeypatch.undo()
    small = admin_client.post(PREVIEW, upload("name,country\nA,DK\n"))
    assert (
        small.status_code == 200 and "Would import customers: 1 created" in small.content.decode()
    )
