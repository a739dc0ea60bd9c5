"""The calendar pages: the timeline and a country's year. Thin: see layout."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from calendarapp.kinds import KINDS, PUBLIC_HOLIDAY
from calendarapp.lib import countries, tables
from calendarapp.lib.forms import YearForm
from calendarapp.occurrences.stream import calendar_between
from calendarapp.occurrences.wording import items
from calendarapp.roles import calendar_reader_required, can_edit_customers
from calendarapp.timeline.forms import (
    TimelineForm,
)
from calendarapp.timeline.layout import (
    PAGE_SIZE,
    build_timeline,
    neighbours,
    timeline_sheet,
)
from customers.models import (
    Customer,
)
from traditions.models import Tradition


@calendar_reader_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The home page: customers as rows, ISO weeks as columns; all state in the URL."""
    today = timezone.localdate()
    form = TimelineForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        # The legend still names each kind by its letter beside the error.
        context = {"form": form, "kinds": KINDS.values()}
        return render(request, "calendarapp/timeline.html", context, status=400)
    query = form.query()
    grid = build_timeline(query, today=today)
    previous_start, next_start = neighbours(query.range, query.start, query.end)
    # Quarters, halves and years are named by their start; custom ranges need both ends.
    span = query.end - query.start if query.range == "custom" else None
    return render(
        request,
        "calendarapp/timeline.html",
        {
            "form": form,
            "grid": grid,
            "query": query,
            "previous": (previous_start, previous_start + span if span else None),
            "next": (next_start, next_start + span if span else None),
            "kinds": KINDS.values(),
            "page_size": PAGE_SIZE,
        },
    )


@calendar_reader_required
def timeline_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The timeline's occurrences with its filters, every page, as CSV or .xlsx."""
    form = TimelineForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        problems = "; ".join(
            f"parameter “{field}”: {' '.join(str(error) for error in errors)}"
            for field, errors in form.errors.items()
        )
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    query = form.query()
    name = f"timeline-{query.start.isoformat()}-{query.end.isoformat()}"
    return tables.download(timeline_sheet(query), name=name, file_format=file_format)


@calendar_reader_required
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A country's public holidays (by subdivision) and local traditions, and its customers."""
    if code != code.upper():  # /countries/dk: one address per country, as links spell it
        url = reverse("country-detail", args=[code.upper()])
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    if countries.validate_country(code):
        raise Http404("No such country")
    form = YearForm(request.GET, country=code)
    today = timezone.localdate()
    context = {
        "form": form,
        "code": code,
        "name": countries.country_name(code),
        "customers": Customer.objects.filter(country=code, active=True)
        .select_related("owner")
        .order_by("name"),
    }
    if not form.is_valid():
        return render(request, "calendarapp/country_detail.html", context, status=400)
    year = form.cleaned_data["year"] or today.year
    subdivision = form.cleaned_data["subdivision"]
    calendar = calendar_between(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), countries=[code]
    )
    occurrences = calendar.for_region(code, subdivision)
    context.update(
        {
            "year": year,
            "subdivision": subdivision,
            "subdivision_name": countries.subdivision_name(code, subdivision),
            "holidays": items((o for o in occurrences if o.kind == PUBLIC_HOLIDAY), today),
            "traditions": items((o for o in occurrences if o.kind != PUBLIC_HOLIDAY), today),
            # Calendar admins edit the rows themselves, on the site.
            "local_rows": (
                list(Tradition.objects.filter(customer=None, country=code))
                if can_edit_customers(request.user)
                else []
            ),
        }
    )
    return render(request, "calendarapp/country_detail.html", context)
