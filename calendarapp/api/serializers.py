"""The API's shapes. Validation is the models' own `clean()`, so it exists once."""

from __future__ import annotations

import copy
import datetime
from typing import TYPE_CHECKING, Any

import recurrence
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from recurrence.exceptions import DeserializationError
from rest_framework import serializers

from calendarapp.api.json_types import JsonBody
from calendarapp.kinds import ALL_KINDS
from calendarapp.lib import countries, dates, email_domains
from calendarapp.lib.validation import (
    END_BEFORE_START,
    ISO_DATE,
    MAX_ID,
    NOT_ISO_DATE,
    SPAN_TOO_LONG,
    validate_calendar_date,
)
from calendarapp.lib.writes import RecordGone
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences.opportunities import MAX_DAYS, OPPORTUNITY_KINDS
from calendarapp.occurrences.stream import MAX_WINDOW_DAYS
from calendarapp.occurrences.touch_states import TouchState, touch_states
from calendarapp.planning.services import plan_save
from calendarapp.planning.suggest import earliest_start, search_range
from calendarapp.relationships.finder import ORDERING_ERROR, ORDERINGS, risk_levels
from calendarapp.roles import can_edit_customers
from customers.facts import customer_facts_save
from customers.models import Customer, CustomerChange, Interest, PersonChange
from traditions.models import Tradition
from traditions.services import LOCAL_FIELDS, TRADITION_FIELDS, tradition_save

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class StrictDateField(serializers.DateField):
    """A date written YYYY-MM-DD and nothing else (2026-1-1 is refused, not guessed)."""

    def to_internal_value(self, value: Any) -> datetime.date:
        if isinstance(value, str) and not ISO_DATE.match(value):
            raise serializers.ValidationError(NOT_ISO_DATE)
        return super().to_internal_value(value)


class CustomerListField(serializers.ListField):
    """Customer ids, loaded in one query however many; at most MAX_AUDIENCE_CUSTOMERS."""

    child = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def to_internal_value(self, data: Any) -> list[Customer]:
        limit = settings.MAX_AUDIENCE_CUSTOMERS
        if isinstance(data, list) and len(data) > limit:
            raise serializers.ValidationError(
                f"Name at most {limit} customers; for more, choose whole countries or interests."
            )
        ids = set(super().to_internal_value(data))
        found = list(Customer.objects.filter(pk__in=ids).only("id"))
        unknown = sorted(ids - {customer.pk for customer in found})
        if unknown:
            shown = ", ".join(str(pk) for pk in unknown[:10])
            raise serializers.ValidationError(f"No customer has the id {shown}.")
        return found

    def to_representation(self, value: Any) -> list[int]:
        return [customer.pk for customer in value.all()]


def writer(serializer: serializers.BaseSerializer) -> Any:
    """Who writes, for the history of a customer's facts: the request's user."""
    return serializer.context["request"].user


class CleanedModelSerializer(JsonBody, serializers.ModelSerializer):
    """Run the model's `full_clean()` on the would-be instance and report its errors by field."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: StrictDateField,
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[models.Model] = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        instance = copy.copy(self.instance) if self.instance else model()
        columns = {f.name: f.attname for f in model._meta.concrete_fields}
        before = {name: getattr(instance, attname) for name, attname in columns.items()}
        for name, value in attrs.items():
            if name not in many_to_many:
                setattr(instance, name, value)
        # A new instance is judged on what was sent; the rest (a plan's owner) is set on save.
        unsent = (
            [] if self.instance else [f.name for f in model._meta.fields if f.name not in attrs]
        )
        try:
            instance.full_clean(exclude=[*many_to_many, *unsent])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        # clean() may fill in defaults (a customer's time zone from its country). An edit
        # passes on only what was sent or so filled in: the write function changes those fields
        # alone, so a concurrent change of another field stays.
        # A bound field always has a source; the stubs allow None, true only before binding.
        for name, field in self.fields.items():
            source = field.source
            if source is None or source == "*" or field.read_only or name in many_to_many:
                continue
            if field.write_only and not hasattr(instance, source):
                continue  # not the model's and not sent (a touch's people_updates)
            filled = source in columns and getattr(instance, columns[source]) != before[source]
            if self.instance is None or source in attrs or filled:
                attrs[source] = getattr(instance, source)
        return attrs


class NameListField(serializers.ListField):
    """Interests as a list of names."""

    child = serializers.CharField(max_length=60)

    def to_representation(self, value):
        return [interest.name for interest in value.all()]


class RecurrenceRuleField(serializers.Field):
    """An RFC 5545 rule as text, such as `RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO`, or null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if data in (None, ""):
            return None
        if not isinstance(data, str):
            raise serializers.ValidationError("Give the rule as text, e.g. RRULE:FREQ=YEARLY.")
        try:
            return recurrence.deserialize(data.strip())
        except (DeserializationError, ValueError, KeyError) as error:
            message = f"This is not a valid RFC 5545 rule ({error})."
            raise serializers.ValidationError(message) from None

    def to_representation(self, value):
        return dates.serialize_recurrence(value) or None


@extend_schema_field(
    {
        "type": "string",
        "pattern": email_domains.DOMAIN_PATTERN,
        "maxLength": email_domains.DOMAIN_MAX,
    }
)
class DomainField(serializers.CharField):
    """One email domain: the schema states its pattern; the customer model checks it and says
    what is wrong ("… is an email address: give only what follows the @")."""


class CustomerSerializer(CleanedModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
    )
    interests = serializers.SerializerMethodField(
        help_text='Evidence: [{"name", "strength", "noted_on", "confirmed_on", "stale"}];'
        " written through /api/customer-interests."
    )
    # The contact cadence, read-only: from the touchpoints and the placed next touch.
    last_touch = serializers.SerializerMethodField()
    next_touch = serializers.SerializerMethodField()
    touch_status = serializers.SerializerMethodField()
    risk_level = serializers.SerializerMethodField(
        help_text="`low`, `medium` or `high`: the level of /api/customers/<id>/risk"
    )
    email_domains = serializers.ListField(
        child=DomainField(max_length=email_domains.DOMAIN_MAX),
        max_length=100,
        required=False,
        help_text='The customer\'s own email domains, such as ["acme.com"] (an international one'
        " in its ASCII form, xn--…): lower-cased, repeats dropped; free mail (gmail.com, gmx.de,"
        " …) and OUR_EMAIL_DOMAINS with the domains under them are refused. Calendar attendees"
        " at them are the customer's; two customers may share one.",
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "country",
            "subdivision",
            "timezone",
            "owner",
            "budget_close_month",
            "interests",
            "contact_every_days",
            "strategy_weeks_before_start",
            "strategy_weeks_before_end",
            "email_domains",
            "notes",
            "active",
            "last_touch",
            "next_touch",
            "touch_status",
            "risk_level",
        ]

    def create(self, validated_data: dict[str, Any]) -> Customer:
        return customer_facts_save(customer=Customer(), by=writer(self), **validated_data)

    def update(self, instance: Customer, validated_data: dict[str, Any]) -> Customer:
        return customer_facts_save(customer=instance, by=writer(self), **validated_data)

    def get_interests(self, customer: Customer) -> list[dict[str, Any]]:
        return [
            {
                "name": row.interest.name,
                "strength": row.strength,
                "noted_on": row.noted_on,
                "confirmed_on": row.confirmed_on,
                "stale": row.stale,
            }
            for row in customer.interest_evidence.all()
            if row.no_longer_on is None
        ]

    def _touch(self, customer: Customer) -> TouchState:
        """The view puts every listed customer's state in the context; else this one's alone."""
        states = self.context.get("touches")
        if states is None or customer.pk not in states:
            states = touch_states(Customer.objects.filter(pk=customer.pk))
        return states[customer.pk]

    def get_last_touch(self, customer: Customer) -> datetime.date | None:
        return self._touch(customer).last_touch

    def get_next_touch(self, customer: Customer) -> datetime.date:
        return self._touch(customer).next_touch

    def get_touch_status(self, customer: Customer) -> str:
        return self._touch(customer).status

    def get_risk_level(self, customer: Customer) -> str:
        """The list view puts every listed customer's level in the context; else this one's."""
        levels = self.context.get("risk_levels")
        if levels is None or customer.pk not in levels:
            levels = risk_levels(Customer.objects.filter(pk=customer.pk), timezone.localdate())
        if customer.pk not in levels:
            # Deleted since this request wrote it (a DELETE that waited for our row lock): as
            # if this write had come after the delete.
            raise RecordGone("customer")
        return levels[customer.pk]


class CustomerQuerySerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS),
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": ORDERING_ERROR},
    )


def _interests_named(names: list[str]) -> list[Interest]:
    names = sorted({name.strip() for name in names if name.strip()})
    found = {interest.name: interest for interest in Interest.objects.filter(name__in=names)}
    unknown = [name for name in names if name not in found]
    if unknown:
        raise serializers.ValidationError(f"Unknown interest: {', '.join(unknown)}.")
    return list(found.values())


class TraditionSerializer(CleanedModelSerializer):
    recurrence = RecurrenceRuleField()
    confirm_often = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="A calendar admin's confirmation that a vacation, busy season or customer"
        " event really repeats more often than yearly (refused otherwise).",
    )

    class Meta:
        model = Tradition
        fields = [
            "id",
            "customer",
            *LOCAL_FIELDS,
            *(name for name in TRADITION_FIELDS if name != "notes"),
            "confirm_often",
        ]

    def create(self, validated_data: dict[str, Any]) -> Tradition:
        return self._save(None, validated_data)

    def update(self, instance: Tradition, validated_data: dict[str, Any]) -> Tradition:
        return self._save(instance, validated_data)

    def _save(self, tradition: Tradition | None, data: dict[str, Any]) -> Tradition:
        """Through `tradition_save`; only a calendar admin's confirmation counts."""
        data = dict(data)
        confirmed = data.pop("confirm_often", False) and can_edit_customers(writer(self))
        customer = data.pop("customer", tradition.customer if tradition else None)
        return tradition_save(
            tradition=tradition, customer=customer, confirm_often=confirmed, **data
        )


class PlanSerializer(CleanedModelSerializer):
    countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    interests = NameListField(required=False)
    offers = NameListField(required=False, help_text="Interest names the plan offers.")
    owner: serializers.SlugRelatedField[AbstractBaseUser] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    customers = CustomerListField(required=False)

    class Meta:
        model = Plan
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "start",
            "end",
            "customers",
            "countries",
            "interests",
            "offers",
            "owner",
        ]

    def validate_interests(self, names):
        return _interests_named(names)

    def validate_offers(self, names):
        return _interests_named(names)

    def create(self, validated_data):
        return plan_save(owner=validated_data.pop("owner"), **validated_data)

    def update(self, instance, validated_data):
        return plan_save(plan=instance, owner=instance.owner, **validated_data)


class PlanDraftSerializer(JsonBody):
    """A plan body to check or to find dates for; nothing is saved."""

    id = serializers.IntegerField(
        required=False, allow_null=True, help_text="A saved plan to leave out of its own check."
    )
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    start = StrictDateField(validators=[validate_calendar_date])
    end = StrictDateField(validators=[validate_calendar_date])
    customers = CustomerListField(required=False)
    countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    interests = NameListField(required=False)
    offers = NameListField(required=False)

    def validate_countries(self, codes):
        for code in codes:
            if error := countries.validate_country(code):
                raise serializers.ValidationError(error)
        return codes

    def validate_interests(self, names):
        return _interests_named(names)

    def validate_offers(self, names):
        return _interests_named(names)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [END_BEFORE_START]})
        if (attrs["end"] - attrs["start"]).days > MAX_WINDOW_DAYS:
            raise serializers.ValidationError({"end": [SPAN_TOO_LONG]})
        return attrs


START_WITH_END = "Give the start with the end, or leave both out."


class SuggestSerializer(PlanDraftSerializer):
    start = StrictDateField(required=False, validators=[validate_calendar_date])
    end = StrictDateField(required=False, validators=[validate_calendar_date])
    duration_days = serializers.IntegerField(required=False, min_value=1, max_value=366)
    search_start = StrictDateField(required=False, validators=[validate_calendar_date])
    search_end = StrictDateField(required=False, validators=[validate_calendar_date])

    def validate(self, attrs):
        today = timezone.localdate()
        if "start" in attrs and "end" in attrs and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [END_BEFORE_START]})
        if "end" in attrs and "start" not in attrs:
            # Without a start the search centres on the soonest sensible day; an end alone
            # could then lie before it.
            raise serializers.ValidationError({"start": [START_WITH_END]})
        if "duration_days" not in attrs:
            if "start" not in attrs or "end" not in attrs:
                raise serializers.ValidationError(
                    {"duration_days": ["Give duration_days, or the plan's start and end."]}
                )
            attrs["duration_days"] = (attrs["end"] - attrs["start"]).days + 1
        # With no range, search around the intended start (the soonest sensible day if none).
        intended = attrs.get("start") or earliest_start(attrs["kind"], today)
        attrs["start"] = intended
        attrs.setdefault("end", intended + datetime.timedelta(days=attrs["duration_days"] - 1))
        search_start, search_end = search_range(
            attrs["kind"],
            intended,
            attrs["duration_days"],
            today,
            attrs.get("search_start"),
            attrs.get("search_end"),
        )
        attrs["search_start"], attrs["search_end"] = search_start, search_end
        if search_end < search_start:
            raise serializers.ValidationError(
                {"search_end": ["The search cannot end before it starts."]}
            )
        if (search_end - search_start).days > MAX_WINDOW_DAYS:
            raise serializers.ValidationError({"search_end": [SPAN_TOO_LONG]})
        if (search_end - search_start).days + 1 < attrs["duration_days"]:
            raise serializers.ValidationError(
                {"duration_days": ["The plan is longer than the search range."]}
            )
        return attrs


class OccurrenceQuerySerializer(serializers.Serializer):
    start = StrictDateField(required=False, validators=[validate_calendar_date])
    end = StrictDateField(required=False, validators=[validate_calendar_date])
    customer = serializers.PrimaryKeyRelatedField(required=False, queryset=Customer.objects.all())
    country = serializers.CharField(required=False, max_length=2)
    kind = serializers.ChoiceField(required=False, choices=sorted(ALL_KINDS))

    def validate_country(self, code):
        if error := countries.validate_country(code):
            raise serializers.ValidationError(error)
        return code

    def validate(self, attrs):
        start = attrs.setdefault("start", timezone.localdate())
        end = attrs.setdefault("end", start + datetime.timedelta(days=90))
        if end < start:
            raise serializers.ValidationError({"end": [END_BEFORE_START]})
        if (end - start).days > MAX_WINDOW_DAYS:
            raise serializers.ValidationError({"end": [SPAN_TOO_LONG]})
        return attrs


class OccurrenceSerializer(serializers.Serializer):
    id = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    country = serializers.CharField()
    subdivision = serializers.CharField()
    # The API's field name; DRF's metaclass moves declared fields off the class, so it never
    # shadows Field.source at run time, but the stubs see the class attribute.
    source = serializers.CharField()  # type: ignore[assignment]


class FindingSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField()
    severity = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    message = serializers.CharField()
    rule = serializers.CharField(help_text="The rule's name in RULES, e.g. people_away.")


class FindingGroupSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    customers = serializers.ListField(child=serializers.IntegerField())
    message = serializers.CharField()


class CheckResultSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    groups = FindingGroupSerializer(many=True, help_text="The findings grouped by cause.")
    summary = serializers.DictField(child=serializers.IntegerField())


class SuggestionSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    summary = serializers.DictField(child=serializers.IntegerField())
    distance_days = serializers.IntegerField(
        help_text="Days from the intended start; negative when earlier."
    )


class WeekLoadSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    week = serializers.IntegerField()
    blocker = serializers.IntegerField()
    warning = serializers.IntegerField()
    best_start = serializers.DateField(
        allow_null=True, help_text="The week's best start day, whose counts these are."
    )


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
    weeks = WeekLoadSerializer(many=True)
    search_start = serializers.DateField()
    search_end = serializers.DateField()
    note = serializers.CharField(help_text="Why there are fewer than five suggestions, or empty.")


class PersonChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonChange
        fields = ["field", "old_value", "new_value", "changed_on"]


class CustomerChangeSerializer(serializers.ModelSerializer):
    by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CustomerChange
        fields = ["field", "old", "new", "changed_on", "by", "touchpoint"]


class SignalSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class RiskSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["low", "medium", "high"])
    signals = SignalSerializer(many=True)
    questions = serializers.ListField(child=serializers.CharField())


class BriefChangeSerializer(serializers.Serializer):
    topic = serializers.CharField()
    text = serializers.CharField()


class BriefTouchSerializer(serializers.Serializer):
    date = serializers.DateField()
    channel = serializers.CharField()
    summary = serializers.CharField()
    changes = BriefChangeSerializer(many=True)


class BriefFollowUpSerializer(serializers.Serializer):
    date = serializers.DateField()
    outcome = serializers.CharField(help_text="`follow_up`, or `not_now` (ask again)")
    summary = serializers.CharField()


class BriefPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    job_title = serializers.CharField()
    decision_role = serializers.CharField()
    stance = serializers.CharField()
    last_met = serializers.DateField(allow_null=True)
    not_met_lately = serializers.BooleanField()
    left_on = serializers.DateField(allow_null=True, help_text="Left within the last year")


class BriefInterestSerializer(serializers.Serializer):
    name = serializers.CharField()
    strength = serializers.CharField()
    last_confirmed = serializers.DateField()
    current = serializers.BooleanField(help_text="False: stale evidence, ask again")


class BriefSerializer(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    last_touch = BriefTouchSerializer(allow_null=True)
    follow_ups = BriefFollowUpSerializer(many=True)
    people = BriefPersonSerializer(many=True)
    risk = RiskSerializer()
    interests = BriefInterestSerializer(many=True)
    strategy_season = OccurrenceSerializer(allow_null=True)
    calendar = OccurrenceSerializer(many=True)


class OpportunityQuerySerializer(serializers.Serializer):
    owner = serializers.CharField(required=False, help_text="A username, or `me`.")
    days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)
    kind = serializers.ChoiceField(choices=list(OPPORTUNITY_KINDS), required=False)
    interest = serializers.CharField(required=False, max_length=60)

    def validate_owner(self, username: str) -> Any:
        if username == "me":
            return self.context["request"].user
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise serializers.ValidationError(f"No user is called “{username}”.")
        return user


class OpportunitySerializer(serializers.Serializer):
    kind = serializers.CharField()
    customer = serializers.IntegerField()
    customer_name = serializers.CharField()
    owner = serializers.CharField(help_text="The customer's account owner; empty when none.")
    start = StrictDateField()
    end = StrictDateField()
    title = serializers.CharField()
    message = serializers.CharField()
    interests = serializers.ListField(
        child=serializers.CharField(), help_text="What the customer has shown interest in."
    )
    deadline = StrictDateField(help_text="The last day to act; the list is sorted by it.")


class ContactQuerySerializer(serializers.Serializer):
    """`?customer=` and, for touchpoints, `?since=` and `?until=` (YYYY-MM-DD, both included)."""

    customer = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    since = StrictDateField(required=False, validators=[validate_calendar_date])
    until = StrictDateField(required=False, validators=[validate_calendar_date])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "since" in attrs and "until" in attrs and attrs["until"] < attrs["since"]:
            raise serializers.ValidationError({"until": ["The until date cannot be before since."]})
        return attrs


class AudienceCustomerSerializer(serializers.ModelSerializer):
    """A customer a plan reaches, as its audience list shows it."""

    owner: serializers.SlugRelatedField[AbstractBaseUser] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Customer
        fields = ["id", "name", "country", "subdivision", "owner"]
