"""The calendar pages: the timeline, a customer's year and a country's year. Thin: see layout."""

from __future__ import annotations

import calendar as calendar_names
import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from calendarapp.kinds import KINDS, PUBLIC_HOLIDAY, kind_of
from calendarapp.lib import countries
from calendarapp.occurrences.stream import calendar_between
from calendarapp.roles import calendar_reader_required
from calendarapp.timeline.forms import TimelineForm, YearForm
from calendarapp.timeline.layout import (
    PAGE_SIZE,
    build_timeline,
    items,
    months_of_year,
    neighbours,
)
from customers.models import Customer


@calendar_reader_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The home page: customers as rows, ISO weeks as columns; all state in the URL."""
    today = timezone.localdate()
    form = TimelineForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        return render(request, "calendarapp/timeline.html", {"form": form}, status=400)
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
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A country's public holidays (by subdivision) and local traditions, and its customers."""
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
        }
    )
    return render(request, "calendarapp/country_detail.html", context)


# "Upcoming" reaches this far ahead: far enough to act on a budget close's lead time.
UPCOMING_DAYS = 120


@calendar_reader_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(
        Customer.objects.select_related("owner").prefetch_related("interests"), pk=customer_id
    )
    form = YearForm(request.GET)
    context: dict = {
        "customer": customer,
        "form": form,
        "country_name": countries.country_name(customer.country),
        "subdivision_name": countries.subdivision_name(customer.country, customer.subdivision),
    }
    if not form.is_valid():
        return render(request, "customers/customer_detail.html", context, status=400)
    today = timezone.localdate()
    year = form.cleaned_data["year"] or today.year
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    calendar = calendar_between(
        min(datetime.date(year, 1, 1), today),
        max(datetime.date(year, 12, 31), horizon),
        customers=Customer.objects.filter(pk=customer.pk),
    )
    occurrences = calendar.for_customer(calendar.customers[0])
    context.update(
        {
            "year": year,
            "today": today,
            "months": months_of_year(occurrences, year, today),
            "upcoming": items(
                (o for o in occurrences if o.end >= today and o.start <= horizon), today
            ),
            "upcoming_days": UPCOMING_DAYS,
            "contracts": customer.contracts.all(),
            "traditions": [(t, kind_of(t.kind)) for t in customer.traditions.all()],
            "budget_month": calendar_names.month_name[customer.budget_close_month],
        }
    )
    return render(request, "customers/customer_detail.html", context)
