"""Pages of the shared calendar. Thin: the work is in occurrences, conflicts and suggest."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from calendarapp import countries
from calendarapp.models import Plan
from calendarapp.occurrences import calendar_between
from customers.models import Customer


def timeline(request: HttpRequest) -> HttpResponse:
    today = datetime.date.today()
    end = today + datetime.timedelta(days=90)
    calendar = calendar_between(today, end)
    rows = [(customer, calendar.for_customer(customer)) for customer in calendar.customers[:100]]
    return render(request, "calendarapp/timeline.html", {"rows": rows, "start": today, "end": end})


def plan_list(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.filter(owner=request.user)
    return render(request, "calendarapp/plan_list.html", {"plans": plans})


def plan_edit(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    plan = get_object_or_404(Plan, pk=plan_id) if plan_id else None
    return render(request, "calendarapp/plan_edit.html", {"plan": plan})


def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if countries.validate_country(code):
        raise Http404("No such country")
    year = datetime.date.today().year
    calendar = calendar_between(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), countries=[code]
    )
    return render(
        request,
        "calendarapp/country_detail.html",
        {
            "code": code,
            "name": countries.country_name(code),
            "year": year,
            "occurrences": calendar.occurrences,
            "customers": Customer.objects.filter(country=code, active=True),
        },
    )
