"""Admin change forms that write only what was changed on them, on the row locked as it is now:
two admins changing different fields of one record (or of one inline row) both keep theirs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
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


def row_changed_names(formset: Any, row: forms.BaseForm) -> list[str]:
    """The fields changed on an inline row, less those the formset adds to it (the row's id, its
    parent, DELETE), which carry no shown value and no change of the user's."""
    added = {DELETION_FIELD_NAME, ORDERING_FIELD_NAME, formset.model._meta.pk.name}
    if (parent := getattr(formset, "fk", None)) is not None:
        added.add(parent.name)
    return [name for name in changed_names(row) if name not in added]


class ChangedFieldsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change form and inlines write only their changed fields (each a
    `ChangedFieldsModelForm`); a new record or inline row is saved whole."""

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        """The history entry as Django writes it, naming the fields written (`changed_names`,
        here and on each inline row) rather than Django's own `changed_data`."""
        if not add:
            # Django reads `changed_data` (a cached_property, so it may be set on the form).
            form.changed_data = changed_names(form)
            for formset in formsets:
                formset.changed_objects = [
                    (row.instance, row_changed_names(formset, row))
                    for row in formset.initial_forms
                    if row.has_changed() and row not in formset.deleted_forms
                ]
        return super().construct_change_message(request, form, formsets, add)

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
                fields_saved(inline_form.instance, row_changed_names(formset, inline_form))
        formset.save_m2m()
