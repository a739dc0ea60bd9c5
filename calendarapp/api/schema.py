"""What the OpenAPI schema cannot see for itself: the Bearer token, the recurrence field, the
error answers every operation may give, and the headers of conditional and repeatable writes.

drf-spectacular finds these extensions by their target classes once this
module is imported (api/urls.py does).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import PageNumberPagination

from calendarapp.api.conditional import ConditionalRecordMixin, IdempotentPostMixin
from calendarapp.lib.validation import NOT_ISO_DATE

# The one shape of every error (calendarapp/api/errors.py): each field, or `detail`, with messages.
ERRORS = ResolvedComponent(
    name="Errors",
    type=ResolvedComponent.SCHEMA,
    object="Errors",
    schema={
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "description": "Messages per field; `detail` for 401, 403, 404 and 503.",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        },
        "example": {"errors": {"start": [NOT_ISO_DATE]}},
    },
)
# Any operation may answer these: bad input (a NUL byte in any parameter included), no valid
# login or token, a role that may not, and the database not answering.
ERROR_ANSWERS = {
    "400": "Bad input: each field named with its problems.",
    "401": "No session and no valid token (unknown, revoked or expired), each said so.",
    "403": "Signed in, but this role may not do this.",
    "503": "The database did not answer; try again after Retry-After seconds.",
}
NOT_FOUND = "Nothing has this id (ids are whole numbers)."
STALE = "`If-Match` is not the record's ETag now: each field changed since, named (or `If-Match`)."
KEY_REUSED = "This `Idempotency-Key` was used for another request in the last 24 hours."
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=["200"],
    description="The record's version (a hash a writable field); send it back as `If-Match`.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="Optional: the ETag you read (or `*`); a record changed since answers 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Optional, 1-255 printable ASCII characters: the same key (yours) within 24 "
    "hours answers the first answer again and creates nothing.",
)
REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    str,
    OpenApiParameter.HEADER,
    response=["200", "201"],
    description="`true` when this is the first answer to the same `Idempotency-Key`, given again.",
)
PAST_THE_LAST = "No such page: `?page=` past the last one."


class CalendarAutoSchema(AutoSchema):
    """Every operation documents its error answers, in the one error shape, beside its success."""

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        self.registry.register_on_missing(ERRORS)
        answers = dict(ERROR_ANSWERS)
        if self._conditional() and self.method in ("PATCH", "PUT", "DELETE"):
            answers["412"] = STALE
        if self._idempotent():
            answers["422"] = KEY_REUSED
        missing = [NOT_FOUND] if "{" in self.path else []
        if self._is_list_view() and isinstance(self._get_paginator(), PageNumberPagination):
            missing.append(PAST_THE_LAST)
        if missing:
            answers["404"] = " ".join(missing)
        for status, description in sorted(answers.items()):
            responses.setdefault(
                status,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERRORS.ref}},
                },
            )
        return responses

    def get_override_parameters(self) -> Any:
        parameters = list(super().get_override_parameters())
        if self._conditional():
            parameters += {"GET": [ETAG], "PATCH": [IF_MATCH, ETAG], "PUT": [IF_MATCH, ETAG]}.get(
                self.method, [IF_MATCH] if self.method == "DELETE" else []
            )
        if self._idempotent():
            parameters += [IDEMPOTENCY_KEY, REPLAYED]
        return parameters

    def _conditional(self) -> bool:
        return isinstance(self.view, ConditionalRecordMixin)

    def _idempotent(self) -> bool:
        return isinstance(self.view, IdempotentPostMixin) and self.method == "POST"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "calendarapp.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Bearer"
        )


class RecurrenceRuleSchema(OpenApiSerializerFieldExtension):
    target_class = "calendarapp.api.serializers.RecurrenceRuleField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "nullable": True,
            "description": "An RFC 5545 rule, or null for a one-off.",
            "example": "RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO",
        }
