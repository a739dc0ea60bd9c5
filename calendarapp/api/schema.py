"""What the OpenAPI schema cannot see for itself: the Bearer token, the recurrence field, the
error answers every operation may give, and the headers of conditional and repeatable writes.

drf-spectacular finds these extensions by their target classes once this
module is imported (api/urls.py does).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from calendarapp.api.conditional import ConditionalRecordMixin, IdempotentPostMixin
from calendarapp.api.serializers import StrictDateField
from calendarapp.lib import countries
from calendarapp.lib.validation import (
    MAX_ID,
    NO_NUL,
    NOT_BLANK,
    NOT_ISO_DATE,
    validate_calendar_date,
    validate_month,
)

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
# login or token, a role that may not, nothing there (DRF's `?format=` is read on every path),
# and the database not answering.
ERROR_ANSWERS = {
    "400": "Bad input: each field named with its problems.",
    "401": "No session and no valid token (unknown, revoked or expired), each said so.",
    "403": "Signed in, but this role may not do this.",
    "404": "Nothing has this id (ids are whole numbers), or `?format=` names a format this path"
    " does not give.",
    "503": "The database did not answer; try again after Retry-After seconds.",
}
STALE = "`If-Match` is not the record's ETag now: each field changed since, named (or `If-Match`)."
CROSSED = "Two writes of this record crossed twice (a deadlock): nothing was saved; try again."
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
    # Printable ASCII; HTTP drops a header value's spaces at either end.
    pattern=r"^[!-~]([ -~]{0,253}[!-~])?$",
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

# Days are written YYYY-MM-DD in the years 1900 to 2199 (lib/validation.py, EARLIEST/LATEST).
CALENDAR_YEARS = r"^(19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}$"
# An email address as Django's EmailValidator accepts it (a dot-atom name; a domain with a TLD).
ATOM = "[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
EMAIL = rf"^{ATOM}(\.{ATOM})*@([A-Za-z0-9]([A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}$"

NAMED_CHOICES = {
    "country": countries.country_codes,
    "countries": countries.country_codes,
    "timezone": lambda: sorted(zoneinfo.available_timezones()),
}


class CalendarAutoSchema(AutoSchema):
    """Every operation documents its error answers, in the one error shape, beside its success;
    ids are whole numbers from 1, and text that is refused blank must hold more than spaces."""

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            schema.update(minimum=1, maximum=MAX_ID)
        if direction != "request":
            return schema
        if isinstance(field, serializers.EmailField):
            schema["pattern"] = EMAIL
        elif isinstance(field, serializers.CharField) and "pattern" not in schema:
            schema["pattern"] = NOT_BLANK if schema.get("minLength") == 1 else NO_NUL
        if isinstance(field, serializers.RelatedField) and field.allow_null:
            schema.pop("minLength", None)  # DRF reads "" as null for a reference
            if schema.get("pattern") == NOT_BLANK:
                schema["pattern"] = NO_NUL
        if field.field_name in NAMED_CHOICES:
            # Every country field holds an ISO 3166-1 code we have public holidays for, every
            # time zone field an IANA name.
            codes = NAMED_CHOICES[field.field_name]()
            target = schema.get("items", schema)
            target["enum"] = [*codes, ""] if getattr(field, "allow_blank", False) else codes
            target.pop("pattern", None)
        validators = getattr(field, "validators", [])
        if validate_month in validators:
            schema.update(minimum=1, maximum=12)
        if validate_calendar_date in validators or isinstance(field, StrictDateField):
            schema["pattern"] = CALENDAR_YEARS
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.EmailField):
            # Django's EmailValidator, not JSON Schema's "email" format: they differ.
            for part in [schema, *schema.get("oneOf", [])]:
                part.pop("format", None)
        # drf-spectacular offers blank text beside a pattern as `oneOf`, which "" matching both
        # would fail; either will do.
        if "oneOf" in schema and {"type": "string", "maxLength": 0} in schema["oneOf"]:
            schema["anyOf"] = schema.pop("oneOf")

    def _get_parameters(self) -> Any:
        parameters = super()._get_parameters()
        for parameter in parameters:
            # An empty query value counts as not given (DRF's fields read `?since=` so).
            if parameter["in"] == "query":
                parameter["allowEmptyValue"] = True
        return parameters

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        # Read-only fields only some answers carry (a touch's warnings, after a write).
        optional = set(getattr(serializer, "answered_after_writes", ()))
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
        if getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        self.registry.register_on_missing(ERRORS)
        answers = dict(ERROR_ANSWERS)
        if self._conditional() and self.method in ("PATCH", "PUT", "DELETE"):
            answers["412"] = STALE
        if self._idempotent():
            answers["422"] = KEY_REUSED
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            answers["409"] = CROSSED
        if self._is_list_view() and isinstance(self._get_paginator(), PageNumberPagination):
            answers["404"] += " " + PAST_THE_LAST
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


# A calendar's address as a client may send it: http(s) or webcal, a host (or [IPv6]), an
# optional port and path; which hosts may be private (and take http) is said in words.
CALENDAR_URL = (
    r"^(https|webcal|http)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(:[0-9]{1,5})?([/?#]\S*)?$"
)


class SecretUrlSchema(OpenApiSerializerFieldExtension):
    """A calendar's secret address: sent whole (with its pattern), read back masked."""

    target_class = "calendarapp.api.calendar_connections.SecretUrlField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        schema: dict[str, Any] = {"type": "string", "description": field.help_text}
        if direction == "request":
            schema.update(maxLength=field.max_length, pattern=CALENDAR_URL)
        else:
            schema["example"] = "https://calendar.google.com/…/ics"
        return schema
