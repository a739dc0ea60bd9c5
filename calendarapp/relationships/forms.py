"""The customer's records on the site: its facts, log a touch, a person, a decision step, factor,
competitor, contract, interest or strategy."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import recurrence
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from recurrence.exceptions import DeserializationError

from calendarapp.lib import countries, dates
from calendarapp.lib.forms import (
    DATE_INPUT,
    EmailDomainsField,
    IsoDateField,
    RecordForm,
    choice_field,
)
from calendarapp.lib.names import display_name
from calendarapp.relationships import finder
from customers.decisions import COMPETITOR_FIELDS, CONTRACT_FIELDS, FACTOR_FIELDS
from customers.facts import FACT_FIELDS
from customers.interests import EVIDENCE_FIELDS, INTEREST_NAME_MAX, STRATEGY_FIELDS
from customers.models import (
    CUSTOMER_FIELDS,
    Channel,
    Competitor,
    Contract,
    Customer,
    CustomerInterest,
    DecisionFactor,
    DecisionRole,
    Outcome,
    Person,
    Stance,
    Strategy,
    Strength,
    Topic,
    people_to_choose,
    present_people,
)
from traditions.models import Tradition
from traditions.services import TRADITION_FIELDS

# Django's form classes are generic only to the type checker (django-stubs), not at run time.
if TYPE_CHECKING:
    ModelForm = forms.ModelForm[Any]
    ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Any]
else:
    ModelForm = forms.ModelForm
    ModelMultipleChoiceField = forms.ModelMultipleChoiceField

CHANGE_ROWS = 3
PROMPTS = (
    "e.g. New CFO since March; signs everything over 50k",
    "e.g. Sustainability is now their first priority",
    "e.g. Next year's budget is set in October",
)


class PeopleChoiceField(ModelMultipleChoiceField):
    """Users by their names, as colleagues know them."""

    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


ASKED_ABOUT_PEOPLE = ("job_title", "left_on", "decision_role", "stance")


def _person_update_fields() -> dict[str, forms.Field]:
    """What a touch may tell about someone met, fresh fields for each person."""
    return {
        "job_title": forms.CharField(required=False, max_length=200, label="Job title"),
        "left_on": IsoDateField(required=False, widget=DATE_INPUT, label="Left on"),
        "decision_role": forms.ChoiceField(
            choices=DecisionRole.choices, required=False, label="Part in decisions"
        ),
        "stance": forms.ChoiceField(choices=Stance.choices, required=False, label="Stance to us"),
    }


MONTHS = [(number, datetime.date(2026, number, 1).strftime("%B")) for number in range(1, 13)]
# What a touch may tell about the customer ("Anything new about them?"), its facts' first ones.
ASKED_ABOUT_CUSTOMER = ("budget_close_month", "contact_every_days", "notes")


def _month_field(**kwargs: Any) -> forms.TypedChoiceField:
    """The budget-close month by name; the number is what is stored."""
    return forms.TypedChoiceField(
        choices=MONTHS, coerce=int, label="Budget closes at the end of", **kwargs
    )


def _customer_update_fields() -> dict[str, forms.Field]:
    """What a touch may tell about the customer (`ASKED_ABOUT_CUSTOMER`), fresh fields."""
    return {
        "budget_close_month": _month_field(required=False),
        "contact_every_days": forms.IntegerField(
            required=False, label="Be in touch every (days)", help_text="7-365"
        ),
        "notes": forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Notes"
        ),
    }


class TouchpointForm(RecordForm, forms.Form):
    """Log a touch: who was there, "what has changed?" by topic, the outcome, new people met."""

    date = IsoDateField(widget=DATE_INPUT, label="Date")
    channel = forms.ChoiceField(choices=Channel.choices, label="Channel")
    people = forms.ModelMultipleChoiceField(
        Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Met"
    )
    our_people = PeopleChoiceField(
        get_user_model().objects.filter(is_active=True).order_by("first_name", "username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="From our side",
    )
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Summary"
    )
    outcome = forms.ChoiceField(
        choices=Outcome.choices, initial=Outcome.NONE, widget=forms.RadioSelect, label="Outcome"
    )
    follow_up_on = IsoDateField(
        required=False, widget=DATE_INPUT, label="Follow up or ask again on"
    )
    interests = forms.CharField(
        required=False,
        max_length=500,
        label="Interests they told us about",
        help_text="Comma-separated, e.g. IoT, cloud: new ones are noted, known ones confirmed.",
    )
    interest_strength = forms.ChoiceField(
        choices=Strength.choices, initial=Strength.CURIOUS, required=False, label="How strongly"
    )
    new_name = forms.CharField(required=False, max_length=200, label="New person: name")
    new_job_title = forms.CharField(required=False, max_length=200, label="Job title")
    new_email = forms.EmailField(required=False, label="Email")
    new_met = forms.TypedChoiceField(
        choices=[("yes", "Met at this touch"), ("no", "Heard of, not met")],
        coerce=lambda value: value == "yes",
        initial="yes",
        required=False,
        widget=forms.RadioSelect,
        label="Did you meet them?",
    )

    # The touch's own fields; the people and facts below show what is known of them now.
    versioned = (
        "date",
        "channel",
        "people",
        "our_people",
        "summary",
        "outcome",
        "follow_up_on",
        *(f"{part}_{row}" for row in range(CHANGE_ROWS) for part in ("topic", "text")),
    )

    def __init__(self, data: Any, *, customer: Customer, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.customer = customer
        today = timezone.localdate()
        # People who left are not offered; an edited touch keeps those it names.
        kept = [person.pk for person in self.initial.get("people", ())]
        choice_field(self, "people").queryset = people_to_choose(customer, today, kept)  # type: ignore[attr-defined]
        # "Anything new about them?": the fields of each person still there, as they are now.
        self.updatable = list(customer.people.filter(present_people(today)).order_by("name"))
        for person in self.updatable:
            for name, field in _person_update_fields().items():
                field.initial = getattr(person, name)
                self.fields[f"p{person.pk}_{name}"] = field
        # The customer's facts learned on the call, shown as they are now (`customer_updates`).
        for name, field in _customer_update_fields().items():
            field.initial = getattr(customer, name)
            self.fields[f"c_{name}"] = field
        for row in range(CHANGE_ROWS):
            self.fields[f"topic_{row}"] = forms.ChoiceField(
                choices=[("", "Topic…"), *Topic.choices], required=False, label="Topic"
            )
            self.fields[f"text_{row}"] = forms.CharField(
                required=False,
                max_length=500,
                label="What changed",
                widget=forms.TextInput(attrs={"placeholder": PROMPTS[row]}),
            )

    def change_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"topic_{row}"], self[f"text_{row}"]) for row in range(CHANGE_ROWS)]

    def person_rows(self) -> list[tuple[Person, list[forms.BoundField]]]:
        """Each active person with their fields to update, for the template."""
        return [
            (person, [self[f"p{person.pk}_{name}"] for name in ASKED_ABOUT_PEOPLE])
            for person in self.updatable
        ]

    def customer_fields(self) -> list[forms.BoundField]:
        return [self[f"c_{name}"] for name in ASKED_ABOUT_CUSTOMER]

    def _customer_updates(self) -> dict[str, Any]:
        """Only the facts sent that differ from the customer as stored."""
        return {
            name: self.cleaned_data[key]
            for name in ASKED_ABOUT_CUSTOMER
            if (key := f"c_{name}") in self.data
            and self.cleaned_data[key] != getattr(self.customer, name)
        }

    def _people_updates(self) -> list[tuple[Person, dict[str, Any]]]:
        """Only what was sent and differs from the person as stored; the rest changes nothing."""
        updates = []
        for person in self.updatable:
            fields = {
                name: self.cleaned_data[key]
                for name in ASKED_ABOUT_PEOPLE
                if (key := f"p{person.pk}_{name}") in self.data
                and self.cleaned_data[key] != getattr(person, name)
            }
            if fields:
                updates.append((person, fields))
        return updates

    @staticmethod
    def initial_of(touchpoint: Any) -> dict[str, Any]:
        """The form's values for an existing touch: its own fields and what was added, by row."""
        initial = {
            "date": touchpoint.date,
            "channel": touchpoint.channel,
            "people": touchpoint.people.all(),
            "our_people": touchpoint.our_people.all(),
            "summary": touchpoint.summary,
            "outcome": touchpoint.outcome,
            "follow_up_on": touchpoint.follow_up_on,
        }
        for row, change in enumerate(touchpoint.changes[:CHANGE_ROWS]):
            initial[f"topic_{row}"], initial[f"text_{row}"] = change["topic"], change["text"]
        return initial

    def log_arguments(self, *, edit: bool = False) -> dict[str, Any]:
        """The arguments of `touchpoint_log`; an `edit` changes only the touch's fields changed
        on the page (what was added, new people, facts, interests, always counts); call only
        after is_valid()."""
        arguments = self._all_arguments()
        if edit:
            changed = self.changed_fields()
            if not any(name.startswith(("topic_", "text_")) for name in changed):
                del arguments["changes"]
            for name in ("date", "channel", "people", "our_people", "summary", "outcome"):
                if name not in changed:
                    del arguments[name]
            if "follow_up_on" not in changed and "outcome" not in changed:
                del arguments["follow_up_on"]  # an outcome's date goes with the outcome
        return arguments

    def _all_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = [
            {"topic": data[f"topic_{row}"], "text": data[f"text_{row}"]}
            for row in range(CHANGE_ROWS)
            if data[f"topic_{row}"] or data[f"text_{row}"]
        ]
        new_people = []
        if data["new_name"]:
            new_people.append(
                {
                    "name": data["new_name"],
                    "job_title": data["new_job_title"],
                    "email": data["new_email"],
                    "started_on": None,
                    # Left empty (a script, an older form) means met, as before.
                    "met": data["new_met"] is not False,
                }
            )
        return {
            "customer": self.customer,
            "date": data["date"],
            "channel": data["channel"],
            "people": list(data["people"]),
            "our_people": list(data["our_people"]),
            "summary": data["summary"],
            "changes": changes,
            "outcome": data["outcome"],
            "follow_up_on": data["follow_up_on"],
            "new_people": new_people,
            "people_updates": self._people_updates(),
            "customer_updates": self._customer_updates(),
            "interests": [
                {"interest": name.strip(), "strength": data["interest_strength"] or "curious"}
                for name in data["interests"].split(",")
                if name.strip()
            ],
        }


# The person's part, stance and influence: chosen from a list, each with a default.
CHOSEN_DECISION_FIELDS = ("decision_role", "stance", "influence")


class PersonForm(RecordForm, ModelForm):
    """Add or edit a person at the customer; saved through `person_save`."""

    started_on = IsoDateField(required=False, widget=DATE_INPUT, label="In the role since")
    left_on = IsoDateField(required=False, widget=DATE_INPUT, label="Left on")

    class Meta:
        model = Person
        fields = [
            "name",
            "job_title",
            "email",
            "phone",
            "reports_to",
            "decision_role",
            "stance",
            "influence",
            "personal_stake",
            "country",
            "subdivision",
            "active",
            "started_on",
            "left_on",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "personal_stake": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # A manager who left is not offered, but stays the one a person reported to.
        others = people_to_choose(
            self.instance.customer, timezone.localdate(), [self.instance.reports_to_id]
        )
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        choice_field(self, "reports_to").queryset = others  # type: ignore[attr-defined]
        for name in CHOSEN_DECISION_FIELDS:
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A post without them (a script, a bookmarked older form) keeps the person's current ones.
        for name in CHOSEN_DECISION_FIELDS:
            data[name] = data.get(name) or getattr(self.instance, name)
        return data


# Common ways a step repeats, as RRULE text; "monthly_weekday" is worked out from the date.
REPEATS = [
    ("", "Does not repeat"),
    ("RRULE:FREQ=WEEKLY", "Every week, on the date's weekday"),
    ("RRULE:FREQ=WEEKLY;INTERVAL=2", "Every second week, on the date's weekday"),
    ("monthly_weekday", "Every month, on the same weekday (e.g. the second Tuesday)"),
    ("RRULE:FREQ=MONTHLY", "Every month, on the date's day"),
    ("RRULE:FREQ=MONTHLY;INTERVAL=3", "Every quarter, on the date's day"),
    ("custom", "Another rule (write it below)"),
]
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STEP_TITLES = (
    "Requirements",
    "Evaluation",
    "Committee meeting",
    "Board approval",
    "Legal review",
    "Procurement",
)


class DecisionStepForm(RecordForm, forms.Form):
    """A step of how the customer decides: on a date, or repeating; `decision_step_save` checks."""

    title = forms.CharField(
        max_length=200, label="Step", widget=forms.TextInput(attrs={"list": "step-titles"})
    )
    contract = forms.ModelChoiceField(
        Customer.objects.none(), required=False, label="Decides on", empty_label="No contract"
    )
    date = IsoDateField(required=False, widget=DATE_INPUT, label="Date (the first, if it repeats)")
    repeats = forms.ChoiceField(choices=REPEATS, required=False, label="Repeats")
    rule = forms.CharField(
        required=False,
        max_length=500,
        label="Rule (RFC 5545)",
        help_text="For example RRULE:FREQ=MONTHLY;BYDAY=2TU (the second Tuesday of each month).",
    )
    people = forms.ModelMultipleChoiceField(
        Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="People involved",
    )
    done = forms.BooleanField(required=False, label="Done")

    def __init__(self, data: Any, *, customer: Customer, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["contract"].queryset = customer.contracts.all()  # type: ignore[attr-defined]
        kept = [person.pk for person in self.initial.get("people", ())]
        self.fields["people"].queryset = people_to_choose(customer, timezone.localdate(), kept)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeats, day = data.get("repeats", ""), data.get("date")
        if repeats == "monthly_weekday":
            if day is None:
                self.add_error("date", "Give the first date, so the weekday is known.")
            else:
                nth = (day.day - 1) // 7 + 1
                data["rule_text"] = f"RRULE:FREQ=MONTHLY;BYDAY={nth}{WEEKDAY_CODES[day.weekday()]}"
        elif repeats == "custom":
            if not data.get("rule"):
                self.add_error("rule", "Write the rule, or choose how it repeats above.")
            data["rule_text"] = data.get("rule", "")
        else:
            data["rule_text"] = repeats
        if data.get("rule_text"):
            try:
                data["recurrence"] = recurrence.deserialize(data["rule_text"])
            except (DeserializationError, ValueError, KeyError) as error:
                self.add_error("rule", f"This is not a valid RFC 5545 rule ({error}).")
        else:
            data["recurrence"] = None
        return data

    def save_arguments(self) -> dict[str, Any]:
        """The arguments of `decision_step_save`: an edit's (a form with the step's `initial`)
        only what was changed on the page; call only after is_valid()."""
        data = self.changed_fields() if self.initial else self.cleaned_data
        names = ("title", "contract", "date", "recurrence", "people", "done")
        arguments = {name: data[name] for name in names if name in data}
        if "people" in arguments:
            arguments["people"] = list(arguments["people"])
        return arguments

    @staticmethod
    def initial_of(step: Any) -> dict[str, Any]:
        """The form's values for an existing step; its rule shows as written."""
        rule = step.rule_text
        known = {value for value, _ in REPEATS}
        return {
            "title": step.title,
            "contract": step.contract,
            "date": step.date,
            "repeats": rule if rule in known else ("custom" if rule else ""),
            "rule": "" if rule in known else rule,
            "people": step.people.all(),
            "done": step.done,
        }


class CustomerFactsForm(RecordForm, ModelForm):
    """The facts sales learns in calls; a calendar admin's form (`all_fields`) has every field."""

    budget_close_month = _month_field()
    email_domains = EmailDomainsField()

    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, all_fields: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Who they are (an admin's), then what sales learns in calls, the budget close first.
        self.order_fields([*(n for n in CUSTOMER_FIELDS if n not in FACT_FIELDS), *FACT_FIELDS])
        if not all_fields:
            for name in set(CUSTOMER_FIELDS) - set(FACT_FIELDS):
                del self.fields[name]
        elif "country" in self.fields:
            self.fields["country"] = forms.ChoiceField(
                choices=countries.country_choices(blank="---------"), label="Country"
            )

    def facts(self) -> dict[str, Any]:
        """The fields changed on this form as `customer_facts_save` takes them; after
        is_valid()."""
        return self.changed_fields()


class ContractForm(RecordForm, ModelForm):
    """A contract whose renewal we must not miss; saved through `contract_save`."""

    end_date = IsoDateField(widget=DATE_INPUT, label="Ends on")

    class Meta:
        model = Contract
        fields = list(CONTRACT_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


# The repeats a customer's tradition offers, in words; the rule is made from the start day.
TRADITION_REPEATS = {
    "yearly": "Every year on {day_month}",
    "week": "Every year, {weekday} of week {week}",
    "once": "Once",
    "monthly": "Every month on the {day}",
    "weekly": "Every week on {weekday}",
}


def _rule_of(repeat: str, start: datetime.date) -> str:
    """The RFC 5545 rule a repeat in words gives for a tradition starting on `start`, as
    stored rules are written (so a stored one is known again)."""
    weekday = dates.WEEKDAYS[start.weekday()]
    rule = {
        "yearly": f"RRULE:FREQ=YEARLY;BYMONTH={start.month};BYMONTHDAY={start.day}",
        "week": f"RRULE:FREQ=YEARLY;BYWEEKNO={start.isocalendar().week};BYDAY={weekday}",
        "once": "",
        "monthly": "RRULE:FREQ=MONTHLY",
        "weekly": "RRULE:FREQ=WEEKLY",
    }[repeat]
    return dates.serialize_recurrence(recurrence.deserialize(rule)) if rule else ""


class TraditionForm(RecordForm, ModelForm):
    """A customer's own tradition with its repeat in words ("every year on 15 Nov"), yearly by
    default; saved through `tradition_save`. A calendar admin's form (`may_confirm`) can confirm a
    season that repeats more often."""

    start = IsoDateField(widget=DATE_INPUT, label="First day")
    end = IsoDateField(widget=DATE_INPUT, label="Last day")
    repeat = forms.ChoiceField(choices=[], widget=forms.RadioSelect, label="Repeats")
    confirm_often = forms.BooleanField(
        required=False, label="Yes, it really repeats more often than once a year"
    )

    class Meta:
        model = Tradition
        # The rule is made from `repeat`.
        fields = [name for name in TRADITION_FIELDS if name != "recurrence"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, data: Any = None, *, instance: Tradition, may_confirm: bool, **kwargs: Any):
        super().__init__(data, instance=instance, **kwargs)
        if not may_confirm:
            del self.fields["confirm_often"]
        start = instance.start or timezone.localdate()
        if self.is_bound:
            try:
                start = datetime.date.fromisoformat(str(self.data.get("start", "")))
            except ValueError:
                pass
        words = {
            "day_month": f"{start.day} {start:%b}",
            "weekday": f"{start:%A}",
            "week": start.isocalendar().week,
            "day": _ordinal(start.day),
        }
        choices = [(key, said.format(**words)) for key, said in TRADITION_REPEATS.items()]
        initial = _repeat_of(instance, start)
        if initial == "keep":
            # A rule the words cannot say (set in the admin or the API) stays unless changed.
            rule = dates.serialize_recurrence(instance.recurrence)
            choices.append(("keep", f"As now: {rule}"))
        repeat = choice_field(self, "repeat")
        repeat.choices = choices
        repeat.initial = initial
        # How it repeats right after its first days.
        self.order_fields(["kind", "title", "start", "end", "repeat", "confirm_often"])

    def initial_of(self, row: Any) -> dict[str, Any]:
        # "Repeats" is said from the stored rule, so a rule someone else changed is named too.
        return {**super().initial_of(row), "repeat": _repeat_of(row, row.start)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        # The model checks its first days against its rule: give it the rule the words make,
        # or moving the first days of a yearly one would be judged by the old rule.
        repeat, start = data.get("repeat"), data.get("start")
        if repeat and repeat != "keep" and start:
            rule = _rule_of(repeat, start)
            self.instance.recurrence = recurrence.deserialize(rule) if rule else None
        return data

    def save_arguments(self) -> dict[str, Any]:
        """The arguments of `tradition_save`: an edit's only what was changed on the page (the
        rule when its repeat or first day changed); call only after is_valid()."""
        data = self.changed_fields() if self.instance.pk else dict(self.cleaned_data)
        repeat = self.cleaned_data["repeat"]
        rule_changed = "repeat" in data or "start" in data
        data.pop("repeat", None)
        if rule_changed and repeat != "keep":
            rule = _rule_of(repeat, self.cleaned_data["start"])
            data["recurrence"] = recurrence.deserialize(rule) if rule else None
        data["confirm_often"] = bool(self.cleaned_data.get("confirm_often"))
        return data


class LocalTraditionForm(TraditionForm):
    """A country's local tradition (calendar admins): the region that keeps it, if not all."""

    class Meta(TraditionForm.Meta):
        fields = ["subdivision", *TraditionForm.Meta.fields]


def _repeat_of(tradition: Tradition, start: datetime.date) -> str:
    """How a tradition repeats in the words of `TRADITION_REPEATS` ("keep": none says it)."""
    if not tradition.pk:
        return "yearly"
    rule = dates.serialize_recurrence(tradition.recurrence)
    said = [key for key in TRADITION_REPEATS if _rule_of(key, start) == rule]
    return said[0] if said else ("keep" if rule else "yearly")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


class DecisionFactorForm(RecordForm, ModelForm):
    """What counts in the customer's decision; saved through `decision_factor_save`."""

    class Meta:
        model = DecisionFactor
        fields = list(FACTOR_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class CompetitorForm(RecordForm, ModelForm):
    """Someone else the customer considers; saved through `competitor_save`."""

    noted_on = IsoDateField(widget=DATE_INPUT, label="First noted on")

    class Meta:
        model = Competitor
        fields = list(COMPETITOR_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("value_proposition", "strengths", "weaknesses")
        }


def _touch_label(touchpoint: Any) -> str:
    summary = f": {touchpoint.summary[:40]}" if touchpoint.summary else ""
    return f"{touchpoint.date:%d %b %Y}, {touchpoint.get_channel_display()}{summary}"


def _customer_choices(form: ModelForm, customer: Customer) -> None:
    """Offer only the customer's own touchpoints (newest first) and people."""
    if "touchpoint" in form.fields:
        field = choice_field(form, "touchpoint")
        field.queryset = customer.touchpoints.order_by("-date", "-id")  # type: ignore[attr-defined]
        # The day and channel, not the customer's name again: short enough for a phone.
        field.label_from_instance = _touch_label  # type: ignore[attr-defined]
        field.empty_label = "Not from a logged touch"  # type: ignore[attr-defined]
    if "person" in form.fields:
        field = choice_field(form, "person")
        kept = [form.instance.person_id]
        field.queryset = people_to_choose(customer, timezone.localdate(), kept)  # type: ignore[attr-defined]
        field.empty_label = "Not recorded"  # type: ignore[attr-defined]


class CustomerInterestForm(RecordForm, ModelForm):
    """Note an interest (a new name creates it) or edit its evidence: confirmed, no longer.

    Saved through `customer_interest_save`; a new one has no confirmation or end yet.
    """

    interest = forms.CharField(
        max_length=INTEREST_NAME_MAX,
        label="Interest",
        help_text="For example IoT or sustainability: a new name is added to the list.",
    )
    noted_on = IsoDateField(widget=DATE_INPUT, label="Noted on", initial=timezone.localdate)
    confirmed_on = IsoDateField(required=False, widget=DATE_INPUT, label="Last confirmed on")
    no_longer_on = IsoDateField(
        required=False,
        widget=DATE_INPUT,
        label="No longer since",
        help_text="The day they told us they no longer care; leave empty while they do.",
    )

    field_order = ["interest"]

    class Meta:
        model = CustomerInterest
        fields = list(EVIDENCE_FIELDS)

    def __init__(self, data: Any = None, *, instance: CustomerInterest, **kwargs: Any):
        if instance.pk:
            kwargs.setdefault("initial", {})["interest"] = instance.interest.name
        super().__init__(data, instance=instance, **kwargs)
        _customer_choices(self, instance.customer)
        if not instance.pk:
            del self.fields["confirmed_on"], self.fields["no_longer_on"]


class StrategyForm(RecordForm, ModelForm):
    """What the customer plans to change and how far it got; saved through `strategy_save`."""

    noted_on = IsoDateField(widget=DATE_INPUT, label="Noted on", initial=timezone.localdate)

    class Meta:
        model = Strategy
        fields = list(STRATEGY_FIELDS)
        widgets = {"how_we_help": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, data: Any = None, *, instance: Strategy, **kwargs: Any):
        super().__init__(data, instance=instance, **kwargs)
        _customer_choices(self, instance.customer)


class CustomerListForm(forms.Form):
    """The customer list's link: search, filters, sorting, page and download; errors name each."""

    q = forms.CharField(required=False, max_length=200, label="Customer, person or email")
    owner = forms.ChoiceField(required=False, label="Account owner")
    country = forms.ChoiceField(required=False, label="Country")
    touch = forms.ChoiceField(
        required=False, label="Touch", choices=[("", "Any"), *finder.TOUCH_FILTERS.items()]
    )
    risk = forms.ChoiceField(
        required=False,
        label="Risk",
        choices=[("", "Any"), *((level, level.capitalize()) for level in finder.RISK_LEVELS)],
    )
    season = forms.BooleanField(required=False, label="In their strategy season")
    ordering = forms.ChoiceField(
        required=False, label="Sort by", choices=list(finder.ORDERING_LABELS.items())
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    format = forms.ChoiceField(
        required=False, choices=[("", "page"), ("csv", "CSV"), ("xlsx", "Excel")]
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        owners = get_user_model().objects.filter(customers__isnull=False).distinct()
        choice_field(self, "owner").choices = [
            ("", "Everyone's customers"),
            ("me", "My customers"),
            *((u.get_username(), display_name(u)) for u in owners.order_by("username")),
        ]
        used = Customer.objects.order_by().values_list("country", flat=True).distinct()
        choice_field(self, "country").choices = countries.country_choices(
            used, blank="All countries"
        )

    def customers(self) -> QuerySet[Customer]:
        """The customers the owner and country choose; call only after is_valid()."""
        data = self.cleaned_data
        selected = Customer.objects.all()
        if data["owner"] == "me":
            selected = selected.filter(owner=self.user)
        elif data["owner"]:
            selected = selected.filter(owner__username=data["owner"])
        if data["country"]:
            selected = selected.filter(country=data["country"])
        return selected
