"""Form pieces every page shares: the date input, the 1900-2199 bounds, the year and region."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from calendarapp.lib import countries
from calendarapp.lib.validation import EARLIEST, FAR_DATE, ISO_DATE, LATEST, NOT_ISO_DATE

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def refuse_far_dates(form: forms.Form, *names: str) -> None:
    """Add an error to each named date field that lies outside 1900-2199."""
    for name in names:
        value = form.cleaned_data.get(name)
        if value and not EARLIEST <= value <= LATEST:
            form.add_error(name, FAR_DATE)


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD, as the date picker and every link write it."""

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and value.strip() and not ISO_DATE.match(value.strip()):
            raise forms.ValidationError(NOT_ISO_DATE, code="invalid")
        return super().to_python(value)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, to set its choices at run time (typed: a bare field has none)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


class YearForm(forms.Form):
    """The ?year= and ?subdivision= of the customer and country pages."""

    year = forms.IntegerField(required=False, min_value=1900, max_value=2200, label="Year")
    subdivision = forms.ChoiceField(required=False, label="Region")

    def __init__(self, data: Any, *, country: str = ""):
        super().__init__(data)
        choice_field(self, "subdivision").choices = [("", "Nationwide only")] + [
            (code, name if name == code else f"{name} ({code})")
            for code, name in sorted(countries.subdivision_names(country).items())
        ]


class ChangedFieldsMixin(forms.BaseForm):
    """An edit form that writes only the fields the user changed on it.

    Each field carries the value the page was shown with (Django's hidden initial), so a field
    left as shown is not written back over what someone else saved meanwhile. A field posted
    without its shown value (a script, an older page) counts as changed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True

    def changed_fields(self) -> dict[str, Any]:
        """The cleaned values of the fields changed from what the page showed; after is_valid()."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.changed_data or self.add_initial_prefix(name) not in self.data
        }
