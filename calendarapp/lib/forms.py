"""Form pieces every page shares: the date input and the 1900-2199 bounds."""

from __future__ import annotations

from django import forms

from calendarapp.lib.validation import EARLIEST, FAR_DATE, LATEST

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def refuse_far_dates(form: forms.Form, *names: str) -> None:
    """Add an error to each named date field that lies outside 1900-2199."""
    for name in names:
        value = form.cleaned_data.get(name)
        if value and not EARLIEST <= value <= LATEST:
            form.add_error(name, FAR_DATE)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, to set its choices at run time (typed: a bare field has none)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field
