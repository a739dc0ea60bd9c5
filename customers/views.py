"""The customer page: their year, contracts and traditions."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from calendarapp.occurrences import calendar_between
from customers.models import Customer


def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.select_related("owner"), pk=customer_id)
    today = datetime.date.today()
    calendar = calendar_between(
        today, today + datetime.timedelta(days=365), customers=Customer.objects.filter(pk=customer.pk)
    )
    occurrences = calendar.for_customer(calendar.customers[0]) if calendar.customers else []
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "occurrences": occurrences,
            "contracts": customer.contracts.all(),
            "traditions": customer.traditions.all(),
        },
    )
