"""The API of what a customer cares about and plans, and of what to act on now.

`/api/customer-interests` (evidence), `/api/strategies` and `/api/opportunities`.
Kept apart from `serializers.py` and `views.py` because it is one subject; writes
go through `customers.interests`, access as a customer's people (`DecisionList`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendarapp.api.decisions import CustomerOwnedSerializer, DecisionDetail, DecisionList
from calendarapp.api.renderers import FORMAT_PARAMETER, TABLE_RENDERERS, TableFormatsMixin
from calendarapp.api.serializers import StrictDateField
from calendarapp.occurrences.opportunities import (
    DEFAULT_DAYS,
    MAX_DAYS,
    OPPORTUNITY_KINDS,
    customers_for,
    opportunities,
)
from customers.interests import (
    customer_interest_delete,
    customer_interest_save,
    interest_name_error,
    strategy_delete,
    strategy_save,
)
from customers.models import CustomerInterest, Strategy


class CustomerInterestSerializer(CustomerOwnedSerializer):
    """Evidence; `interest` is a name, and a new name creates the interest."""

    interest = serializers.CharField(max_length=60, help_text="The interest's name.")
    stale = serializers.BooleanField(read_only=True)
    record_name = "evidence"

    class Meta:
        model = CustomerInterest
        fields = [
            "id",
            "customer",
            "interest",
            "strength",
            "noted_on",
            "confirmed_on",
            "touchpoint",
            "person",
            "no_longer_on",
            "stale",
        ]

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

    @staticmethod
    def save_function(**fields: Any) -> CustomerInterest:
        evidence = fields.get("evidence")
        if "interest" not in fields and evidence is not None:
            fields["interest"] = evidence.interest
        try:
            return customer_interest_save(**fields)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None


class StrategySerializer(CustomerOwnedSerializer):
    save_function = strategy_save
    record_name = "strategy"

    class Meta:
        model = Strategy
        fields = ["id", "customer", "title", "noted_on", "touchpoint", "stage", "how_we_help"]


class CustomerInterestList(DecisionList):
    """`GET ?customer=` and `POST`: only the customer's account owner or a calendar admin adds."""

    serializer_class = CustomerInterestSerializer

    def get_queryset(self) -> QuerySet:
        return self.filtered(CustomerInterest.objects.select_related("interest"))


class CustomerInterestDetail(DecisionDetail):
    queryset = CustomerInterest.objects.select_related("customer", "interest")
    serializer_class = CustomerInterestSerializer

    def perform_destroy(self, instance: Any) -> None:
        customer_interest_delete(evidence=instance)


class StrategyList(DecisionList):
    model = Strategy
    serializer_class = StrategySerializer


class StrategyDetail(DecisionDetail):
    queryset = Strategy.objects.select_related("customer")
    serializer_class = StrategySerializer

    def perform_destroy(self, instance: Any) -> None:
        strategy_delete(strategy=instance)


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
    interests = serializers.ListField(child=serializers.CharField())


class OpportunityList(TableFormatsMixin, APIView):
    """What to act on now: the same list as the Opportunities page; `?format=csv|xlsx` too."""

    renderer_classes = TABLE_RENDERERS
    download_name = "opportunities"
    table_serializer = OpportunitySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("owner", str, description="A username or `me`; default the team"),
            OpenApiParameter("days", int, description=f"Days ahead (default {DEFAULT_DAYS})"),
            OpenApiParameter("kind", str, description="Only this kind of opportunity"),
            OpenApiParameter("interest", str, description="Only customers with this interest"),
            FORMAT_PARAMETER,
        ],
        responses=OpportunitySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = OpportunityQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = opportunities(
            customers_for(owner=params.get("owner"), interest=params.get("interest", "")),
            days=params.get("days", DEFAULT_DAYS),
            kind=params.get("kind", ""),
        )
        return Response(OpportunitySerializer(found, many=True).data)
