"""The API of a user's own calendar connections: list, add, read, change, delete and sync now.

A connection is its owner's alone: every query starts from the requesting user's own, so anyone
else (calendar admins included) gets the 404 of an id that names nothing. Reads give the address
masked and never the password; writes go through `connections.services.connection_save`, as the
"Your calendars" page's do, and "sync now" through `connections.sync.connection_sync`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendarapp.api.conditional import ConditionalRecordMixin, IdempotentPostMixin
from calendarapp.api.json_types import JsonBody
from calendarapp.api.records import EDIT_METHODS
from calendarapp.connections.reading import CalendarUnreadable, mask_url
from calendarapp.connections.services import URL_MAX, connection_delete, connection_save
from calendarapp.connections.sync import connection_sync
from calendarapp.models import CalendarConnection, ConnectionStatus


class SecretUrlField(serializers.CharField):
    """A calendar's secret address: written whole, read masked (scheme, host, last 4
    characters). Its schema is `api/schema.py`'s `SecretUrlSchema`."""

    def to_representation(self, value: str) -> str:
        return mask_url(value) if value else ""


class CalendarConnectionSerializer(JsonBody):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100, help_text="Your name for it, e.g. Work calendar.")
    url = SecretUrlField(
        max_length=URL_MAX,
        help_text="The secret iCal address of your calendar (https:// or webcal://: Google, "
        "Outlook, Apple) or a CalDAV calendar's address with `username` and `password`. Read "
        "back masked: scheme, host and its last 4 characters; sending the masked value back "
        "changes nothing.",
    )
    username = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="CalDAV only."
    )
    password = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        write_only=True,
        trim_whitespace=False,
        help_text="CalDAV only (an app password); stored encrypted, never shown again.",
    )
    status = serializers.ChoiceField(
        choices=ConnectionStatus.choices,
        read_only=True,
        help_text="`never` synced, `ok`, or `error` (then `last_error` says why).",
    )
    last_synced_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_error = serializers.CharField(
        read_only=True, help_text="Why the last sync failed, in words, secrets masked; or empty."
    )
    touches_logged = serializers.IntegerField(
        read_only=True, help_text="Meetings with customers this calendar has logged as touches."
    )
    metadata_only = serializers.BooleanField(
        required=False,
        help_text="True: log the date, people and channel of a meeting, not its title.",
    )

    def create(self, validated_data: dict[str, Any]) -> CalendarConnection:
        owner = self.context["request"].user
        return connection_save(connection=None, owner=owner, **validated_data)

    def update(self, instance: CalendarConnection, validated_data: dict[str, Any]) -> Any:
        return connection_save(connection=instance, owner=instance.owner, **validated_data)


class SkippedSerializer(serializers.Serializer):
    internal = serializers.IntegerField(help_text="Only our own people.")
    private = serializers.IntegerField(help_text="CLASS:PRIVATE or CONFIDENTIAL.")
    declined = serializers.IntegerField(help_text="You declined.")
    cancelled = serializers.IntegerField(help_text="STATUS:CANCELLED.")
    no_customer = serializers.IntegerField(help_text="Nobody of a known customer or domain.")
    future = serializers.IntegerField(help_text="Not yet held: shown as a booked meeting.")


class SyncAnswerSerializer(serializers.Serializer):
    logged = serializers.IntegerField(help_text="New touches logged.")
    updated = serializers.IntegerField(help_text="Touches of moved or retitled meetings.")
    removed = serializers.IntegerField(help_text="Touches of meetings gone from the calendar.")
    skipped = SkippedSerializer()


def own_connections(request: Request) -> QuerySet[CalendarConnection]:
    """The requesting user's connections: nobody else's is ever found."""
    return CalendarConnection.objects.filter(owner_id=request.user.pk).order_by("name", "id")


class CalendarConnectionList(IdempotentPostMixin, generics.ListCreateAPIView):
    """Your calendar connections, a page at a time; POST adds one (201)."""

    serializer_class = CalendarConnectionSerializer
    writes_own = True

    def get_queryset(self) -> QuerySet[CalendarConnection]:
        return own_connections(self.request)


class CalendarConnectionDetail(ConditionalRecordMixin, generics.RetrieveUpdateDestroyAPIView):
    """One of your calendar connections; anyone else's is a 404."""

    serializer_class = CalendarConnectionSerializer
    http_method_names = EDIT_METHODS
    writes_own = True

    def get_queryset(self) -> QuerySet[CalendarConnection]:
        return own_connections(self.request)

    def perform_destroy(self, instance: CalendarConnection) -> None:
        connection_delete(connection=instance)


class CalendarConnectionSync(APIView):
    """Sync one of your calendars now, in the request."""

    writes_own = True

    @extend_schema(
        request=None,
        responses=SyncAnswerSerializer,
        description="Reads the calendar now and logs its meetings with customers as touches: "
        "the counts of what changed and what was skipped, by reason. A calendar that cannot be "
        "read is a 400 naming `url` (address, host, server, time limit, size) or `password` "
        "(the login was refused), and the connection's `status` is `error` with that reason "
        "in `last_error`.",
    )
    def post(self, request: Request, pk: int) -> Response:
        connection = get_object_or_404(own_connections(request), pk=pk)
        try:
            result = connection_sync(connection=connection)
        except CalendarUnreadable as error:
            field = error.field if error.field in ("url", "password") else "url"
            raise serializers.ValidationError({field: [connection.last_error]}) from None
        body = {
            "logged": result.logged,
            "updated": result.updated,
            "removed": result.removed,
            "skipped": result.skipped,  # every reason, 0 where none
        }
        return Response(SyncAnswerSerializer(body).data)
