"""The timeline's URL state."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from calendarapp.kinds import KIND_CHOICES
from calendarapp.lib import countries, dates
from calendarapp.lib.forms import (
    DATE_INPUT,
    IsoDateField,
    PlainSelect,
    choice_field,
    refuse_far_dates,
)
from calendarapp.lib.validation import END_BEFORE_START, SPAN_TOO_LONG
from calendarapp.occurrences.stream import MAX_WINDOW_DAYS
from calendarapp.timeline import layout
from customers.models import (
    Customer,
    Interest,
)


class TimelineForm(forms.Form):
    """Parse the timeline's whole state from URL parameters; errors name the parameter."""

    range = forms.ChoiceField(
        choices=layout.RANGE_CHOICES, required=False, label="Range", widget=PlainSelect
    )
    start = IsoDateField(required=False, widget=DATE_INPUT, label="From")
    end = IsoDateField(required=False, widget=DATE_INPUT, label="To")
    group = forms.ChoiceField(
        choices=layout.GROUP_CHOICES, required=False, label="Group by", widget=PlainSelect
    )
    owner = forms.ChoiceField(required=False, label="Account owner", widget=PlainSelect)
    country = forms.ChoiceField(required=False, label="Country", widget=PlainSelect)
    kind = forms.MultipleChoiceField(
        choices=KIND_CHOICES,
        required=False,
        label="Kinds",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    interest = forms.ModelChoiceField(
        Interest.objects.all(),
        to_field_name="name",
        required=False,
        label="Interest",
        empty_label="Any interest",
        widget=PlainSelect,
    )
    q = forms.CharField(required=False, max_length=100, label="Customer name")
    touch = forms.ChoiceField(
        choices=layout.TOUCH_CHOICES, required=False, label="Contact", widget=PlainSelect
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="Page")

    def __init__(self, data, *, user, today: datetime.date):
        super().__init__(data)
        self.user = user
        self.today = today
        owners = get_user_model().objects.filter(customers__isnull=False).distinct()
        choice_field(self, "owner").choices = [
            ("", "Everyone's customers"),
            ("me", "My customers"),
        ] + [
            (username, username)
            for username in owners.order_by("username").values_list("username", flat=True)
        ]
        used = (
            Customer.objects.filter(active=True)
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        choice_field(self, "country").choices = countries.country_choices(
            used, blank="All countries"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        refuse_far_dates(self, "start", "end")
        range_name = data.get("range") or layout.DEFAULT_RANGE
        start, end = data.get("start"), data.get("end")
        if range_name == "custom":
            if not start:
                self.add_error("start", "Give a start date for a custom range.")
            if not end:
                self.add_error("end", "Give an end date for a custom range.")
            if start and end and end < start:
                self.add_error("end", END_BEFORE_START)
            elif start and end and (end - start).days > MAX_WINDOW_DAYS:
                self.add_error("end", SPAN_TOO_LONG)
        return data

    def query(self) -> layout.TimelineQuery:
        """Return the validated state; call only after is_valid()."""
        data = self.cleaned_data
        range_name = data["range"] or layout.DEFAULT_RANGE
        if range_name == "custom":
            start, end = data["start"], data["end"]
        elif range_name in layout.ROLLING_WEEKS:
            first = data["start"] and dates.monday_of(data["start"])
            start, end = layout.rolling_window(
                range_name, first or layout.default_first_monday(self.today)
            )
        else:
            start, end = layout.window_for(range_name, data["start"] or self.today)
        owner = data["owner"]
        owner_id = None
        if owner == "me":
            owner_id = self.user.pk
        elif owner:
            owner_id = get_user_model().objects.get(username=owner).pk
        return layout.TimelineQuery(
            range=range_name,
            start=start,
            end=end,
            group=data["group"] or "none",
            owner_id=owner_id,
            country=data["country"],
            kinds=tuple(data["kind"]),
            interest_id=data["interest"].pk if data["interest"] else None,
            search=data["q"].strip(),
            touch=data["touch"],
            page=data["page"] or 1,
        )
