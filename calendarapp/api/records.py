"""The API of every record kept about a customer: one generic pair of views over the
declarations in `relationships/records.py`.

`RecordList` (`GET ?customer=`, `POST`) and `RecordDetail` (`GET`, `PATCH`, `DELETE`) read the
record type from their serializer's `record`: its rows, its write and delete functions, and who
may change it (the customer's account owner or a calendar admin, with its permission).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied

from calendarapp.api.conditional import ConditionalRecordMixin, IdempotentPostMixin
from calendarapp.api.serializers import (
    CleanedModelSerializer,
    ContactQuerySerializer,
    RecurrenceRuleField,
    SignalSerializer,
    writer,
)
from calendarapp.lib.validation import NOT_BLANK
from calendarapp.occurrences.agreed_days import agreed_day_warnings
from calendarapp.relationships import records
from calendarapp.relationships.records import Record
from customers.interests import interest_name_error
from customers.models import (
    CHANGE_TEXT_MAX,
    Customer,
    CustomerInterest,
    DecisionRole,
    Influence,
    Person,
    Stance,
    Topic,
    Touchpoint,
)

EDIT_METHODS = ["get", "patch", "delete", "head", "options"]


class RecordSerializer(CleanedModelSerializer):
    """Written by its record type's write function; a record stays with its customer."""

    record: ClassVar[Record]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.get("customer", self.instance.customer) != (
            self.instance.customer
        ):
            raise serializers.ValidationError({"customer": ["This stays with its customer."]})
        return super().validate(attrs)

    def create(self, validated_data: dict[str, Any]) -> Any:
        return self.record.save_record(None, **validated_data)

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        validated_data["customer"] = self.record.customer_of(instance)
        return self.record.save_record(instance, **validated_data)


class DecisionFactorSerializer(RecordSerializer):
    record = records.FACTOR

    class Meta:
        model = records.FACTOR.model
        fields = ["id", "customer", *records.FACTOR.fields]


class DecisionStepSerializer(RecordSerializer):
    recurrence = RecurrenceRuleField(help_text="RRULE text, e.g. RRULE:FREQ=MONTHLY;BYDAY=2TU")
    record = records.STEP

    class Meta:
        model = records.STEP.model
        fields = ["id", "customer", "contract", "title", "date", "recurrence", "people", "done"]


class CompetitorSerializer(RecordSerializer):
    record = records.COMPETITOR

    class Meta:
        model = records.COMPETITOR.model
        fields = ["id", "customer", *records.COMPETITOR.fields]


class ContractSerializer(RecordSerializer):
    record = records.CONTRACT

    class Meta:
        model = records.CONTRACT.model
        fields = ["id", "customer", *records.CONTRACT.fields]


class CustomerInterestSerializer(RecordSerializer):
    """Evidence; `interest` is a name, and a new name creates the interest."""

    interest = serializers.CharField(max_length=60, help_text="The interest's name.")
    stale = serializers.BooleanField(read_only=True)
    record = records.INTEREST

    class Meta:
        model = CustomerInterest
        fields = ["id", "customer", *records.INTEREST.fields, "stale"]

    def validate_interest(self, name: str) -> str:
        if error := interest_name_error(name):
            raise serializers.ValidationError(error)
        return name.strip()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # `customer_interest_save` validates it all (a new name is created only there), so the
        # model is not cleaned here: the interest may not exist yet.
        if self.instance is not None and attrs.get("customer", self.instance.customer) != (
            self.instance.customer
        ):
            raise serializers.ValidationError({"customer": ["This stays with its customer."]})
        return attrs

    def to_representation(self, instance: CustomerInterest) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["interest"] = instance.interest.name
        return data


class StrategySerializer(RecordSerializer):
    record = records.STRATEGY

    class Meta:
        model = records.STRATEGY.model
        fields = ["id", "customer", *records.STRATEGY.fields]


class PersonSerializer(RecordSerializer):
    record = records.PERSON

    class Meta:
        model = Person
        fields = ["id", "customer", *records.PERSON.fields]


class ChangeSerializer(serializers.Serializer):
    topic = serializers.CharField()
    text = serializers.CharField()


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["topic", "text"],
            "additionalProperties": False,
            "properties": {
                "topic": {"type": "string", "enum": list(Topic.values)},
                "text": {"type": "string", "pattern": NOT_BLANK, "maxLength": CHANGE_TEXT_MAX},
            },
        },
    }
)
class ChangesField(serializers.JSONField):
    """A touch's changes as the model keeps them (it checks topics and sentences)."""


class NewPersonSerializer(serializers.Serializer):
    """Someone new named at a touch: met there (the default) or only heard of."""

    refuses_unknown_fields = True  # api/schema.py: `additionalProperties: false`

    name = serializers.CharField(max_length=200)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    decision_role = serializers.ChoiceField(DecisionRole.choices, required=False)
    stance = serializers.ChoiceField(Stance.choices, required=False)
    influence = serializers.ChoiceField(Influence.choices, required=False)
    met = serializers.BooleanField(
        default=True, help_text="False: heard of, not met; recorded, but not among the people met."
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class TouchpointSerializer(RecordSerializer):
    record = records.TOUCHPOINT
    answered_after_writes = ("warnings",)  # api/schema.py: not required in other answers

    our_people = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), many=True, required=False
    )
    people_updates = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        write_only=True,
        help_text='People of the customer whose facts changed, saved with the touch: [{"id": …, '
        '"job_title": …, "left_on": …, "decision_role": …, "stance": …}], any field of '
        "/api/people but customer; only the fields sent change.",
    )
    new_people = NewPersonSerializer(
        many=True,
        required=False,
        write_only=True,
        help_text="People first heard of at this touch, created with it.",
    )
    # Only in the answer to a POST or PATCH (a write sets them), so a list costs no calendar.
    warnings = SignalSerializer(
        many=True,
        read_only=True,
        help_text="What blocks a meeting on `follow_up_on` (code: the rule in RULES); the date "
        "is saved as agreed.",
    )
    customer_updates = serializers.DictField(
        required=False,
        write_only=True,
        help_text="The customer's facts learned on this touch, saved with it:"
        ' {"budget_close_month": 3, …}; any of budget_close_month, contact_every_days,'
        " strategy_weeks_before_start, strategy_weeks_before_end, timezone, subdivision,"
        " notes; kept in its history.",
    )
    # Validated by the model (topics, sentences); declared for the schema's shape.
    changes = ChangesField(required=False, help_text='[{"topic": …, "text": …}]')
    # Read only, so an exported sheet says whom each touch was with.
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Touchpoint
        fields = [
            "id",
            "customer",
            "customer_name",
            "date",
            "channel",
            "people",
            "our_people",
            "summary",
            "changes",
            "outcome",
            "follow_up_on",
            "people_updates",
            "new_people",
            "warnings",
            "customer_updates",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # A new touchpoint names its customer (required); an edited one keeps its own.
        customer = attrs.get("customer") or getattr(self.instance, "customer", None)
        assert customer is not None
        if "people_updates" in attrs:
            attrs["people_updates"] = _people_updates(customer, attrs["people_updates"])
        return attrs

    def save(self, **kwargs: Any) -> Any:
        touchpoint = super().save(**kwargs)
        day = touchpoint.follow_up_on
        touchpoint.warnings = [] if day is None else agreed_day_warnings(touchpoint.customer, day)
        return touchpoint

    def update(self, instance, validated_data):
        return super().update(instance, {**validated_data, "by": writer(self)})

    def create(self, validated_data):
        return super().create({**validated_data, "by": writer(self)})


def _people_updates(
    customer: Customer, items: list[dict[str, Any]]
) -> list[tuple[Person, dict[str, Any]]]:
    """Read `people_updates` into (person, fields sent) pairs, each checked as /api/people does."""
    ids = [item.get("id") for item in items]
    if not all(type(pk) is int for pk in ids):
        raise serializers.ValidationError(
            {"people_updates": ["Each update needs the person's id."]}
        )
    people = Person.objects.filter(customer=customer).in_bulk(ids)
    errors: list[str] = []
    updates = []
    for pk, item in zip(ids, items, strict=True):
        person = people.get(pk)
        if person is None:
            errors.append(f"No person {pk} at {customer.name}.")
            continue
        fields = set(item) - {"id"}
        if unknown := sorted(fields - set(records.PERSON.fields)):
            errors.append(f"{person.name} ({pk}): unknown fields {', '.join(unknown)}.")
            continue
        checked = PersonSerializer(person, data=item, partial=True)
        if not checked.is_valid():
            errors.extend(
                f"{person.name} ({pk}), {field}: {message}"
                for field, messages in checked.errors.items()
                for message in messages
            )
            continue
        updates.append((person, {name: checked.validated_data[name] for name in fields}))
    if errors:
        raise serializers.ValidationError({"people_updates": errors})
    return updates


def record_of(view: generics.GenericAPIView) -> Record:
    """The record type a view of the pair serves: its serializer's."""
    serializer_class: Any = view.get_serializer_class()
    record: Record = serializer_class.record
    return record


class RecordList(IdempotentPostMixin, generics.ListCreateAPIView):
    """`GET ?customer=` and `POST`: only the customer's account owner or a calendar admin adds."""

    writes_records = True

    @property
    def record(self) -> Record:
        return record_of(self)

    def get_queryset(self) -> QuerySet[Any]:
        """Check the query and narrow to `?customer=`; the checked query stays in `self.query`."""
        query = ContactQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        self.query = query.validated_data
        queryset = self.record.objects()
        if "customer" in self.query:
            customer_id = f"{self.record.customer_path}_id"
            queryset = queryset.filter(**{customer_id: self.query["customer"]})
        return queryset

    def perform_create(self, serializer: Any) -> None:
        if not self.record.may_change(self.request.user, serializer.validated_data["customer"]):
            raise PermissionDenied("Only the customer's account owner or a calendar admin may.")
        serializer.save()


class RecordDetail(ConditionalRecordMixin, generics.RetrieveUpdateDestroyAPIView):
    """`GET`, `PATCH`, `DELETE` of one record; changed as its customer's records are."""

    http_method_names = EDIT_METHODS
    writes_records = True

    @property
    def record(self) -> Record:
        return record_of(self)

    def get_queryset(self) -> QuerySet[Any]:
        return self.record.objects()

    def perform_destroy(self, instance: Any) -> None:
        self.record.delete_record(instance)
