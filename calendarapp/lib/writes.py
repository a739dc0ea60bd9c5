"""Writes that change only what they were given, on the row as it is now.

A write function of a stored row locks it (`locked`), sets the fields it was given on the
locked row, validates, and saves only the columns that changed (`save_changes`): two people
changing different fields of one record both keep their change, and a row deleted meanwhile
is `RecordGone` (a 404), never inserted again. A deadlock or serialization failure is retried
once (`retried_once`), then `WriteConflict` (a 409): the database is up, two writes crossed.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import OperationalError, models, transaction
from django.http import Http404

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

# PostgreSQL's deadlock_detected and serialization_failure: the transaction may simply run again.
CONFLICT_STATES = frozenset({"40P01", "40001"})
# SQLite's equivalent: another connection holds the write lock past the busy timeout.
SQLITE_BUSY = ("database is locked", "database table is locked")


class RecordGone(Http404):
    """The row was deleted before this write reached it; pages and the API answer 404."""

    def __init__(self, noun: str) -> None:
        super().__init__(f"This {noun} was deleted meanwhile; nothing was saved.")


class WriteConflict(Exception):
    """Two writes crossed twice in a row; pages and the API answer 409, the database is fine."""

    def __init__(self, noun: str) -> None:
        self.noun = noun
        super().__init__(conflict_message(noun))


def conflict_message(noun: str) -> str:
    return f"This {noun} was changed by someone else at the same time; try again."


def is_conflict(error: BaseException) -> bool:
    """A deadlock, a serialization failure or SQLite's busy lock: worth running again."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in CONFLICT_STATES:
        return True
    return any(text in str(error) for text in SQLITE_BUSY)


def retried_once(noun: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a write again once after a conflict, then raise `WriteConflict` naming `noun`.

    Only the outermost transaction can run again (PostgreSQL aborts the whole one), so inside
    a caller's transaction the conflict goes up to whoever opened it.
    """

    def decorate(write: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(write)
        def retried(*args: P.args, **kwargs: P.kwargs) -> R:
            if transaction.get_connection().in_atomic_block:
                return write(*args, **kwargs)
            try:
                return write(*args, **kwargs)
            except OperationalError as error:
                if not is_conflict(error):
                    raise
            try:
                return write(*args, **kwargs)
            except OperationalError as error:
                if not is_conflict(error):
                    raise
                raise WriteConflict(noun) from error

        return retried

    return decorate


def locked(instance: M, *related: str) -> M:
    """The stored row of `instance` (with its `related` rows read, not locked), locked until the
    transaction ends; `RecordGone` if deleted.

    Call inside `transaction.atomic()`. The row is read afresh: whatever a form or a serializer
    set on `instance` is not on it.
    """
    model = type(instance)
    # Only its own row: a nullable relation is the outer side of a join PostgreSQL cannot lock.
    rows = model._default_manager.select_for_update(of=("self",))
    if related:  # select_related() without names would follow every relation
        rows = rows.select_related(*related)
    try:
        return rows.get(pk=instance.pk)
    except ObjectDoesNotExist:
        raise RecordGone(str(model._meta.verbose_name)) from None


def stored_values(row: models.Model) -> dict[str, Any] | None:
    """The columns of `row` as they are now (None for a row not yet saved), for `save_changes`."""
    if row.pk is None:
        return None
    fields = row._meta.concrete_fields
    # Copied: a JSON list changed in place must still differ from what was stored.
    return copy.deepcopy({f.attname: getattr(row, f.attname) for f in fields if not f.primary_key})


def save_changes(row: models.Model, before: dict[str, Any] | None) -> list[str]:
    """Insert `row` (`before` None), or update only its columns that differ from `before`.

    Returns the changed columns' names; a column nobody changed is not written, so a concurrent
    change of it stays. Its `auto_now` stamps are written with them.
    """
    if before is None:
        row.save()
        return list(stored_values(row) or {})
    changed = [name for name, value in (stored_values(row) or {}).items() if value != before[name]]
    if changed:
        stamps = [f.attname for f in row._meta.concrete_fields if getattr(f, "auto_now", False)]
        row.save(update_fields=sorted({*changed, *stamps}))
    return changed


def fields_saved(instance: models.Model, names: Iterable[str] | None) -> None:
    """Insert `instance` (`names` None), or write only its `names` fields onto its stored row,
    locked: its other fields stay as they are now (`RecordGone` if deleted meanwhile)."""
    if names is None:
        instance.save()
        return
    wanted = set(names)
    with transaction.atomic():
        row = locked(instance)
        before = stored_values(row)
        for field in row._meta.concrete_fields:
            if field.name in wanted:
                setattr(row, field.attname, getattr(instance, field.attname))
        save_changes(row, before)


def deleted(instance: models.Model) -> None:
    """Delete the stored row of `instance`, locked first (as every edit locks it first, so an
    edit and a delete queue up instead of deadlocking); `RecordGone` if it is gone already."""
    with transaction.atomic():
        locked(instance).delete()
