"""Forms of the calendar pages: the timeline's URL state, the country page and the planner."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth import get_user_model

from calendarapp import countries, timeline
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences import MAX_WINDOW_DAYS
from calendarapp.validation import EARLIEST, END_BEFORE_START, FAR_DATE, LATEST
from customers.models import Customer, Interest

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def refuse_far_dates(form: forms.Form, *names: str) -> None:
    """Add an error to each named date field that lies outside 1900-2199."""
    for name in names:
        value = form.cleaned_data.get(name)
        if value and not EARLIEST <= value <= LATEST:
            form.add_error(name, FAR_DATE)


class TimelineForm(forms.Form):
    """Parse the timeline's whole state from URL parameters; errors name the parameter."""

    range = forms.ChoiceField(choices=timeline.RANGE_CHOICES, required=False, label="Range")
    start = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    end = forms.DateField(required=False, widget=DATE_INPUT, label="To")
    group = forms.ChoiceField(choices=timeline.GROUP_CHOICES, required=False, label="Group by")
    owner = forms.ChoiceField(required=False, label="Account owner")
    country = forms.ChoiceField(required=False, label="Country")
    kind = forms.MultipleChoiceField(
        choices=timeline.KIND_CHOICES,
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
    )
    q = forms.CharField(required=False, max_length=100, label="Customer name")
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="Page")

    def __init__(self, data, *, user, today: datetime.date):
        super().__init__(data)
        self.user = user
        self.today = today
        owners = get_user_model().objects.filter(customers__isnull=False).distinct()
        self.fields["owner"].choices = [("", "Everyone's customers"), ("me", "My customers")] + [
            (username, username)
            for username in owners.order_by("username").values_list("username", flat=True)
        ]
        used = (
            Customer.objects.filter(active=True)
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        self.fields["country"].choices = [("", "All countries")] + [
            (code, f"{countries.country_name(code)} ({code})")
            for code in sorted(set(used), key=countries.country_name)
        ]

    def clean(self) -> dict:
        data = super().clean()
        refuse_far_dates(self, "start", "end")
        range_name = data.get("range") or "quarter"
        start, end = data.get("start"), data.get("end")
        if range_name == "custom":
            if not start:
                self.add_error("start", "Give a start date for a custom range.")
            if not end:
                self.add_error("end", "Give an end date for a custom range.")
            if start and end and end < start:
                self.add_error("end", END_BEFORE_START)
            elif start and end and (end - start).days > MAX_WINDOW_DAYS:
                self.add_error("end", "A custom range can be at most three years long.")
        return data

    def query(self) -> timeline.TimelineQuery:
        """Return the validated state; call only after is_valid()."""
        data = self.cleaned_data
        range_name = data["range"] or "quarter"
        if range_name == "custom":
            start, end = data["start"], data["end"]
        else:
            start, end = timeline.window_for(range_name, data["start"] or self.today)
        owner = data["owner"]
        owner_id = None
        if owner == "me":
            owner_id = self.user.pk
        elif owner:
            owner_id = get_user_model().objects.get(username=owner).pk
        return timeline.TimelineQuery(
            range=range_name,
            start=start,
            end=end,
            group=data["group"] or "none",
            owner_id=owner_id,
            country=data["country"],
            kinds=tuple(data["kind"]),
            interest_id=data["interest"].pk if data["interest"] else None,
            search=data["q"].strip(),
            page=data["page"] or 1,
        )


class YearForm(forms.Form):
    """The ?year= and ?subdivision= of the customer and country pages."""

    year = forms.IntegerField(required=False, min_value=1900, max_value=2200, label="Year")
    subdivision = forms.ChoiceField(required=False, label="Region")

    def __init__(self, data, *, country: str = ""):
        super().__init__(data)
        self.fields["subdivision"].choices = [("", "Nationwide only")] + [
            (code, name if name == code else f"{name} ({code})")
            for code, name in sorted(countries.subdivision_names(country).items())
        ]


def country_choices_with_customers_first() -> list:
    """Countries with active customers first: the ones a plan is likely to target."""
    used = set(Customer.objects.filter(active=True).values_list("country", flat=True))
    names = countries.country_names()
    return [
        (
            "Countries with customers",
            [(code, name) for code, name in names.items() if code in used],
        ),
        ("Other countries", [(code, name) for code, name in names.items() if code not in used]),
    ]


class PlanForm(forms.ModelForm):
    """The planner's form; the audience is customers, whole countries and interests."""

    countries = forms.MultipleChoiceField(
        required=False,
        label="Whole countries",
        help_text="Every active customer in these countries. Ctrl-click (⌘-click) picks several.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    customers = forms.ModelMultipleChoiceField(
        Customer.objects.filter(active=True).order_by("name"),
        required=False,
        label="Customers",
        help_text="Ctrl-click (⌘-click) picks several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    interests = forms.ModelMultipleChoiceField(
        Interest.objects.all(),
        required=False,
        label="Customers interested in",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Plan
        fields = ["kind", "title", "start", "end", "customers", "countries", "interests", "notes"]
        widgets = {
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"end": "End (last day)"}
        help_texts = {"end": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PlanKind.choices
        self.fields["countries"].choices = country_choices_with_customers_first()
        self.fields["customers"].label_from_instance = lambda c: f"{c.name} ({c.country})"

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("customers") or data.get("countries") or data.get("interests")):
            self.add_error(
                "customers", "Choose an audience: customers, whole countries or interests."
            )
        return data
