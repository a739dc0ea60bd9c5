"""The customer page: their year at a glance, what is coming up, contracts and traditions."""

from __future__ import annotations

import calendar as calendar_names
import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from calendarapp import countries
from calendarapp.forms import YearForm
from calendarapp.occurrences import calendar_between
from calendarapp.roles import calendar_reader_required
from calendarapp.timeline import items, kind_style, months_of_year
from customers.models import Customer

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
            "traditions": [(t, kind_style(t.kind)) for t in customer.traditions.all()],
            "budget_month": calendar_names.month_name[customer.budget_close_month],
        }
    )
    return render(request, "customers/customer_detail.html", context)
