"""The Import page for calendar admins: spreadsheets of customers in and out, and .ics sources.

Thin: see spreadsheet and ics. A spreadsheet is previewed first (a large one by a
task, while the page polls); the file waits in the session (shared by every web
process) until the admin confirms it, once: the confirmation claims the preview's token
(`once.py`), so two tabs confirming at once import once.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import kombu.exceptions
import redis.exceptions
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from calendarapp.imports import ics, spreadsheet
from calendarapp.imports.forms import ImportForm, SpreadsheetForm
from calendarapp.imports.tasks import import_spreadsheet, preview_spreadsheet
from calendarapp.lib import tables
from calendarapp.models import IcsSource
from calendarapp.once import once_answer, once_claim, once_found
from calendarapp.roles import can_edit_customers


def _require_admin(request: HttpRequest) -> None:
    if not can_edit_customers(request.user):
        raise PermissionDenied("Only calendar admins import calendars.")


PENDING = "spreadsheet_import"
# Problems listed on the page; the error file has them all.
ERRORS_SHOWN = 200
ROWS_SHOWN = 200


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", ImportForm())
    context.setdefault("sheet_form", SpreadsheetForm())
    sources = IcsSource.objects.select_related("customer").annotate(event_count=Count("events"))
    job = request.GET.get("job", "")
    context = _background_preview(request) | context
    context |= {
        "sources": sources,
        "kinds": spreadsheet.SHEETS,
        "job": job,
        "job_status": spreadsheet.job_status(job) if job else None,
    }
    return render(request, "calendarapp/import.html", context, status=status)


def _preview_context(result: spreadsheet.ImportResult, token: str, filename: str) -> dict[str, Any]:
    return {
        "preview": result,
        "filename": filename,
        "token": token,
        "errors_shown": result.errors[:ERRORS_SHOWN],
        "rows_shown": result.rows[:ROWS_SHOWN],
    }


def import_page(request: HttpRequest) -> HttpResponse:
    """Create an .ics source from an upload or a URL; list the sources with their state."""
    _require_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            source, result = ics.import_ics(
                name=data["name"],
                kind=data["kind"],
                customer=data["customer"],
                country=data["country"],
                subdivision=data["subdivision"].upper(),
                url=data["url"].strip(),
                data=upload.read() if upload else None,
            )
        except ics.IcsImportError as error:
            form.add_error(error.field or ("file" if upload else "url"), str(error))
        else:
            messages.success(request, f"Imported “{source.name}”: {result}.")
            for warning in result.warnings:
                messages.warning(request, warning.text)
            return redirect("feed-import")
    return _page(request, form=form)


@require_POST
def spreadsheet_preview(request: HttpRequest) -> HttpResponse:
    """Check an uploaded spreadsheet without writing; keep it for the confirmation."""
    _require_admin(request)
    form = SpreadsheetForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, status=400, sheet_form=form)
    upload = form.cleaned_data["file"]
    kind = form.cleaned_data["kind"] or None
    data = upload.read()
    if spreadsheet.previews_in_background(len(data)):
        return _preview_in_background(request, form, data=data, filename=upload.name, kind=kind)
    try:
        result = spreadsheet.customers_import(
            data=data, filename=upload.name, kind=kind, dry_run=True
        )
    except spreadsheet.SpreadsheetError as error:
        form.add_error("file", str(error))
        return _page(request, status=400, sheet_form=form)
    token = secrets.token_urlsafe(16)
    request.session[PENDING] = {
        "token": token,
        "filename": upload.name,
        "kind": kind,
        "rows": len(result.rows) + len(result.errors),
        "data": base64.b64encode(data).decode("ascii"),
    }
    return _page(request, **_preview_context(result, token, upload.name))


def _preview_in_background(
    request: HttpRequest, form: SpreadsheetForm, *, data: bytes, filename: str, kind: str | None
) -> HttpResponse:
    """Queue a large file's preview; the page says it is being prepared and polls."""
    try:
        token = spreadsheet.job_create(
            data=data, filename=filename, kind=kind, message="Waiting for a worker to start…"
        )
        preview_spreadsheet.delay(token)
    except (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError):
        form.add_error("file", "The task queue is not answering; preview the file again.")
        return _page(request, status=503, sheet_form=form)
    request.session[PENDING] = {
        "token": token,
        "filename": filename,
        "kind": kind,
        "rows": None,  # known once the preview is done
        "data": base64.b64encode(data).decode("ascii"),
    }
    return redirect(f"{reverse('feed-import')}?preview={token}#spreadsheet")


def _background_preview(request: HttpRequest) -> dict[str, Any]:
    """The page's part for `?preview=<token>`: the finished preview, or its progress."""
    token = request.GET.get("preview", "")
    pending = request.session.get(PENDING)
    if not token or not pending or pending["token"] != token:
        return {}
    status = spreadsheet.job_status(token)
    result = spreadsheet.job_preview_result(token)
    if status is None or (status["state"] == "done" and result is None):
        return {"preview_status": {"state": "failed", "message": "The preview has expired."}}
    if result is None:
        return {"preview_status": status, "preview_job": token, "filename": pending["filename"]}
    if pending["rows"] is None:
        pending["rows"] = len(result.rows) + len(result.errors)
        request.session.modified = True
    return _preview_context(result, token, pending["filename"])


def _pending(request: HttpRequest) -> tuple[bytes, str, str | None, int | None] | None:
    pending = request.session.get(PENDING)
    if not pending:
        return None
    data = base64.b64decode(pending["data"])
    return data, pending["filename"], pending["kind"], pending["rows"]


@require_POST
def spreadsheet_import(request: HttpRequest) -> HttpResponse:
    """Write the previewed file once: in this request, or for a large one in a background task."""
    _require_admin(request)
    token = request.POST.get("token", "")
    pending = _pending(request)
    if pending is None or request.session[PENDING]["token"] != token:
        if once_found(user=request.user, key=f"import:{token}"):
            messages.error(request, ALREADY_IMPORTED)
        else:
            messages.error(request, "That preview is no longer open; choose the file again.")
        return redirect("feed-import")
    data, filename, kind, rows = pending
    if rows is None:  # its background preview has not been shown yet
        messages.error(request, "The preview is still being prepared; wait for it to show.")
        return redirect(f"{reverse('feed-import')}?preview={request.POST['token']}#spreadsheet")
    with transaction.atomic():
        # A second confirmation of this preview waits here until the first has committed.
        claim, first = once_claim(user=request.user, key=f"import:{token}")
        if not first:
            messages.error(request, ALREADY_IMPORTED)
            return redirect(claim.answer.get("location", "feed-import"))
        response = _import_once(request, data=data, filename=filename, kind=kind, rows=rows)
        if response.status_code != 302 or PENDING in request.session:
            transaction.set_rollback(True)  # not imported: the preview may be confirmed again
        else:
            once_answer(claim=claim, status=302, answer={"location": response["Location"]})
        return response


ALREADY_IMPORTED = (
    "This preview was already confirmed (in another tab or window) and is imported once;"
    " nothing was imported twice."
)


def _import_once(
    request: HttpRequest, *, data: bytes, filename: str, kind: str | None, rows: int
) -> HttpResponse:
    if spreadsheet.runs_in_background(rows):
        try:
            job = spreadsheet.job_create(data=data, filename=filename, kind=kind)
            import_spreadsheet.delay(job)
        except (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError):
            messages.error(request, "The task queue is not answering; try the import again.")
            return redirect("feed-import")
        del request.session[PENDING]
        return redirect(f"{reverse('feed-import')}?job={job}#spreadsheet")
    result = spreadsheet.customers_import(data=data, filename=filename, kind=kind)
    if result.errors:  # the data changed since the preview
        return _page(
            request, status=400, **_preview_context(result, request.POST["token"], filename)
        )
    del request.session[PENDING]
    messages.success(request, f"{filename}: {result.summary()}")
    return redirect("feed-import")


def spreadsheet_errors(request: HttpRequest) -> HttpResponse:
    """The previewed file's problems as a CSV: sheet, line, column, value, message."""
    _require_admin(request)
    pending = _pending(request)
    if pending is None:
        raise Http404("No previewed file.")
    data, filename, kind, _ = pending
    result = spreadsheet.customers_import(data=data, filename=filename, kind=kind, dry_run=True)
    return _download(spreadsheet.errors_csv(result.errors), "import-errors.csv", "text/csv")


def spreadsheet_template(request: HttpRequest, kind: str) -> HttpResponse:
    """A CSV with the kind's columns and an example row."""
    _require_admin(request)
    if kind not in spreadsheet.SHEETS:
        raise Http404("No such kind.")
    return _download(spreadsheet.template_file(kind), f"{kind}-template.csv", "text/csv")


def spreadsheet_export(request: HttpRequest) -> HttpResponse:
    """Every customer with its facts: an .xlsx (a sheet per kind) or a CSV of one kind."""
    _require_admin(request)
    kind = request.GET.get("kind") or None
    file_format = request.GET.get("format", "xlsx")
    if kind not in (None, *spreadsheet.SHEETS) or file_format not in ("xlsx", "csv"):
        return HttpResponse(
            "Use format=xlsx or format=csv, and kind one of " + ", ".join(spreadsheet.SHEETS),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    xlsx = file_format == "xlsx"
    data = spreadsheet.customers_export(kind=kind, xlsx=xlsx)
    name = f"{kind or ('customers-all' if xlsx else 'customers')}.{file_format}"
    content_type = tables.XLSX_TYPE if xlsx else "text/csv"
    return _download(data, name, content_type)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def spreadsheet_progress(request: HttpRequest, job: str) -> JsonResponse:
    """A background import's state and message, for the page to poll."""
    _require_admin(request)
    status = spreadsheet.job_status(job)
    if status is None:
        raise Http404("No such import.")
    return JsonResponse(status)


@require_POST
def import_refresh(request: HttpRequest, source_id: int) -> HttpResponse:
    _require_admin(request)
    source = get_object_or_404(IcsSource, pk=source_id)
    try:
        result = ics.refresh_source(source.pk)
    except ics.IcsImportError as error:
        messages.error(request, f"“{source.name}” was not refreshed: {error}")
    else:
        messages.success(request, f"Refreshed “{source.name}”: {result}.")
        for warning in result.warnings if result else ():
            messages.warning(request, warning.text)
    return redirect("feed-import")


@require_POST
def import_delete(request: HttpRequest, source_id: int) -> HttpResponse:
    _require_admin(request)
    source = get_object_or_404(IcsSource, pk=source_id)
    source.delete()
    messages.success(request, f"Removed “{source.name}” and its events.")
    return redirect("feed-import")
