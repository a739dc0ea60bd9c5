"""The Import page's forms: a spreadsheet of customers, and an .ics file or URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from calendarapp.imports import ics, spreadsheet
from calendarapp.lib import countries
from calendarapp.lib.forms import choice_field
from calendarapp.models import ImportKind
from customers.models import Customer


class ImportForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “Acme events” or “DK schools”.")
    kind = forms.ChoiceField(
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        help_text="What the imported events become on the calendar.",
    )
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.filter(active=True).only("id", "name"),
        required=False,
        empty_label="—",
        label="For customer",
    )
    country = forms.ChoiceField(required=False, label="or for country")
    subdivision = forms.CharField(max_length=10, required=False, help_text="Optional, e.g. BY.")
    file = forms.FileField(required=False, label=".ics file")
    url = forms.CharField(
        max_length=2000, required=False, label="or URL", help_text="https:// or webcal://"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "country").choices = countries.country_choices(blank="—")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("customer")) == bool(data.get("country")):
            self.add_error("customer", "Choose a customer, or a country, but not both.")
        if data.get("customer") and data.get("subdivision"):
            self.add_error("subdivision", "A customer's events take the customer's region.")
        if bool(data.get("file")) == bool(data.get("url")):
            self.add_error("file", "Upload a file, or give a URL, but not both.")
        file = data.get("file")
        if file and file.size > settings.ICS_IMPORT_MAX_BYTES:
            self.add_error("file", ics.too_big_message())
        return data


class SpreadsheetForm(forms.Form):
    prefix = "sheet"  # the .ics form on the same page has a `file` too
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="UTF-8 CSV (comma or semicolon) or .xlsx; the first row names the columns.",
    )
    kind = forms.ChoiceField(
        choices=[("", "Every sheet of the workbook (a CSV: customers)")]
        + [(kind, kind.capitalize()) for kind in spreadsheet.SHEETS],
        required=False,
        label="What the file holds",
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(spreadsheet.too_big_message())
        return file
