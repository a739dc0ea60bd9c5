"""The API of how a customer decides: factors, steps, competitors, contracts, a person's
history and the "are we just a data point?" risk check.

Kept apart from `serializers.py` and `views.py` because it is one subject; it
uses their building blocks (the model's own validation, the contacts' lists
and access rule), and writes through the `customers.decisions` functions.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from calendarapp.api.serializers import CleanedModelSerializer, RecurrenceRuleField
from calendarapp.api.views import EDIT_METHODS, ContactList
from calendarapp.occurrences.decision_checks import risks
from customers.decisions import (
    COMPETITOR_FIELDS,
    CONTRACT_FIELDS,
    FACTOR_FIELDS,
    competitor_save,
    contract_save,
    decision_factor_save,
    decision_record_delete,
    decision_step_save,
)
from customers.models import (
    Competitor,
    Contract,
    Customer,
    DecisionFactor,
    DecisionStep,
    Person,
    PersonChange,
)


class CustomerOwnedSerializer(CleanedModelSerializer):
    """Written by its `save_function(<record_name>=…, customer=…, **fields)`; keeps its customer."""

    save_function: Any
    record_name = ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.get("customer", self.instance.customer) != (
            self.instance.customer
        ):
            raise serializers.ValidationError({"customer": ["This stays with its customer."]})
        return super().validate(attrs)

    def create(self, validated_data: dict[str, Any]) -> Any:
        return type(self).save_function(**validated_data)

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        validated_data["customer"] = instance.customer
        return type(self).save_function(**{self.record_name: instance}, **validated_data)


class DecisionFactorSerializer(CustomerOwnedSerializer):
    save_function = decision_factor_save
    record_name = "factor"

    class Meta:
        model = DecisionFactor
        fields = ["id", "customer", *FACTOR_FIELDS]


class DecisionStepSerializer(CustomerOwnedSerializer):
    recurrence = RecurrenceRuleField(help_text="RRULE text, e.g. RRULE:FREQ=MONTHLY;BYDAY=2TU")
    save_function = decision_step_save
    record_name = "step"

    class Meta:
        model = DecisionStep
        fields = ["id", "customer", "contract", "title", "date", "recurrence", "people", "done"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        customer = attrs.get("customer") or getattr(self.instance, "customer", None)
        assert customer is not None
        strangers = [p.name for p in attrs.get("people", []) if p.customer_id != customer.pk]
        if strangers:
            raise serializers.ValidationError(
                {"people": [f"Not a person of {customer.name}: {', '.join(strangers)}."]}
            )
        return attrs


class CompetitorSerializer(CustomerOwnedSerializer):
    save_function = competitor_save
    record_name = "competitor"

    class Meta:
        model = Competitor
        fields = ["id", "customer", *COMPETITOR_FIELDS]


class ContractSerializer(CustomerOwnedSerializer):
    save_function = contract_save
    record_name = "contract"

    class Meta:
        model = Contract
        fields = ["id", "customer", *CONTRACT_FIELDS]


class PersonChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonChange
        fields = ["field", "old_value", "new_value", "changed_on"]


class SignalSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class RiskSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["low", "medium", "high"])
    signals = SignalSerializer(many=True)
    questions = serializers.ListField(child=serializers.CharField())


class DecisionList(ContactList):
    """`GET ?customer=` and `POST`: only the customer's account owner or a calendar admin adds."""

    model: Any

    def get_queryset(self) -> QuerySet:
        return self.filtered(self.model.objects.all())


class DecisionDetail(generics.RetrieveUpdateDestroyAPIView):
    """`GET`, `PATCH`, `DELETE` of one; written as its customer's people are."""

    http_method_names = EDIT_METHODS
    writes_contacts = True

    def perform_destroy(self, instance: Any) -> None:
        decision_record_delete(record=instance)


class DecisionFactorList(DecisionList):
    model = DecisionFactor
    serializer_class = DecisionFactorSerializer


class DecisionFactorDetail(DecisionDetail):
    queryset = DecisionFactor.objects.select_related("customer")
    serializer_class = DecisionFactorSerializer


class DecisionStepList(DecisionList):
    serializer_class = DecisionStepSerializer

    def get_queryset(self) -> QuerySet:
        return self.filtered(DecisionStep.objects.prefetch_related("people"))


class DecisionStepDetail(DecisionDetail):
    queryset = DecisionStep.objects.select_related("customer").prefetch_related("people")
    serializer_class = DecisionStepSerializer


class CompetitorList(DecisionList):
    model = Competitor
    serializer_class = CompetitorSerializer


class CompetitorDetail(DecisionDetail):
    queryset = Competitor.objects.select_related("customer")
    serializer_class = CompetitorSerializer


class ContractList(DecisionList):
    model = Contract
    serializer_class = ContractSerializer


class ContractDetail(DecisionDetail):
    queryset = Contract.objects.select_related("customer")
    serializer_class = ContractSerializer


class PersonHistory(generics.ListAPIView):
    """A person's dated changes of part, stance, influence and personal stake, newest first."""

    serializer_class = PersonChangeSerializer

    def get_queryset(self) -> QuerySet:
        person = get_object_or_404(Person, pk=self.kwargs["pk"])
        return person.changes.all()


class CustomerRisk(generics.GenericAPIView):
    """The "are we just a data point?" check: level, the signals behind it, what to ask next."""

    queryset = Customer.objects.all()

    @extend_schema(responses=RiskSerializer)
    def get(self, request: Request, pk: int) -> Response:
        customer = self.get_object()
        risk = risks(Customer.objects.filter(pk=customer.pk), timezone.localdate())[customer.pk]
        return Response(RiskSerializer(risk).data)
