"""The Import page for calendar admins: create, refresh and remove .ics sources. Thin: see ics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from calendarapp.imports import ics
from calendarapp.imports.forms import ImportForm
from calendarapp.models import IcsSource
from calendarapp.roles import can_edit_customers


def _require_admin(request: HttpRequest) -> None:
    if not can_edit_customers(request.user):
        raise PermissionDenied("Only calendar admins import calendars.")


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
            return redirect("feed-import")
    sources = IcsSource.objects.select_related("customer").annotate(event_count=Count("events"))
    return render(request, "calendarapp/import.html", {"form": form, "sources": sources})


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
    return redirect("feed-import")


@require_POST
def import_delete(request: HttpRequest, source_id: int) -> HttpResponse:
    _require_admin(request)
    source = get_object_or_404(IcsSource, pk=source_id)
    source.delete()
    messages.success(request, f"Removed “{source.name}” and its events.")
    return redirect("feed-import")
