"""Today's list through the API: the requesting user's ranked items, and done, snooze and undo.

The same `Digest` as the Today page and the morning email; marks go through
`digest_item_mark`, the function the page's buttons call.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendarapp.api.json_types import JsonBody
from calendarapp.api.serializers import StrictDateField
from calendarapp.kinds import ItemKind
from calendarapp.models import DigestItemState, DigestItemStatus
from calendarapp.reminders import digest


class TodayItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable: done, snooze and undo name the item by it.")
    kind = serializers.ChoiceField(choices=[kind.value for kind in ItemKind])
    rank = serializers.IntegerField(
        min_value=1,
        max_value=5,
        help_text="1 due today or overdue (also a logged meeting's what_changed and a"
        " calendar_error), 2 meetings today and tomorrow (planned or booked in a calendar),"
        " 3 high risk, 4 this week (also attendee_suggestion), 5 plans with conflicts; items"
        " come in list order.",
    )
    customer = serializers.IntegerField(allow_null=True)
    plan = serializers.IntegerField(allow_null=True)
    due = StrictDateField(source="day", help_text="The item's deadline or day.")
    title = serializers.CharField(source="text")
    reason = serializers.CharField()
    url = serializers.CharField(help_text="The page to act on it, relative to the site.")


class TodaySerializer(serializers.Serializer):
    items = TodayItemSerializer(many=True)


class ItemStateSerializer(serializers.Serializer):
    key = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", *DigestItemStatus.values])
    snoozed_until = StrictDateField(allow_null=True)


class SnoozeSerializer(JsonBody):
    until = StrictDateField(help_text="The day the item comes back: after today, within a year.")


class Today(APIView):
    """The requesting user's Today: the same ranked list as the page and the morning email."""

    @extend_schema(responses=TodaySerializer)
    def get(self, request: Request) -> Response:
        found = digest.build_digest(request.user, timezone.localdate())
        return Response(TodaySerializer({"items": found.items}).data)


# An item's key as the list writes it: short printable text, no spaces or slashes (digest.py).
KEY = OpenApiParameter(
    "key",
    {"type": "string", "pattern": "^[^\\x00-\\x20/?#]{1,200}$"},
    OpenApiParameter.PATH,
    description="The item's `key` from /api/today.",
)


class TodayItemMark(APIView):
    """Mark one item of the user's list; answers its state ("open", "done" or "snoozed")."""

    # Each user marks their own list: reading the calendar is enough.
    read_only_post = True

    def mark(self, request: Request, key: str, status: str | None) -> Response:
        today = timezone.localdate()
        until = None
        if status == DigestItemStatus.SNOOZED:
            body = SnoozeSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            until = body.validated_data["until"]
        try:
            state = digest.digest_item_mark(
                user=request.user, item_key=key, status=status, today=today, until=until
            )
        except DjangoValidationError as error:
            raise ValidationError(
                {
                    "key" if name == "item_key" else name: messages
                    for name, messages in error.message_dict.items()
                }
            ) from error
        return Response(ItemStateSerializer(_state(key, state)).data)


class TodayItemDone(TodayItemMark):
    """Mark an item done: it leaves the page, the email and this list."""

    @extend_schema(request=None, responses=ItemStateSerializer, parameters=[KEY])
    def post(self, request: Request, key: str) -> Response:
        return self.mark(request, key, DigestItemStatus.DONE)


class TodayItemSnooze(TodayItemMark):
    """Snooze an item until a day: it comes back by itself then."""

    @extend_schema(request=SnoozeSerializer, responses=ItemStateSerializer, parameters=[KEY])
    def post(self, request: Request, key: str) -> Response:
        return self.mark(request, key, DigestItemStatus.SNOOZED)


class TodayItemUndo(TodayItemMark):
    """Bring back an item marked done or snoozed."""

    @extend_schema(request=None, responses=ItemStateSerializer, parameters=[KEY])
    def post(self, request: Request, key: str) -> Response:
        return self.mark(request, key, None)


def _state(key: str, state: DigestItemState | None) -> dict[str, object]:
    if state is None:
        return {"key": key, "status": "open", "snoozed_until": None}
    return {"key": key, "status": state.status, "snoozed_until": state.snoozed_until}
