"""The "all customers" feed written, cached and sent in slices, so an edit re-renders one slice.

A slice is the events of a block of customers (`BLOCK` of them, by id) or the
regional events (public holidays, local traditions, regional imports) of one
country. Each is cached on its own as raw deflate ending on a byte boundary,
with its length and CRC-32; the body is a gzip header, the slices as they
are, an empty final block and a trailer whose CRC is combined from the
slices' (zlib's crc32_combine), so nothing is compressed again to send it.

Which slices are fresh is the change log's to say (`occurrences/version.py`):
a manifest in the cache keeps the mark it was written under and the key of
each slice. A request reads what changed since then and renders only the
blocks of the changed customers and the slices of the changed countries (and
any slice the cache lost), while it sends the others from the cache. Each
slice is built with its own small calendar (`reuse=False`): the process keeps
no occurrences of the feed, so a build of 20,000 customers holds one block's
worth at a time. Slices are sent in a fixed order; calendar clients do not
read meaning into the order of events.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from calendarapp.feeds import ical
from calendarapp.kinds import TOUCH_DUE
from calendarapp.lib.cache import cache_get, cache_set
from calendarapp.lib.urls import site_host
from calendarapp.occurrences.stream import (
    calendar_between,
    collector_paused,
    regional_between,
    subscription_window,
)
from calendarapp.occurrences.version import ChangeMark, changes_since
from customers.models import Customer

# Customers per slice, by id: an edit re-renders this many customers' events.
BLOCK = 256
GZIP_LEVEL = 1
CACHE_SECONDS = 24 * 3600
# A gzip member's header (no name, no time) and, after the slices, an empty final block.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
FINAL_BLOCK = b"\x03\x00"
# The gzip header, the final block and the trailer's CRC and length.
GZIP_FRAME = len(GZIP_HEADER) + len(FINAL_BLOCK) + 8
CRC_POLY = 0xEDB88320


@dataclass(frozen=True)
class Slice:
    """One slice as cached: raw deflate, its unpacked length, CRC-32 and length shift."""

    packed: bytes
    length: int
    crc: int
    # x^(8·length) mod the CRC polynomial: what combining a CRC across this slice takes.
    shift: int


@dataclass(frozen=True)
class Manifest:
    """The slices of one feed's body under a change-log mark, by name to cache key."""

    mark: ChangeMark
    keys: dict[str, str]


def _multiply(a: int, b: int) -> int:
    """a·b modulo the CRC-32 polynomial, in zlib's reflected bit order (its multmodp)."""
    m, product = 1 << 31, 0
    while True:
        if a & m:
            product ^= b
            if not a & (m - 1):
                return product
        m >>= 1
        b = (b >> 1) ^ CRC_POLY if b & 1 else b >> 1


def _powers() -> list[int]:
    powers = [1 << 30]  # x^1
    for _ in range(31):
        powers.append(_multiply(powers[-1], powers[-1]))
    return powers


X_POWERS = _powers()  # x^(2^k) for k = 0..31


def crc_shift(length: int) -> int:
    """x^(8·length) modulo the polynomial (zlib's x2nmodp(length, 3))."""
    product, k = 1 << 31, 3
    while length:
        if length & 1:
            product = _multiply(X_POWERS[k & 31], product)
        length >>= 1
        k += 1
    return product


def crc_combine(crc: int, following: Slice) -> int:
    """The CRC-32 of bytes with CRC `crc` followed by the slice's bytes."""
    return _multiply(following.shift, crc) ^ following.crc


def packed_slice(data: bytes) -> Slice:
    """Compress `data` on its own, ending on a byte boundary so that slices concatenate."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    packed = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Slice(packed, len(data), zlib.crc32(data), crc_shift(len(data)))


def gzip_of(slices: Iterable[Slice]) -> Iterator[bytes]:
    """One gzip member of the slices, as they are sent: header, slices, final block, trailer."""
    yield GZIP_HEADER
    crc, length = 0, 0
    for piece in slices:
        yield piece.packed
        crc, length = crc_combine(crc, piece), length + piece.length
    yield FINAL_BLOCK + struct.pack("<II", crc, length & 0xFFFFFFFF)


def unpacked(slices: Iterable[Slice]) -> Iterator[bytes]:
    """The slices' bytes as they were, for a client that takes no gzip."""
    for piece in slices:
        yield zlib.decompressobj(-zlib.MAX_WBITS).decompress(piece.packed)


@dataclass(frozen=True)
class SlicedBody:
    """The slices, head and tail included, and the body's length plain and gzipped if known."""

    slices: Iterator[Slice]
    length: int | None
    packed_length: int | None


@dataclass(frozen=True)
class SlicedFeed:
    """What a feed of every active customer needs to be sent in slices."""

    title: str
    description: str
    kinds: frozenset[str] | None
    # What besides data makes the bytes differ: the feed, kinds, day and settings.
    base_key: str
    presenter: Callable[[dict[int, str], dict[int, datetime.datetime]], ical.Presenter]

    def body(self, today: datetime.date) -> SlicedBody:
        """The slices to send, rendering those the data changed; lengths when all were kept."""
        manifest_key = f"feed-slices:{self.base_key}"
        manifest = cache_get(manifest_key)
        if not isinstance(manifest, Manifest):
            manifest = Manifest(ChangeMark(last_id=-1), {})
        # Read before the data: a change while slices are rendered is news at the next request.
        changes, mark = changes_since(manifest.mark)
        regions: dict[str, set[tuple[str, str]]] = {}
        if changes:
            # Who is active, and in which regions, changes only with a customer.
            active = Customer.objects.filter(active=True)
            blocks = sorted({pk // BLOCK for pk in active.order_by().values_list("id", flat=True)})
            regions = _active_regions()
            names = [f"region-{country}" for country in sorted(regions)]
            names += [f"block-{block}" for block in blocks]
        else:
            names = list(manifest.keys)
        stale_blocks = {pk // BLOCK for pk in changes.customers}
        if changes.countries and self.kinds is not None and TOUCH_DUE in self.kinds:
            # A next touch steps around its country's days: their customers' blocks change too.
            there = Customer.objects.filter(active=True, country__in=changes.countries)
            stale_blocks |= {pk // BLOCK for pk in there.order_by().values_list("id", flat=True)}
        keys: dict[str, str] = {}
        pieces: dict[str, Slice] = {}
        for name in names:
            key = manifest.keys.get(name)
            stale = (
                changes.everything
                or key is None
                or (name.startswith("block-") and int(name[6:]) in stale_blocks)
                or (name.startswith("region-") and name[7:] in changes.countries)
                # A region slice's key names its subdivisions: a new one renders it again.
                or (
                    bool(changes)
                    and name.startswith("region-")
                    and not key.endswith(_regions_digest(regions, name))
                )
            )
            cached = None if stale or key is None else cache_get(key)
            if isinstance(cached, Slice):
                keys[name], pieces[name] = key, cached  # type: ignore[assignment]
        if len(pieces) < len(names) and not regions:  # the cache lost a slice
            regions = _active_regions()
        # Unique to this render: on PostgreSQL a change may commit after the mark's newest row,
        # so one mark does not name one content; two renders of a slice must never share a key
        # (a slower render without the late change would overwrite a newer one under it).
        fresh_key = f"{mark.last_id}-{mark.token}-{secrets.token_hex(6)}"
        head = packed_slice(ical.calendar_head(self.title, self.description, with_timezone=True))
        tail = packed_slice(ical.CALENDAR_TAIL)

        def slices() -> Iterator[Slice]:
            yield head
            for name in names:
                piece = pieces.get(name)
                if piece is None:
                    piece = self._render(name, today, regions)
                    keys[name] = key = f"feed-slice:{self.base_key}:{name}:{fresh_key}" + (
                        _regions_digest(regions, name) if name.startswith("region-") else ""
                    )
                    cache_set(key, piece, CACHE_SECONDS)
                yield piece
            yield tail
            # Last: a manifest names only slices already in the cache.
            cache_set(manifest_key, Manifest(mark, {n: keys[n] for n in names}), CACHE_SECONDS)

        if len(pieces) < len(names):
            return SlicedBody(slices(), None, None)
        kept = [head, *pieces.values(), tail]
        return SlicedBody(
            slices(),
            sum(piece.length for piece in kept),
            GZIP_FRAME + sum(len(piece.packed) for piece in kept),
        )

    def _head(self) -> bytes:
        # The UTC VTIMEZONE always: a calendar needs a component even when it has no events.
        return ical.calendar_head(self.title, self.description, with_timezone=True)

    def _render(self, name: str, today: datetime.date, regions: dict[str, set]) -> Slice:
        start, end = subscription_window(today)
        with collector_paused():
            if name.startswith("region-"):
                occurrences = regional_between(
                    start, end, regions=frozenset(regions[name[7:]]), kinds=self.kinds
                )
                names: dict[int, str] = {}
                stamps: dict[int, datetime.datetime] = {}
            else:
                block = int(name[6:])
                customers = Customer.objects.filter(
                    active=True, id__gte=block * BLOCK, id__lt=(block + 1) * BLOCK
                )
                calendar = calendar_between(
                    start,
                    end,
                    customers=customers,
                    kinds=self.kinds,
                    include_plans=False,
                    reuse=False,
                )
                occurrences = [o for o in calendar.occurrences if o.customer_id is not None]
                names = {customer.id: customer.name for customer in calendar.customers}
                stamps = dict(customers.values_list("id", "updated_at"))
            writer = ical.EventWriter(self.presenter(names, stamps), host=site_host())
            return packed_slice(b"".join(writer.write(o) for o in occurrences))


def _active_regions() -> dict[str, set[tuple[str, str]]]:
    """The regions of the active customers, by country (a country's own is (country, ""))."""
    regions: dict[str, set[tuple[str, str]]] = {}
    active = Customer.objects.filter(active=True)
    for country, subdivision in active.order_by().values_list("country", "subdivision").distinct():
        regions.setdefault(country, set()).update({(country, ""), (country, subdivision)})
    return regions


def _regions_digest(regions: dict[str, set[tuple[str, str]]], name: str) -> str:
    """A short digest of one country's regions, so that a new subdivision renders it again."""
    chosen = sorted(regions.get(name[7:], ()))
    return ":" + hashlib.sha256(repr(chosen).encode()).hexdigest()[:12]
