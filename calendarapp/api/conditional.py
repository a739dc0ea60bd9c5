"""Conditional and repeatable API writes: `ETag` / `If-Match` on one record, `Idempotency-Key` on
POST (RFC 9110 §13.1.1; the IETF httpapi Idempotency-Key draft).

A record's ETag is the version (`lib/versions.py`) of the fields a client may write, so a stale
`If-Match` answers 412 naming the fields changed since; read-only fields (a touch status, "stale")
change with the day and would refuse writes no one raced. The comparison runs with the row locked,
in the transaction of the write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from calendarapp.lib.versions import changed_since, version_of
from calendarapp.once import once_answer, once_claim

CHANGED = "Changed by someone else since you read it."
KEY_REUSED = "This key was used for another request in the last 24 hours; use a new key."
KEY_FORMAT = "Send 1 to 255 printable ASCII characters."
REPLAYED = "Idempotent-Replayed"


class PreconditionFailed(exceptions.ValidationError):
    """412 in the errors shape: each field changed since the client's `If-Match`."""

    status_code = status.HTTP_412_PRECONDITION_FAILED


class KeyReused(exceptions.ValidationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


class ConditionalRecordMixin:
    """One record's GET gives its `ETag`; PATCH, PUT and DELETE honour an optional `If-Match`."""

    def _writable(self, data: Any) -> dict[str, Any]:
        """The representation's fields a client may write: what its version is made of."""
        serializer: Any = self.get_serializer()  # type: ignore[attr-defined]
        fields = serializer.fields.items()
        return {name: data[name] for name, field in fields if not field.read_only and name in data}

    def etag_of(self, data: Any) -> str:
        """The quoted ETag of a record's representation."""
        return f'"{version_of(self._writable(data))}"'

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        response["ETag"] = self.etag_of(response.data)
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = self._if_match(super().update, request, *args, **kwargs)  # type: ignore[misc]
        response["ETag"] = self.etag_of(response.data)
        return response

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._if_match(super().destroy, request, *args, **kwargs)  # type: ignore[misc]

    def _if_match(self, write: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        wanted = request.headers.get("If-Match")
        if wanted is None:
            return write(request, *args, **kwargs)
        view: Any = self
        with transaction.atomic():
            # Locked before it is read, so no write lands between the comparison and ours.
            model = view.get_queryset().model
            lookup = view.lookup_url_kwarg or view.lookup_field
            list(model._default_manager.select_for_update().filter(pk=view.kwargs[lookup]))
            current = view.get_serializer(view.get_object()).data
            if (errors := self._stale(wanted, current)) is not None:
                raise PreconditionFailed(errors)
            return write(request, *args, **kwargs)

    def _stale(self, wanted: str, current: Any) -> dict[str, list[str]] | None:
        """None when `If-Match` holds (`*`, or one of its ETags is the record's now); else the
        errors: each field changed since the first readable ETag, or the header itself."""
        now = self.etag_of(current)
        tags = [tag.strip() for tag in wanted.split(",")]
        if "*" in tags or now in tags:
            return None
        values = self._writable(current)
        for tag in tags:
            if len(tag) > 1 and tag[0] == tag[-1] == '"':
                if changed := changed_since(tag[1:-1], values):
                    return {name: [CHANGED] for name in changed}
        return {"If-Match": [f"Not a version of this record; read it again (now {now})."]}


def _plain(value: Any) -> Any:
    """A body's value for its fingerprint: an uploaded file by its content's hash."""
    if hasattr(value, "chunks"):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return digest.hexdigest()
    return value


def _fingerprint(request: Request) -> str:
    data: Any = request.data
    # A form or multipart body holds lists of values; a JSON body is already plain.
    items = dict(data.lists()) if hasattr(data, "lists") else data
    plain = (
        {k: [_plain(v) for v in vs] for k, vs in items.items()} if hasattr(data, "lists") else items
    )
    body = json.dumps(plain, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


class IdempotentPostMixin:
    """POST with an `Idempotency-Key`: the same key (per user) within 24 hours gives the first
    answer again and creates nothing; the same key with another request is a 422."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        return self.idempotent(request, lambda: view.create(request, *args, **kwargs))

    def idempotent(self, request: Request, write: Callable[[], Response]) -> Response:
        """Answer the POST by `write`, or by the first answer to its `Idempotency-Key`."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return write()
        if not (1 <= len(key) <= 255 and key.isascii() and key.isprintable()):
            raise exceptions.ValidationError({"Idempotency-Key": [KEY_FORMAT]})
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            claim, first = once_claim(user=request.user, key=f"api:{key}", fingerprint=fingerprint)
            if not first:
                if claim.fingerprint != fingerprint:
                    raise KeyReused({"Idempotency-Key": [KEY_REUSED]})
                assert claim.status is not None
                return Response(claim.answer, status=claim.status, headers={REPLAYED: "true"})
            response = write()
            if status.is_success(response.status_code):
                once_answer(claim=claim, status=response.status_code, answer=response.data)
            else:
                # Only a success is kept; a refusal frees the key to be tried again.
                transaction.set_rollback(True)
            return response
