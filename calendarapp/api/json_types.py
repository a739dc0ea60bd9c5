"""JSON bodies must carry the types the schema states: `"name": 0` is refused, not read as "0".

DRF's fields coerce (a number to text, "yes" to true, "3" to 3), which suits query strings
and forms but lets a JSON body the schema calls invalid through. `JsonBody` checks each value
sent against its field's type, into lists and nested objects, before the fields run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import fields, relations, serializers

TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number", float: "a number",
              list: "a list", dict: "an object", type(None): "null"}  # fmt: skip


LISTS = (fields.ListField, relations.ManyRelatedField, serializers.ListSerializer)


def _shown(value: Any) -> str:
    return TYPE_NAMES.get(type(value), type(value).__name__)


def _expected(field: fields.Field) -> tuple[type, ...] | None:
    """The JSON types a field takes, or None for any (JSON fields, custom ones that check)."""
    if isinstance(field, fields.BooleanField):
        return (bool,)
    if isinstance(field, LISTS):
        return (list,)
    if isinstance(field, (serializers.Serializer, fields.DictField)):
        return (dict,)
    if isinstance(field, fields.ChoiceField):
        return tuple({type(choice) for choice in field.choices}) or None
    if isinstance(field, (fields.IntegerField, relations.PrimaryKeyRelatedField)):
        return (int,)
    if isinstance(field, (fields.FloatField, fields.DecimalField)):
        return (int, float)
    if isinstance(field, (fields.CharField, fields.DateField, relations.SlugRelatedField)):
        return (str,)
    return None


def type_errors(field: fields.Field, value: Any) -> list[str] | dict[str, Any]:
    """What is wrong with the type of `value` for `field`, in DRF's error shape; empty if fine."""
    if value is None:
        return []  # the field itself says whether null is allowed
    expected = _expected(field)
    # bool is an int to Python, never to JSON.
    wrong_bool = isinstance(value, bool) and bool not in (expected or (bool,))
    if expected and (wrong_bool or not isinstance(value, expected)):
        wanted = " or ".join(TYPE_NAMES.get(kind, kind.__name__) for kind in expected)
        return [f"Must be {wanted}, not {_shown(value)}."]
    if isinstance(value, str) and "\x00" in value and isinstance(field, relations.RelatedField):
        # Looked up before any validator runs; PostgreSQL refuses NUL in a query (a 500).
        return ["Remove the NUL character (\\x00)."]
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if isinstance(value, list) and child is not None:
        return {str(i): errs for i, item in enumerate(value) if (errs := type_errors(child, item))}
    if isinstance(value, dict) and isinstance(field, serializers.Serializer):
        return object_type_errors(field, value)
    if isinstance(value, dict) and isinstance(field, fields.DictField):
        child = field.child
        return {key: errs for key, item in value.items() if (errs := type_errors(child, item))}
    return []


def object_type_errors(serializer: serializers.Serializer, data: Mapping[str, Any]) -> dict:
    """The type errors of each writable field sent in `data`."""
    return {
        name: errors
        for name, field in serializer.fields.items()
        if not field.read_only and name in data and (errors := type_errors(field, data[name]))
    }


class JsonBody(serializers.Serializer):
    """A serializer of JSON bodies: values of the wrong JSON type are a 400 naming the field."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and (errors := object_type_errors(self, data)):
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
