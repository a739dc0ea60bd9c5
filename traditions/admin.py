import datetime
import itertools
from typing import Any

import recurrence
import recurrence.forms
from django import forms
from django.contrib import admin
from django.utils import timezone

from calendarapp.lib import countries, dates
from calendarapp.lib.admin import ChangedFieldsAdmin, ChangedFieldsModelForm

from .models import LocalTradition, Tradition, repeats_too_often, rule_text_of

# A new tradition's rule: most traditions come back once a year (the widget would say "weekly").
YEARLY = "RRULE:FREQ=YEARLY"
CONFIRM_OFTEN_LABEL = "It really repeats more often than yearly"


def country_choices() -> list[tuple[str, str]]:
    """Offer the countries we have public holidays for, by name."""
    return countries.country_choices(blank="---------")


class RecurrenceCatalogMedia:
    """Load the JavaScript translation catalog django-recurrence's widget calls into."""

    class Media:
        js = ["/jsi18n/"]


class NextDates:
    """Show a saved tradition's next three occurrences next to the recurrence widget.

    django-recurrence's widget cannot show every rule (for ISO week 42 it
    says "the first Monday"), so the admin shows what the rule really gives.
    """

    @admin.display(description="Next dates")
    def next_dates(self, tradition: Tradition) -> str:
        if tradition.pk is None:
            return "Shown after saving."
        today = timezone.localdate()
        rule = rule_text_of(tradition.recurrence)
        spans = dates.expand(
            rule, tradition.start, tradition.end, today, today + datetime.timedelta(days=3 * 366)
        )
        shown = [
            f"{first:%a %d %b %Y}"
            if first == last
            else f"{first:%a %d %b %Y} to {last:%a %d %b %Y}"
            for first, last in itertools.islice(spans, 3)
        ]
        return "; ".join(shown) or "None from today on."


class RuleField(recurrence.forms.RecurrenceField):
    """django-recurrence's field, but text it cannot read is a form error, not a 500.

    Its own clean() catches only DeserializationError; a date such as
    RDATE:99999999T000000Z raises ValueError from datetime, and a bad
    parameter name raises KeyError.
    """

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except (ValueError, KeyError, OverflowError) as error:
            raise forms.ValidationError(f"This is not a valid RFC 5545 rule ({error}).") from None


class IsoWeekRuleForm(ChangedFieldsModelForm):
    """Let admins say "every year in ISO week 42", which the recurrence widget cannot."""

    iso_week = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=53,
        label="Or every year in ISO week",
        help_text="Repeats yearly in this week, on the start date's weekday; "
        "replaces the rule above, which stays empty for it. Empty to use the rule above.",
    )

    confirm_often = forms.BooleanField(
        required=False,
        label=CONFIRM_OFTEN_LABEL,
        help_text="A vacation, busy season or customer event repeats yearly; tick this to save"
        " one that repeats more often.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.initial.get("recurrence"):
            self.initial["recurrence"] = recurrence.deserialize(YEARLY)
        rule = dates.parse_yearly_rule(dates.serialize_recurrence(self.instance.recurrence))
        # Only a plain ISO week rule (weeks from Monday, no end) is what this field says.
        if rule is not None and rule.weekno is not None and not rule.wkst and not rule.until:
            self.fields["iso_week"].initial = rule.weekno
            # The widget has no ISO weeks: it reads BYWEEKNO=42;BYDAY=MO as "the first
            # Monday" (recurrence.js, Rule display). The week is edited here alone.
            self.initial["recurrence"] = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        week, start = cleaned.get("iso_week"), cleaned.get("start")
        if week and start and start.isocalendar().week != week:
            self.add_error(
                "iso_week",
                f"The start date {start.isoformat()} lies in ISO week "
                f"{start.isocalendar().week}, not in week {week}.",
            )
        elif week and start:
            weekday = dates.WEEKDAYS[start.weekday()]
            cleaned["recurrence"] = recurrence.deserialize(
                f"RRULE:FREQ=YEARLY;BYWEEKNO={week};BYDAY={weekday}"
            )
        if start and (end := cleaned.get("end")):
            season = Tradition(
                kind=cleaned.get("kind") or "",
                start=start,
                end=end,
                recurrence=cleaned.get("recurrence"),
            )
            if (too_often := repeats_too_often(season)) and not cleaned.get("confirm_often"):
                self.add_error(
                    "recurrence", f"{too_often} Tick “{CONFIRM_OFTEN_LABEL}” to save it."
                )
        return cleaned

    def changed_fields(self) -> dict[str, Any]:
        changed = super().changed_fields()
        # A week changed is saved as the rule it makes.
        if "iso_week" in changed and "recurrence" in self.cleaned_data:
            changed["recurrence"] = self.cleaned_data["recurrence"]
        return changed


class TraditionForm(IsoWeekRuleForm):
    class Meta:
        model = Tradition
        fields = [
            "kind",
            "title",
            "start",
            "end",
            "lead_time_days",
            "blocks_events",
            "recurrence",
            "notes",
        ]
        field_classes = {"recurrence": RuleField}


class TraditionInline(NextDates, admin.StackedInline):
    model = Tradition
    form = TraditionForm
    fields = [
        ("kind", "title"),
        ("start", "end", "lead_time_days"),
        "blocks_events",
        "recurrence",
        "iso_week",
        "confirm_often",
        "next_dates",
        "notes",
    ]
    readonly_fields = ["next_dates"]
    extra = 0


class LocalTraditionForm(IsoWeekRuleForm):
    country = forms.ChoiceField(choices=country_choices)

    class Meta:
        model = LocalTradition
        fields = [
            "country",
            "subdivision",
            "kind",
            "title",
            "start",
            "end",
            "lead_time_days",
            "blocks_events",
            "recurrence",
            "notes",
        ]
        field_classes = {"recurrence": RuleField}

    def _update_errors(self, errors) -> None:
        """Show the model's "choose a customer or a country" once, on the country field.

        This form has no customer field; Django would raise ValueError (a 500)
        for an error about a field the form does not have.
        """
        if hasattr(errors, "error_dict") and "customer" in errors.error_dict:
            moved = errors.error_dict.pop("customer")
            if "country" not in self.errors:
                errors.error_dict.setdefault("country", []).extend(moved)
        super()._update_errors(errors)  # type: ignore[misc]  # private hook, not in django-stubs


@admin.register(LocalTradition)
class LocalTraditionAdmin(NextDates, RecurrenceCatalogMedia, ChangedFieldsAdmin):
    form = LocalTraditionForm
    list_display = ["title", "country", "subdivision", "kind", "start", "end", "lead_time_days"]
    list_filter = ["country", "kind"]
    search_fields = ["title", "country"]
    fields = [
        ("country", "subdivision"),
        ("kind", "title"),
        ("start", "end", "lead_time_days"),
        "blocks_events",
        "recurrence",
        "iso_week",
        "confirm_often",
        "next_dates",
        "notes",
    ]
    readonly_fields = ["next_dates"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(customer__isnull=True)
