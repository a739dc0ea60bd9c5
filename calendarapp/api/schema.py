"""What the OpenAPI schema cannot see for itself: the Bearer token and the recurrence field.

drf-spectacular finds these extensions by their target classes once this
module is imported (api/urls.py does).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object


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
