"""Admin change forms that write only what was changed on them, on the row locked as it is now:
two admins changing different fields of one record (or of one inline row) both keep theirs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from calendarapp.lib.forms import ChangedFieldsMixin
from calendarapp.lib.writes import deleted, fields_saved


class ChangedFieldsModelForm(ChangedFieldsMixin, forms.ModelForm):
    """An admin form (or inline form) carrying each field's shown value, to tell what was changed
    on it from what someone else changed meanwhile."""


def changed_names(form: forms.BaseForm) -> list[str]:
    """The names of the fields changed on `form` (valid): from what it showed when it has it."""
    if isinstance(form, ChangedFieldsMixin):
        return list(form.changed_fields())
    return list(form.changed_data)


class ChangedFieldsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change form and inlines write only their changed fields (each a
    `ChangedFieldsModelForm`); a new record or inline row is saved whole."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields_saved(obj, changed_names(form) if change else None)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Django sets every many-to-many field of the form; an edit sets only those changed.
        names = changed_names(form) if change else list(form.cleaned_data)
        for field in form.instance._meta.many_to_many:
            if field.name in names and field.name in form.cleaned_data:
                field.save_form_data(form.instance, form.cleaned_data[field.name])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Django saves each changed inline row whole; here only its fields changed on the page.
        formset.save(commit=False)
        for row in formset.deleted_objects:
            deleted(row)
        for row in formset.new_objects:
            row.save()
        for inline_form in formset.initial_forms:
            if inline_form not in formset.deleted_forms and inline_form.has_changed():
                fields_saved(inline_form.instance, changed_names(inline_form))
        formset.save_m2m()
