"""Requests that take effect once: the API's `Idempotency-Key`, the pages' one-time form tokens
(`form_save_once`) and a spreadsheet preview's confirmation all claim a `OnceKey` row in the
transaction of their write. A page's delete checks the form's version the same way as its save
(`form_delete_checked`).

Two requests with one key at the same moment: the second's insert waits on the unique index
until the first commits, then finds the row and gives the first answer; if the first rolled back
(a refused input), the second runs as if it were first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from calendarapp.lib.forms import GuardedForm
from calendarapp.lib.writes import locked
from calendarapp.models import OnceKey

# A key is remembered this long (the IETF draft's usual window); then it may be used again.
ONCE_HOURS = 24


def _cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=ONCE_HOURS)


def once_claim(*, user: Any, key: str, fingerprint: str = "") -> tuple[OnceKey, bool]:
    """Claim `key` for `user` inside the caller's transaction: (the row, True) for the first
    request, (the first request's row, False) for any later one within ONCE_HOURS."""
    assert transaction.get_connection().in_atomic_block, "claim inside the write's transaction"
    OnceKey.objects.filter(user=user, key=key, created_at__lt=_cutoff()).delete()
    try:
        # A savepoint: a duplicate key must not spoil the caller's transaction.
        with transaction.atomic():
            return OnceKey.objects.create(user=user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        return OnceKey.objects.get(user=user, key=key), False


def once_found(*, user: Any, key: str) -> OnceKey | None:
    """The claim of `key` by `user` within ONCE_HOURS, if any."""
    return OnceKey.objects.filter(user=user, key=key, created_at__gte=_cutoff()).first()


def once_answer(*, claim: OnceKey, status: int, answer: Any) -> None:
    """Keep the first request's answer with its key, to give it again."""
    claim.status = status
    claim.answer = answer
    claim.save(update_fields=["status", "answer"])


def once_keys_purge() -> int:
    """Forget the keys older than ONCE_HOURS; the number forgotten."""
    deleted, _ = OnceKey.objects.filter(created_at__lt=_cutoff()).delete()
    return deleted


SENT_TWICE = "That form was sent twice; it was saved once."


def form_save_once(
    request: HttpRequest, form: GuardedForm, write: Callable[[], str]
) -> HttpResponse | None:
    """Save a valid page form by `write` (which answers where to go next) once for its one-time
    token: a second submit (a double click) saves nothing and lands where the first did.

    None, having saved nothing, when someone else saved the record since the form was rendered:
    show the form again with both values. A ValidationError from `write` rolls back and rises.
    """
    key = f"form:{form.once}" if form.once else ""
    with transaction.atomic():
        # Before the version: after our own first submit the record's version is no longer the
        # form's.
        if key:
            claim, first = once_claim(user=request.user, key=key)
            if not first:
                return _landed(request, claim)
        # Compared on the locked row: a save of the same field a moment earlier is seen, and
        # none can come between this check and our write.
        if form.saved_meanwhile(locked(form.record) if form.record is not None else None):
            # The token's claim too: the form shown again carries it, to be sent once more.
            transaction.set_rollback(True)
            return None
        location = write()
        if key:
            once_answer(claim=claim, status=302, answer={"location": location})
    return HttpResponseRedirect(location)


def form_delete_checked(form: GuardedForm, delete: Callable[[Any], None]) -> bool:
    """Delete the form's record by `delete` (given its locked row) unless someone else changed
    it since the form was rendered: then False, nothing deleted, and the form says what changed
    (so it is not valid). A record deleted already is `RecordGone` (a 404)."""
    with transaction.atomic():
        # Compared on the locked row, as a save is: no change can come between check and delete.
        row = locked(form.record)
        if form.delete_refused(row):
            return False
        delete(row)
    return True


def _landed(request: HttpRequest, claim: OnceKey) -> HttpResponse:
    messages.info(request, SENT_TWICE)
    return HttpResponseRedirect(claim.answer.get("location", "/"))
