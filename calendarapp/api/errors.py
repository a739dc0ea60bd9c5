"""Every API error answers `{"errors": {"field": ["message"]}}`, as the schema documents.

Errors inside a list or a nested object (the third interest name, a new person's email) are
flattened into their field's list of messages, each saying where: "Item 2, email: …".

Two writes that crossed twice (a deadlock, a serialization failure) are a 409 naming the
record, never the 503 of an outage: the database is up. A record deleted before a write reached
it is a 404 (`RecordGone`, handled as Django's Http404).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from calendarapp.lib.writes import WriteConflict, conflict_message, is_conflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def flat_messages(detail: Any, where: str = "") -> list[str]:
    """DRF's nested error detail as plain sentences, each prefixed with its place."""
    if isinstance(detail, dict):
        return [
            message
            for key, inner in detail.items()
            for message in flat_messages(inner, _place(where, str(key)))
        ]
    if isinstance(detail, list):
        return [message for inner in detail for message in flat_messages(inner, where)]
    return [f"{where}: {detail}" if where else str(detail)]


def _place(where: str, key: str) -> str:
    # DRF names a list's bad items by their index from 0; people count from 1.
    step = f"Item {int(key) + 1}" if key.isdigit() else key
    return f"{where}, {step}" if where else step


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, WriteConflict):
        exc = Conflict(str(exc))
    elif is_conflict(exc):  # raised inside a caller's transaction, which is not run again
        record = getattr(context.get("view"), "record", None)
        exc = Conflict(conflict_message(getattr(record, "noun", "record")))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        errors = {name: flat_messages(messages) for name, messages in fields.items()}
    else:
        errors = {"detail": [detail.get("detail", detail) if isinstance(detail, dict) else detail]}
    response.data = {"errors": errors}
    return response
