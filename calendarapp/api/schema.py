"""What the OpenAPI schema cannot see for itself: the Bearer token, the recurrence field and
the error answers every operation may give.

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
from rest_framework.pagination import PageNumberPagination

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
PAST_THE_LAST = "No such page: `?page=` past the last one."


class CalendarAutoSchema(AutoSchema):
    """Every operation documents its error answers, in the one error shape, beside its success."""

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        self.registry.register_on_missing(ERRORS)
        answers = dict(ERROR_ANSWERS)
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
