"""Form pieces every page shares: the date input, the 1900-2199 bounds, the year and region,
and the guard of a form that saves a record (its version and one-time token)."""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from calendarapp.lib import countries, email_domains
from calendarapp.lib.validation import EARLIEST, FAR_DATE, ISO_DATE, LATEST, NOT_ISO_DATE
from calendarapp.lib.versions import changed_since, version_of

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlainSelect(forms.Select):
    """A <select> written in Python, the same markup as Django's widget templates, which
    render every option through an include: on the timeline's filters (some ninety
    options) that cost more than laying out the page's hundred rows. (The newline after
    each option is the option template's own.)"""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


def _attrs(attrs: dict[str, Any]) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def refuse_far_dates(form: forms.Form, *names: str) -> None:
    """Add an error to each named date field that lies outside 1900-2199."""
    for name in names:
        value = form.cleaned_data.get(name)
        if value and not EARLIEST <= value <= LATEST:
            form.add_error(name, FAR_DATE)


def add_refusal(
    form: forms.BaseForm, error: ValidationError, renamed: dict[str, str] | None = None
) -> None:
    """Show a write function's refusal on the form: each message on its field where the form
    has one (named on the form as `renamed` says), the rest above the form."""
    for written, messages in error.message_dict.items():
        field = (renamed or {}).get(written, written)
        form.add_error(field if field in form.fields else None, messages)


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD, as the date picker and every link write it."""

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and value.strip() and not ISO_DATE.match(value.strip()):
            raise forms.ValidationError(NOT_ISO_DATE, code="invalid")
        return super().to_python(value)


class EmailDomainsField(forms.CharField):
    """A customer's email domains typed in one line ("acme.com; acme.de"), as a list; the
    model's clean() lower-cases, checks and drops the repeats."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("label", "Email domains")
        kwargs.setdefault(
            "help_text",
            "The customer's own, separated by “;”, such as acme.com; acme.de. Attendees of"
            " meetings in your calendar at these domains are the customer's. Not free mail"
            " (gmail.com) and not ours.",
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return email_domains.join_domains(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return email_domains.split_domains(super().to_python(value) or "")

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (initial or []) != self.to_python(data)


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


VERSION = "version"
ONCE = "once"
CHANGED_MEANWHILE = (
    "Someone else saved this while you were editing. Each field they changed shows their value"
    " and yours: keep or change yours, then save again."
)
OLD_FORM = "This form is older than the record's fields; check the values and save again."
NOT_DELETED = "Nothing was deleted: someone else changed this since you opened it (marked below)."
DELETE_AGAIN = "Delete again to delete it as it is now."
NOT_DELETED_OLD = "Nothing was deleted: this form is older than the record's fields; check it."


class GuardedForm(forms.BaseForm):
    """A page form that saves a record: it carries a one-time token (a second submit of it saves
    nothing) and, editing, the version of the values it was rendered from (`lib/versions.py`).

    When someone else saved the record in between, `saved_meanwhile` puts both values on each
    field they changed and the form is shown again; the template renders `_form_guard.html`.
    """

    # The fields whose stored values make the version; None: every field.
    versioned: tuple[str, ...] | None = None

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        # A plain form is given its `record` and shows it through `initial_of`.
        if record is not None:
            kwargs["initial"] = {**self.initial_of(record), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        # The stored record this form edits, locked and read again when it is saved.
        self.record: Any = (
            record if record is not None else (instance if instance and instance.pk else None)
        )
        self.edits = self.record is not None
        self._version: str | None = None
        self._once = secrets.token_urlsafe(16)

    def initial_of(self, row: Any) -> dict[str, Any]:
        """The form's values for `row` as stored: a ModelForm's from its model's fields; a plain
        form says its own."""
        meta = getattr(self, "_meta", None)
        if meta is None:
            raise NotImplementedError(f"{type(self).__name__} must say its initial_of(row)")
        return model_to_dict(row, fields=meta.fields, exclude=meta.exclude)

    def stored_values(self, row: Any = None) -> dict[str, Any]:
        """What the record holds, as this form would show it unedited: as the form loaded it, or
        as `row` (the record's row read again, locked) holds it."""
        initial = self.initial if row is None else {**self.initial, **self.initial_of(row)}
        names = self.fields if self.versioned is None else self.versioned
        return {
            name: _as_shown(self.fields[name], initial.get(name, self.fields[name].initial))
            for name in names
            if name in self.fields
        }

    @property
    def version(self) -> str:
        """The version to carry: as posted, or (rendered anew, or after a conflict) as stored."""
        if not self.edits:
            return ""
        if self._version is None:
            posted = self.data.get(VERSION, "") if self.is_bound else ""
            self._version = str(posted) or version_of(self.stored_values())
        return self._version

    @property
    def once(self) -> str:
        """The one-time token: as posted, or a new one."""
        return str(self.data.get(ONCE, "")) if self.is_bound else self._once

    def saved_meanwhile(self, row: Any = None) -> bool:
        """Whether someone else changed a field of the record since the form was rendered (only
        for a valid form), judged by `row` (the record's row, locked) or else as loaded: then each
        such field shows both values and the form carries the new version, so saving again keeps
        what it says."""
        posted = str(self.data.get(VERSION, ""))
        if not (self.edits and posted):
            return False
        stored = self.stored_values(row)
        changed = changed_since(posted, stored)
        # A field they changed and this page left as shown is no conflict: only the fields
        # changed on the page are written (`ChangedFieldsMixin`), so their change stays.
        mine = self.changed_fields() if isinstance(self, ChangedFieldsMixin) else stored
        conflicts = [
            name
            for name in changed or ()
            if name in mine
            and version_of({name: stored[name]}) != version_of({name: self.cleaned_data.get(name)})
        ]
        if changed is not None and not conflicts:
            return False  # no change, or each the same as ours
        self._version = version_of(stored)
        self.add_error(None, CHANGED_MEANWHILE if conflicts else OLD_FORM)
        for name in conflicts:
            field = self.fields[name]
            theirs = shown(field, stored[name])
            self.add_error(
                name,
                f"Saved by someone else meanwhile: {theirs}; yours: "
                f"{shown(field, self.cleaned_data.get(name))}.",
            )
        return True

    def delete_refused(self, row: Any) -> bool:
        """Whether `row` (the record's row, locked) changed since the form was rendered, so a
        delete from the form must not go ahead: then each changed field shows its value now and
        the form carries the new version. A post without a version (a script) deletes, as
        the API's DELETE without If-Match does."""
        posted = str(self.data.get(VERSION, ""))
        if not (self.edits and posted):
            return False
        stored = self.stored_values(row)
        changed = changed_since(posted, stored)
        if changed == []:
            return False
        self._version = version_of(stored)
        self.add_error(None, f"{NOT_DELETED} {DELETE_AGAIN}" if changed else NOT_DELETED_OLD)
        for name in changed or ():
            theirs = shown(self.fields[name], stored[name])
            self.add_error(name, f"Changed by someone else meanwhile, now: {theirs}.")
        return True


def _as_shown(field: forms.Field, value: Any) -> Any:
    """An initial value as Django's `get_initial_for_field` shows it, so versions hash alike."""
    if callable(value):
        value = value()
    if (
        isinstance(value, datetime.datetime | datetime.time)
        and not field.widget.supports_microseconds
    ):
        value = value.replace(microsecond=0)
    return value


def shown(field: forms.Field, value: Any) -> str:
    """A field's value in words, as its form offers it: a choice by its label, records by name."""
    if value is None or value == "" or value == [] or value == ():
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(field, forms.ModelChoiceField):
        many = isinstance(field, forms.ModelMultipleChoiceField)
        values = value if many else [value]
        ids = [getattr(item, "pk", item) for item in values]
        records = field.queryset.model._default_manager.filter(pk__in=ids)  # type: ignore[union-attr]
        return ", ".join(sorted(str(record) for record in records)) or "(empty)"
    if isinstance(field, forms.ChoiceField):
        choices: Any = field.choices
        labels = {str(key): str(label) for key, label in choices}
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in items)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class RecordForm(GuardedForm, ChangedFieldsMixin):
    """A record's page form: guarded (version, one-time token) and, editing, writing only what
    was changed on it."""
