"""The API tokens page's form: a name and an optional last day."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from calendarapp.lib.forms import DATE_INPUT, IsoDateField, refuse_far_dates


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What it is for, so you can tell your tokens apart, e.g. “Weekly report script”.",
    )
    expires_on = IsoDateField(
        required=False,
        widget=DATE_INPUT,
        label="Works until (optional)",
        help_text="The last day it works. Empty: until you revoke it.",
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        refuse_far_dates(self, "expires_on")
        last_day = cleaned.get("expires_on")
        if last_day and last_day < timezone.localdate():
            self.add_error("expires_on", "The last day cannot be in the past.")
        return cleaned

    def expires_at(self) -> datetime.datetime | None:
        """The moment the token stops working: the start of the day after its last day."""
        last_day = self.cleaned_data.get("expires_on")
        if last_day is None:
            return None
        return timezone.make_aware(
            datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
        )
