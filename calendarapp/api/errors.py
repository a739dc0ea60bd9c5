"""Every API error answers `{"errors": {"field": ["message"]}}`, as the schema documents.

Errors inside a list or a nested object (the third interest name, a new person's email) are
flattened into their field's list of messages, each saying where: "Item 2, email: …".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


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
