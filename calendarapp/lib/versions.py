"""A record's version as short per-field hashes: the API's `ETag` and the pages' hidden version.

Each field's value is hashed on its own, so a stale version names the fields changed since it
was read without any version being stored: the record as it is now is hashed again and compared
field by field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

# 8 hex characters a field: a chance collision hides one change in about four billion.
HASH_CHARS = 8


def _plain(value: Any) -> Any:
    """The value as JSON can say it: a record by its id, a set of records by their sorted ids."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | set | frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        items = [_plain(item) for item in value]
        # A many-to-many field's records come in no set order; a list of values keeps its own.
        return sorted(items, key=repr) if all(isinstance(v, models.Model) for v in value) else items
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _hash(name: str, value: Any) -> str:
    text = json.dumps([name, _plain(value)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_CHARS]


def version_of(values: Mapping[str, Any]) -> str:
    """The version of these field values: one short hash a field, in the fields' name order."""
    return "".join(_hash(name, values[name]) for name in sorted(values))


def changed_since(version: str, values: Mapping[str, Any]) -> list[str] | None:
    """The fields whose value differs from `version`'s, by name; None when `version` is not a
    version of these fields (another shape, or not a version at all)."""
    names = sorted(values)
    if len(version) != HASH_CHARS * len(names):
        return None
    parts = _chunks(version)
    return [
        name for name, part in zip(names, parts, strict=True) if part != _hash(name, values[name])
    ]


def _chunks(version: str) -> Iterable[str]:
    return (version[i : i + HASH_CHARS] for i in range(0, len(version), HASH_CHARS))
