"""Every API error answers `{"errors": {"field": ["message"]}}`.

Two writes that crossed twice (a deadlock, a serialization failure) are a 409 naming the
record, never the 503 of an outage: the database is up. A record deleted before a write reached
it is a 404 (`RecordGone`, handled as Django's Http404).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from calendarapp.lib.writes import WriteConflict, conflict_message, is_conflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


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
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    else:
        errors = {"detail": [detail.get("detail", detail) if isinstance(detail, dict) else detail]}
    response.data = {"errors": errors}
    return response
