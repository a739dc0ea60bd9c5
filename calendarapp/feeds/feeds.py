"""iCal subscription feeds, in the spirit of Django's syndication `Feed`.

Each feed class gets its object (raising `Http404` when it is missing or
not the token user's to see), lists its items from `calendar_between`, and
renders them with `calendarapp.ical`. A rendered body is cached under a key
built from the data version (one row that triggers renew on every change),
so an unchanged calendar is served from the cache and answers conditional
requests with 304 without being rebuilt.

Bodies are written, sent and cached in parts (`ical.PART_BYTES`): the "all
customers" feed of 20,000 customers is some 300 MB, which no process holds
whole. The parts are cached gzipped (one gzip stream cut where the parts
are), as they are sent, and an index of them last, so that a reader finds a
whole body or none. Calendar clients ask for gzip and get the cached bytes
as they are; any other client gets them unpacked as they are sent.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from calendarapp.feeds import ical, slices
from calendarapp.kinds import ALL_KINDS, IN_PERSON, OUR_KINDS
from calendarapp.lib import countries
from calendarapp.lib.cache import cache_delete, cache_get, cache_has_all, cache_set
from calendarapp.lib.names import display_name
from calendarapp.lib.urls import site_host, site_url
from calendarapp.models import Plan
from calendarapp.occurrences.stream import calendar_between, collector_paused, subscription_window
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.version import data_version
from calendarapp.roles import can_read_calendar, can_read_plans
from customers.models import Customer

logger = logging.getLogger(__name__)

CACHE_SECONDS = 24 * 3600
# Rendered VEVENT lines by source row, shared by all feeds of this process (see ical).
_ROW_MEMO = ical.RowMemo()
# zlib's fastest level: a feed's text still shrinks about tenfold, for a fraction of the build.
GZIP_LEVEL = 1
GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer, as Content-Encoding: gzip wants
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class BadParameter(ValueError):
    """A query parameter has a value the feed cannot use: the feed answers 400."""


def parse_kinds(value: str | None) -> frozenset[str] | None:
    """Read the `kinds` parameter ("budget_close,contract_renewal"); None means every kind."""
    if value is None:
        return None
    wanted = frozenset(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(wanted - set(ALL_KINDS))
    if unknown or not wanted:
        shown = ", ".join(unknown) or "nothing"
        raise BadParameter(
            f"The kinds parameter names unknown kinds ({shown}); "
            f"use a comma-separated list of: {', '.join(ALL_KINDS)}."
        )
    return wanted


def forget_rendered_rows() -> None:
    """Drop the rows remembered across builds (for measuring a fresh process)."""
    _ROW_MEMO.clear()


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether a client's Accept-Encoding header takes gzip (as every calendar client's does)."""
    return bool(ACCEPTS_GZIP.search(accept_encoding))


@dataclass(frozen=True)
class FeedBody:
    """A feed's bytes as parts read one by one; `length` is known when they come from the cache."""

    parts: Iterator[bytes]
    length: int | None
    gzipped: bool = False


@dataclass(frozen=True)
class FeedVersion:
    cache_key: str
    etag: str
    last_modified: datetime.datetime
    today: datetime.date
    # What makes the bytes differ but data: for caches renewed by what changed (slices).
    base_key: str = ""


class Presenter:
    """How a feed shows its occurrences: summary, link, last change, busy or free."""

    def __init__(
        self, customer_names: dict[int, str], customer_stamps: dict[int, datetime.datetime]
    ):
        self.customer_names = customer_names
        self.customer_stamps = customer_stamps
        self.base = site_url(https=True)
        self._urls: dict[int | tuple[str, int | str | None], str] = {}

    def summary(self, occurrence: Occurrence) -> str:
        if occurrence.ours:
            return f"Plan: {occurrence.title}"
        if occurrence.customer_id is not None:
            name = self.customer_names.get(occurrence.customer_id, "Customer")
            return f"{name}: {occurrence.title}"
        region = occurrence.country
        if occurrence.subdivision:
            region += f"-{occurrence.subdivision}"
        return f"{occurrence.title} ({region})"

    def url(self, occurrence: Occurrence) -> str:
        """The item's page: its plan, its customer, or its country."""
        target: int | tuple[str, int | str | None]
        if occurrence.customer_id is not None:
            target = occurrence.customer_id  # the common case: no tuple to build
        elif occurrence.ours:
            target = ("plan-edit", occurrence.source_id)
        else:
            target = ("country-detail", occurrence.country)
        url = self._urls.get(target)
        if url is None:
            name, arg = target if isinstance(target, tuple) else ("customer-detail", target)
            url = self._urls[target] = self.base + reverse(name, args=[arg])
        return url

    def stamp(self, occurrence: Occurrence) -> datetime.datetime:
        """The last change of the item, or of its customer (whose name is in the summary)."""
        updated = occurrence.updated_at
        customer_stamp = self.customer_stamps.get(occurrence.customer_id or 0)
        if updated is None or (customer_stamp is not None and customer_stamp > updated):
            updated = customer_stamp
        if updated is not None:
            return updated
        # Generated items (public holidays) have no row: a stamp fixed by their year keeps
        # the bytes identical across requests.
        return datetime.datetime(occurrence.start.year - 1, 1, 1, tzinfo=datetime.UTC)

    def transparent(self, occurrence: Occurrence) -> bool:
        return occurrence.kind not in IN_PERSON

    def fingerprint(self, occurrence: Occurrence) -> tuple:
        customer_id = occurrence.customer_id
        return (
            occurrence.source,
            occurrence.source_id,
            occurrence.phase,
            occurrence.id if occurrence.source_id is None else "",
            occurrence.updated_at,
            occurrence.title,
            occurrence.kind,
            occurrence.lead_time_days,
            occurrence.country,
            customer_id,
            self.customer_names.get(customer_id or 0),
            self.customer_stamps.get(customer_id or 0),
            self.base,
        )


class Feed:
    """One kind of feed. Subclasses say which object it is about and which items it lists."""

    slug: ClassVar[str]
    include_plans: ClassVar[bool] = False
    # The kinds a feed lists, when it lists only some; the calendar builds no others.
    item_kinds: ClassVar[frozenset[str] | None] = None
    # The kinds without ?kinds=; None is the stream's default (no touches: those are asked for).
    default_kinds: ClassVar[frozenset[str] | None] = None

    def get_object(self, user, **kwargs: Any) -> Any:
        """Return what the feed is about; raise Http404 when it is missing or not the user's."""
        if not can_read_calendar(user):
            raise Http404("No feed has this address.")
        return None

    def title(self, obj: Any, user) -> str:
        raise NotImplementedError

    def description(self, obj: Any, user) -> str:
        return "Customer Calendar: " + self.title(obj, user)

    def scope(self, obj: Any, user) -> dict[str, Any]:
        """Keyword arguments for `calendar_between` that select this feed's occurrences."""
        raise NotImplementedError

    def items(self, obj: Any, user, occurrences: Sequence[Occurrence]) -> Iterable[Occurrence]:
        return occurrences

    def cache_key(self, obj: Any, user) -> str:
        """What, besides data and window, makes this feed's bytes differ."""
        return ""

    def filename(self, obj: Any) -> str:
        return f"{self.slug}.ics"

    def version(self, obj: Any, user, kinds: frozenset[str] | None) -> FeedVersion:
        """Identify the feed's bytes without building them: ETag, Last-Modified, cache key."""
        today = timezone.localdate()
        data = data_version()
        base_text = "|".join(
            (
                self.slug,
                self.cache_key(obj, user),
                ",".join(sorted(kinds)) if kinds is not None else "*",
                today.isoformat(),
                f"{settings.FEED_PAST_DAYS},{settings.FEED_FUTURE_DAYS},{settings.SITE_URL}",
            )
        )
        key_text = f"{base_text}|{data.fingerprint}"
        digest = hashlib.sha256(key_text.encode()).hexdigest()
        # The window moves every day, so the feed changes at least daily.
        midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        last_modified = max(filter(None, (data.latest_change, midnight)))
        base_key = hashlib.sha256(base_text.encode()).hexdigest()
        return FeedVersion(
            f"feed-parts:{digest}", f'"{digest[:32]}"', last_modified, today, base_key
        )

    def body(
        self,
        obj: Any,
        user,
        kinds: frozenset[str] | None,
        version: FeedVersion,
        *,
        gzipped: bool = False,
    ) -> FeedBody:
        """Return the feed's bytes, from the cache when no data changed since they were built.

        With `gzipped`, the bytes are the gzip of the body (Content-Encoding: gzip).
        """
        cached = _cached_body(version.cache_key, gzipped)
        if cached is not None:
            return cached
        parts = self.build(obj, user, kinds, version.today)
        return FeedBody(_kept(version.cache_key, parts, gzipped), None, gzipped)

    def build(
        self, obj: Any, user, kinds: frozenset[str] | None, today: datetime.date
    ) -> Iterator[bytes]:
        """Load the calendar now; write the body part by part as it is read."""
        start, end = subscription_window(today)
        scope = self.scope(obj, user)
        kinds = self.default_kinds if kinds is None else kinds
        if self.item_kinds is not None:
            # Build only what the feed lists (a plans feed needs no holidays).
            kinds = self.item_kinds if kinds is None else kinds & self.item_kinds
        calendar = calendar_between(
            start, end, kinds=kinds, include_plans=self.include_plans, reuse=False, **scope
        )
        names = {customer.id: customer.name for customer in calendar.customers}
        stamped = scope.get("customers")
        stamps = dict(stamped.values_list("id", "updated_at")) if stamped is not None else {}
        writer = ical.EventWriter(Presenter(names, stamps), host=site_host(), memo=_ROW_MEMO)
        items = self.items(obj, user, calendar.occurrences)
        title, description = self.title(obj, user), self.description(obj, user)
        return _written(writer, items, title, description)


def _written(
    writer: ical.EventWriter, items: Iterable[Occurrence], title: str, description: str
) -> Iterator[bytes]:
    with collector_paused():
        yield from ical.calendar_parts(title, description, (writer.write(i) for i in items))
    writer.done()


def _kept(key: str, parts: Iterator[bytes], gzipped: bool) -> Iterator[bytes]:
    """Pass the parts on (gzipped or not), caching each gzipped, and their index last."""
    # The cache only saves work: with Redis down the feed is built and served all the same.
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
    count, length, packed_length = 0, 0, 0
    for part in parts:
        # A sync flush ends each cached chunk where its part ends: a chunk unpacks to its part.
        packed = compressor.compress(part) + compressor.flush(zlib.Z_SYNC_FLUSH)
        cache_set(f"{key}:{count}", packed, CACHE_SECONDS)
        count, length, packed_length = count + 1, length + len(part), packed_length + len(packed)
        yield packed if gzipped else part
    trailer = compressor.flush()  # the gzip trailer, a chunk of a few bytes
    cache_set(f"{key}:{count}", trailer, CACHE_SECONDS)
    if gzipped:
        yield trailer
    # The index is written last: a body is found only once every part is in.
    cache_set(key, (count + 1, length, packed_length + len(trailer)), CACHE_SECONDS)


def _cached_body(key: str, gzipped: bool) -> FeedBody | None:
    """The cached body under `key` if every part of it is still there, else None."""
    index = cache_get(key)
    if not isinstance(index, tuple) or len(index) != 3:
        return None  # missing, or written by an older release
    count, length, packed_length = index
    part_keys = [f"{key}:{number}" for number in range(count)]
    # A cache may evict single parts; a body with a hole is rebuilt, not sent.
    if not cache_has_all(part_keys):
        return None
    packed = _cached_parts(key, part_keys)
    if gzipped:
        return FeedBody(packed, packed_length, gzipped=True)
    return FeedBody(_unpacked(packed), length)


def _unpacked(packed: Iterator[bytes]) -> Iterator[bytes]:
    """The body from its cached gzip, a part at a time."""
    decompressor = zlib.decompressobj(GZIP_WBITS)
    for chunk in packed:
        if part := decompressor.decompress(chunk):
            yield part
    if tail := decompressor.flush():
        yield tail


def _cached_parts(key: str, part_keys: list[str]) -> Iterator[bytes]:
    for part_key in part_keys:
        part = cache_get(part_key)
        if part is None:
            # Gone since it was checked: the client sees fewer bytes than Content-Length
            # said and asks again; forgetting the index makes that request rebuild.
            logger.error("Feed part %s vanished while it was sent", part_key)
            cache_delete(key)
            return
        yield part


class MyCustomersFeed(Feed):
    slug = "my-customers"
    # With each customer's next touch: the account owner's to-do.
    default_kinds = frozenset(ALL_KINDS)

    def title(self, obj: None, user) -> str:
        return f"My customers ({display_name(user)})"

    def scope(self, obj: None, user) -> dict[str, Any]:
        return {"customers": Customer.objects.filter(owner=user, active=True)}

    def cache_key(self, obj: None, user) -> str:
        return str(user.pk)


class AllCustomersFeed(Feed):
    """Every active customer's events: written, cached and sent in slices (`slices.py`)."""

    slug = "all-customers"

    def title(self, obj: None, user) -> str:
        return "All customers"

    def body(
        self,
        obj: None,
        user,
        kinds: frozenset[str] | None,
        version: FeedVersion,
        *,
        gzipped: bool = False,
    ) -> FeedBody:
        sliced = slices.SlicedFeed(
            self.title(obj, user),
            self.description(obj, user),
            self.default_kinds if kinds is None else kinds,
            version.base_key,
            Presenter,
        ).body(version.today)
        if gzipped:
            return FeedBody(slices.gzip_of(sliced.slices), sliced.packed_length, gzipped=True)
        return FeedBody(slices.unpacked(sliced.slices), sliced.length)

    def scope(self, obj: None, user) -> dict[str, Any]:
        return {"customers": Customer.objects.filter(active=True)}


class CustomerFeed(Feed):
    slug = "customer"

    # Each feed takes the arguments of its own URL, as syndication's get_object does.
    def get_object(self, user, *, customer_id: int) -> Customer:  # type: ignore[override]
        super().get_object(user)
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None:
            raise Http404(f"There is no customer {customer_id}.")
        return customer

    def title(self, obj: Customer, user) -> str:
        return obj.name

    def scope(self, obj: Customer, user) -> dict[str, Any]:
        return {"customers": Customer.objects.filter(pk=obj.pk)}

    def cache_key(self, obj: Customer, user) -> str:
        return str(obj.pk)

    def filename(self, obj: Customer) -> str:
        return f"customer-{obj.pk}.ics"


class CountryFeed(Feed):
    slug = "country"

    def get_object(self, user, *, code: str) -> str:  # type: ignore[override]
        super().get_object(user)
        code = code.upper()
        if countries.validate_country(code):
            raise Http404(f"There is no country {code}.")
        return code

    def title(self, obj: str, user) -> str:
        return f"{countries.country_name(obj)}: public holidays and local traditions"

    def scope(self, obj: str, user) -> dict[str, Any]:
        return {"countries": [obj]}

    def cache_key(self, obj: str, user) -> str:
        return obj

    def filename(self, obj: str) -> str:
        return f"country-{obj}.ics"


class PlansFeed(Feed):
    """Plans that reach at least one active customer."""

    slug = "plans-all"
    include_plans = True
    item_kinds = OUR_KINDS

    def get_object(self, user, **kwargs: Any) -> None:
        if not can_read_plans(user):
            raise Http404("No feed has this address.")

    def title(self, obj: None, user) -> str:
        return "All plans"

    def scope(self, obj: None, user) -> dict[str, Any]:
        return {"customers": Customer.objects.filter(active=True)}

    def items(self, obj: None, user, occurrences: Sequence[Occurrence]) -> Iterable[Occurrence]:
        return (occurrence for occurrence in occurrences if occurrence.ours)


class MyPlansFeed(PlansFeed):
    slug = "plans-mine"

    def title(self, obj: None, user) -> str:
        return f"My plans ({display_name(user)})"

    def items(self, obj: None, user, occurrences: Sequence[Occurrence]) -> Iterable[Occurrence]:
        mine = set(Plan.objects.filter(owner=user).values_list("id", flat=True))
        return (item for item in super().items(obj, user, occurrences) if item.source_id in mine)

    def cache_key(self, obj: None, user) -> str:
        return str(user.pk)


FEEDS: dict[str, Feed] = {
    feed.slug: feed
    for feed in (
        MyCustomersFeed(),
        AllCustomersFeed(),
        CustomerFeed(),
        CountryFeed(),
        PlansFeed(),
        MyPlansFeed(),
    )
}


def feed_url(token: str, slug: str, *, customer_id: int | None = None, country: str = "") -> str:
    """Return the absolute https URL of a feed for a token."""
    if customer_id is not None:
        path = reverse("feed-customer", args=[token, customer_id])
    elif country:
        path = reverse("feed-country", args=[token, country.upper()])
    else:
        path = reverse(f"feed-{slug}", args=[token])
    return site_url(https=True) + path
