"""A customer page's body, remembered per process and renewed from the change log.

Writing the body costs about forty queries and a large template; a look with nothing changed
asks the change log once (`changes_since`) whether anything the page shows changed since it was
written: the customer's own rows (the log names the customer for every table the page reads,
`PAGE_MODELS` included), its country's local traditions and imports, the plans, a user's name.
If nothing did, the body is served as written. Otherwise it is written again.

A body depends on its viewer only through what they may change (their permissions, and whether
they own the customer), on the day, the year shown, the settings the page reads, and the next
meeting booked, which passes with the clock: each is part of the key of a body. The CSRF token
of its forms is the request's own, put in when the body is served.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone

from calendarapp.occurrences.stream import source_settings
from calendarapp.occurrences.version import ChangeMark, Changes, change_mark, changes_since

# The characters of HTML a process keeps, about as many bytes: some 450 bodies of 35 kB, of one
# customer's page for as many viewers as differ in what they may change, or next meetings.
BODIES_KEPT_CHARS = 16_000_000
# Written where a form's CSRF token goes, and replaced by the request's own when served.
CSRF_TOKEN_SLOT = "csrf-token-of-the-request-serving-this-page"


@dataclass(frozen=True)
class Written:
    """A body as `write` made it, and the facts its key needs."""

    html: str
    name: str
    country: str
    owner_id: int | None
    # The meetings booked from the moment it was written on, (id, start) by start.
    booked: tuple[tuple[int, datetime.datetime], ...]


@dataclass
class _Page:
    """The bodies of one customer's page for one year and day, and how far the log was read."""

    day: datetime.date
    mark: ChangeMark
    written: Written
    bodies: dict[Hashable, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(html) for html in self.bodies.values())


class RememberedPages:
    """The customer pages this process wrote lately, least recently used first out, bounded by
    their bodies' total size (`BODIES_KEPT_CHARS`)."""

    def __init__(self) -> None:
        self._pages: OrderedDict[Hashable, _Page] = OrderedDict()
        self._lock = threading.Lock()
        self.size = 0

    def body(
        self,
        request: HttpRequest,
        customer_id: int,
        year: int,
        today: datetime.date,
        write: Callable[[], Written],
    ) -> Written:
        """The body of `customer_id`'s page for `year` as `request`'s user sees it, remembered
        or written by `write` (which raises Http404 for a customer gone)."""
        key = (customer_id, year, *source_settings(), settings.INTEREST_STALE_DAYS)
        with self._lock:
            page = self._pages.get(key)
        if page is not None and page.day == today:
            changes, mark = changes_since(page.mark)
            if _concerns(changes, customer_id, page.written.country):
                page = None
            else:
                page.mark = mark  # the next look reads the log from here
                variant = _variant(request, page.written, _next_booked(page.written))
                if (html := page.bodies.get(variant)) is not None:
                    with self._lock:
                        self._pages.move_to_end(key)
                    return with_csrf_token(request, replace(page.written, html=html))
        else:
            # The mark first: data changed after it is read is reported at the next look.
            mark = change_mark()
            page = None
        written = write()
        if page is None:
            page = _Page(today, mark, written)
        # The meeting the body shows is the first booked when it was written.
        shown = written.booked[0][0] if written.booked else None
        self._keep(key, page, _variant(request, written, shown), written.html)
        return with_csrf_token(request, written)

    def _keep(self, key: Hashable, page: _Page, variant: Hashable, html: str) -> None:
        with self._lock:
            if (previous := self._pages.pop(key, None)) is not None:
                self.size -= previous.size
            page.bodies[variant] = html
            self._pages[key] = page
            self.size += page.size
            while self.size > BODIES_KEPT_CHARS and self._pages:
                _, dropped = self._pages.popitem(last=False)
                self.size -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0


REMEMBERED_PAGES = RememberedPages()


def _concerns(changes: Changes, customer_id: int, country: str) -> bool:
    return (
        changes.everything
        or changes.plans
        or customer_id in changes.customers
        or country in changes.countries
    )


def _next_booked(written: Written) -> int | None:
    now = timezone.now()
    return next((pk for pk, start in written.booked if start >= now), None)


def _variant(request: HttpRequest, written: Written, booked: int | None) -> Hashable:
    """What a body depends on beside the data: what its viewer may change, the next meeting."""
    user: Any = request.user
    return (
        frozenset(user.get_all_permissions()),
        user.is_superuser,
        written.owner_id == user.pk,
        booked,
    )


def with_csrf_token(request: HttpRequest, written: Written) -> Written:
    """`written` with the request's own CSRF token in its forms."""
    if CSRF_TOKEN_SLOT not in written.html:
        return written
    return replace(written, html=written.html.replace(CSRF_TOKEN_SLOT, get_token(request)))
