"""The planner's forms: what, when and whom it reaches; and where to look for better dates."""

from __future__ import annotations

from typing import Any

from django import forms

from calendarapp.lib import countries
from calendarapp.lib.forms import DATE_INPUT, GuardedForm, choice_field
from calendarapp.lib.validation import END_BEFORE_START, MAX_SPAN_DAYS
from calendarapp.models import Plan, PlanKind, PlanStatus
from calendarapp.planning.services import audience_error
from customers.models import Customer, Interest


def country_choices_with_customers_first() -> list:
    """Countries with active customers first: the ones a plan is likely to target."""
    used = set(Customer.objects.filter(active=True).values_list("country", flat=True))
    others = set(countries.country_names()) - used
    return [
        ("Countries with customers", countries.country_choices(used)),
        ("Other countries", countries.country_choices(others)),
    ]


class CustomerChoiceField(forms.ModelMultipleChoiceField):
    """Customers listed with their country: two customers may share a name."""

    def label_from_instance(self, obj: Customer) -> str:
        return f"{obj.name} ({obj.country})"


class PlanForm(GuardedForm, forms.ModelForm):
    """The planner's form; the audience is customers, whole countries and interests."""

    countries = forms.MultipleChoiceField(
        required=False,
        label="Whole countries",
        help_text="Every active customer in these countries.",
        widget=forms.SelectMultiple(attrs={"size": 6, "data-chips": ""}),
    )
    customers = CustomerChoiceField(
        Customer.objects.filter(active=True).order_by("name"),
        required=False,
        label="Customers",
        help_text="Type a name to find them; pick as many as you need.",
        widget=forms.SelectMultiple(attrs={"size": 8, "data-chips": ""}),
    )
    interests = forms.ModelMultipleChoiceField(
        Interest.objects.all(),
        required=False,
        label="Customers interested in",
        help_text="Customers with current evidence (noted or confirmed in the last months).",
        widget=forms.SelectMultiple(attrs={"size": 4, "data-chips": ""}),
    )
    offers = forms.ModelMultipleChoiceField(
        Interest.objects.all(),
        required=False,
        label="What it offers",
        help_text="Customers who have not told us they care about any of it get a warning.",
        widget=forms.SelectMultiple(attrs={"size": 4, "data-chips": ""}),
    )

    class Meta:
        model = Plan
        fields = [
            "kind",
            "title",
            "status",
            "start",
            "end",
            "customers",
            "countries",
            "interests",
            "offers",
            "notes",
        ]
        widgets = {
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"end": "End (last day)"}
        help_texts = {"end": "", "status": "A cancelled plan leaves the check and the feeds."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = PlanKind.choices
        # A form without the field (an older page, a script) keeps the plan's status.
        self.fields["status"].required = False
        choice_field(self, "countries").choices = country_choices_with_customers_first()

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or self.instance.status or PlanStatus.DRAFT

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        audience = (data.get(name) or () for name in ("customers", "countries", "interests"))
        if error := audience_error(*audience):
            self.add_error("customers", error)
        return data


class SearchRangeForm(forms.Form):
    """Where to look for better dates; empty fields search around the plan's own start."""

    search_from = forms.DateField(required=False, label="Look from", widget=DATE_INPUT)
    search_to = forms.DateField(required=False, label="Look to", widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("search_from"), data.get("search_to")
        if first and last and last < first:
            self.add_error("search_to", END_BEFORE_START)
        elif first and last and (last - first).days > MAX_SPAN_DAYS:
            self.add_error("search_to", f"Search at most {MAX_SPAN_DAYS} days at a time.")
        return data
