"""Attendee suggestions through the API: people met at a customer's email domains who are no
person of it yet, and their dismissal (accepting one is `POST /api/people`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendarapp.api.json_types import JsonBody
from calendarapp.api.pagination import PagePagination, page_answer
from calendarapp.api.serializers import StrictDateField
from calendarapp.lib.validation import MAX_ID
from calendarapp.occurrences.suggestions import (
    NOT_AN_EMAIL,
    attendee_dismiss,
    attendee_suggestions,
)
from calendarapp.roles import CHANGE_PERSON, can_change_record, can_edit_customers
from customers.models import Customer


class AttendeeSuggestionSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="Lower case.")
    name = serializers.CharField(
        help_text="As the calendars last gave it, or made from the address (anna.holm@… is"
        " “Anna Holm”)."
    )
    customer = serializers.IntegerField(help_text="The customer's id.")
    meetings = serializers.IntegerField(min_value=1, help_text="Logged meetings they attended.")
    last_seen = StrictDateField(help_text="The day of the latest of them.")


class AttendeeDismissSerializer(JsonBody):
    email = serializers.EmailField(
        max_length=254,
        help_text="The suggestion's `email`.",
        error_messages={"invalid": NOT_AN_EMAIL},
    )
    customer = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AttendeeDismissedSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="Lower case, as stored.")
    customer = serializers.IntegerField()
    dismissed = serializers.BooleanField(help_text="Always true: dismissed, now or before.")


class AttendeeSuggestionList(APIView):
    """People met in the customers' logged meetings at one of the customer's `email_domains`,
    not yet a person of it and not dismissed: the user's own customers, every customer for
    calendar admins; the latest seen first, a page at a time."""

    pagination_class = PagePagination  # what the schema reads

    @extend_schema(responses=AttendeeSuggestionSerializer(many=True))
    def get(self, request: Request) -> Response:
        customers = Customer.objects.filter(active=True)
        if not can_edit_customers(request.user):
            customers = customers.filter(owner_id=request.user.pk)
        return page_answer(request, attendee_suggestions(customers), AttendeeSuggestionSerializer)


class AttendeeSuggestionDismiss(APIView):
    """Dismiss a suggestion: that address is never suggested for that customer again (to
    anyone); sending it again changes nothing. Those who may add the customer's people may."""

    # Whose customer it is decides, below.
    read_only_post = True

    @extend_schema(request=AttendeeDismissSerializer, responses=AttendeeDismissedSerializer)
    def post(self, request: Request) -> Response:
        body = AttendeeDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        customer = Customer.objects.filter(pk=body.validated_data["customer"]).first()
        if customer is None:
            raise ValidationError({"customer": ["No customer has this id."]})
        if not can_change_record(request.user, customer, CHANGE_PERSON):
            raise PermissionDenied("Only the customer's account owner or a calendar admin may.")
        try:
            dismissal = attendee_dismiss(
                customer=customer, email=body.validated_data["email"], by=request.user
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        answer = {"email": dismissal.email, "customer": customer.pk, "dismissed": True}
        return Response(AttendeeDismissedSerializer(answer).data)
