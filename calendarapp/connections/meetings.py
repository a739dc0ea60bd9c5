"""One calendar's events made touches: the rules of which meetings become touches (issue 24).

A past event with a customer's person (by email, any case) or someone at a customer's email
domain becomes one touch per customer, kept in `CalendarMeeting` by the event's UID and
occurrence, so colleagues' calendars holding the same meeting give one touch with all of them in
`our_people`. A future one is a `BookedMeeting`. Everything else is skipped and counted. A
re-sync writes only what changed; an event gone from the window (or cancelled, declined, made
private) takes this calendar off its meeting, and the touch goes with the last calendar unless a
person has edited it since (then it stays, `gone`). Reads and writes are in bulk: a constant
number of queries however many events.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone

from calendarapp.connections.reading import CalendarEvent
from calendarapp.lib import email_domains
from calendarapp.lib.writes import locked
from calendarapp.models import BookedMeeting, CalendarConnection, CalendarMeeting, MeetingAttendee
from calendarapp.models.calendars import stored_uid
from customers.models import Channel, Customer, Person, Touchpoint
from customers.services import CalendarTouch, touchpoints_log_from_calendar

# The counts of events not logged, by why (the API answers all six, zeros included).
SKIPPED = ("internal", "private", "declined", "cancelled", "no_customer", "future")
# Calendar user types that are never people: a meeting room is not a contact.
NOT_PEOPLE = frozenset({"ROOM", "RESOURCE"})
DECLINED = "DECLINED"
OCCURRENCE_MAX = 64
EMAIL_MAX = 254  # longer is no address (RFC 5321), and would not fit MeetingAttendee.email


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: touches logged, updated and removed, and events skipped by why."""

    logged: int
    updated: int
    removed: int
    skipped: dict[str, int]


def occurrence_key(occurrence: str) -> str:
    """The occurrence as stored: as reading gives it (a RECURRENCE-ID or start as UTC text, a
    day as its date), or a hash of it were it ever longer than the column."""
    if len(occurrence) <= OCCURRENCE_MAX:
        return occurrence
    return hashlib.sha256(occurrence.encode()).hexdigest()


def meeting_day(start: datetime.datetime) -> datetime.date:
    """The team's day a meeting starting at `start` (aware) is on: its touch's date."""
    return timezone.localdate(start)


def channel_of(event: CalendarEvent) -> str:
    """`video` with a conference link, else `visit` with a place, else `other`."""
    location = (event.location or "").strip()
    if event.conference_url or location.lower().startswith(("https://", "http://")):
        return Channel.VIDEO
    return Channel.VISIT if location else Channel.OTHER


def _under(domain: str) -> list[str]:
    """`domain` and the domains it is under (dk.acme.com: dk.acme.com, acme.com)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


@dataclass
class _Read:
    """An event as read for the rules: who is there, and whether it is skipped."""

    event: CalendarEvent
    uid: str
    occurrence: str
    skipped: str = ""
    # External attendees who did not decline, lower-case email -> name.
    externals: dict[str, str] = field(default_factory=dict)
    # Our users attending (not declined).
    ours: set[int] = field(default_factory=set)


@dataclass
class _Wanted:
    """One meeting of one customer as this calendar has it now."""

    key: tuple[str, str, int]
    customer: Customer
    start: datetime.datetime
    end: datetime.datetime
    date: datetime.date
    channel: str
    summary: str | None  # None: metadata only, the title is not ours to write
    people: list[Person]
    our_people: set[int]
    externals: dict[str, str]


@dataclass(frozen=True)
class _Seen:
    """What the calendar holds: its events' keys, the UIDs of single events, and the window."""

    event_keys: set[tuple[str, str]]
    single_uids: set[str]
    start: datetime.datetime
    end: datetime.datetime

    def holds_no_more(self, meeting: CalendarMeeting | BookedMeeting) -> bool:
        """Whether a meeting this calendar held and does not want now is gone from it: inside
        the window, or its event is there but skipped. One only outside the window has left it."""
        key = (meeting.uid, meeting.occurrence)
        return self.start <= meeting.start < self.end or key in self.event_keys


Meeting = TypeVar("Meeting", CalendarMeeting, BookedMeeting)


def _stored(
    model: type[Meeting], connection: CalendarConnection, seen: _Seen, *related: str
) -> dict[tuple[str, str, int], Meeting]:
    """The stored meetings of the calendar's events (any of their occurrences), and those this
    calendar holds inside the window, by key: one query."""
    through: Any = model.connections.through
    held_here = through.objects.filter(calendarconnection_id=connection.pk).values(
        f"{model._meta.model_name}_id"
    )
    rows = model.objects.filter(
        Q(uid__in=sorted({uid for uid, _ in seen.event_keys}))
        | Q(pk__in=held_here, start__gte=seen.start, start__lt=seen.end)
    )
    if related:
        rows = rows.select_related(*related)
    return {(m.uid, m.occurrence, m.customer_id): m for m in rows.order_by("pk")}


def _moved(
    existing: dict[tuple[str, str, int], Meeting],
    wanted: Iterable[tuple[str, str, int]],
    seen: _Seen,
) -> list[Meeting]:
    """Re-key in `existing` the meetings of single events that moved, and return them.

    A single event's occurrence key is its start (only a recurring one's occurrences have a
    RECURRENCE-ID), so a moved one comes with a new key: when its UID is once in the calendar
    and one meeting of it with that customer, inside the window, is wanted no more, that
    meeting is the one moved.
    """
    wanted = set(wanted)
    candidates: dict[tuple[str, int], list[tuple[str, str, int]]] = defaultdict(list)
    for key, meeting in existing.items():
        if (
            key[0] in seen.single_uids
            and key not in wanted
            and seen.start <= meeting.start < seen.end
        ):
            candidates[(key[0], key[2])].append(key)
    moved = []
    for key in sorted(wanted):
        if key in existing or key[0] not in seen.single_uids:
            continue
        old = candidates.pop((key[0], key[2]), [])
        if len(old) == 1:
            meeting = existing.pop(old[0])
            meeting.occurrence = key[1]
            existing[key] = meeting
            moved.append(meeting)
    return moved


def meetings_sync(
    *,
    connection: CalendarConnection,
    events: Sequence[CalendarEvent],
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    now: datetime.datetime,
) -> SyncResult:
    """Make `events` (what `connection` holds from `window_start` to `window_end`) touches and
    booked meetings, and take `connection` off the meetings it no longer holds; one transaction.

    Two syncs of one calendar take turns (its row is locked); a calendar deleted before its
    turn is `RecordGone` (a 404), nothing written. Two colleagues' syncs creating the
    same meeting at once: the second meets the first's row (its unique key) and runs again once,
    then finds it.
    """
    if db.in_atomic_block:
        return _sync(connection, events, window_start, window_end, now)
    try:
        with transaction.atomic():
            return _sync(connection, events, window_start, window_end, now)
    except IntegrityError:
        with transaction.atomic():
            return _sync(connection, events, window_start, window_end, now)


def _sync(
    connection: CalendarConnection,
    events: Sequence[CalendarEvent],
    window_start: datetime.datetime,
    window_end: datetime.datetime,
    now: datetime.datetime,
) -> SyncResult:
    # Two syncs of one calendar (the beat's and a click) take turns; one deleted meanwhile is
    # `RecordGone` (its meetings' links would point at no connection), nothing written.
    locked(connection)
    users = {
        email.lower(): pk
        for pk, email in User.objects.exclude(email="").values_list("pk", "email").order_by("pk")
    }
    owner = connection.owner_id
    owner_emails = {email for email, pk in users.items() if pk == owner}
    reads = [_read(event, users, owner_emails) for event in events]
    customers_of, persons_of = _customers(reads)

    wanted: dict[tuple[str, str, int], _Wanted] = {}
    booked: dict[tuple[str, str, int], _Wanted] = {}
    skipped = dict.fromkeys(SKIPPED, 0)
    for read in reads:
        involved = _involved(read, customers_of, persons_of) if not read.skipped else {}
        if not read.skipped and not involved:
            read.skipped = "no_customer"
        end = read.event.end
        if not read.skipped and end > now:
            read.skipped = "future"
        if read.skipped:
            skipped[read.skipped] += 1
            if read.skipped != "future":
                continue
        for customer, people in involved.values():
            key = (read.uid, read.occurrence, customer.pk)
            (booked if read.skipped else wanted)[key] = _Wanted(
                key=key,
                customer=customer,
                start=read.event.start,
                end=end,
                date=meeting_day(read.event.start),
                channel=channel_of(read.event),
                summary=None if connection.metadata_only else (read.event.summary or ""),
                people=people,
                our_people={owner, *read.ours},
                externals=read.externals,
            )

    event_keys = {(read.uid, read.occurrence) for read in reads}
    uids = Counter(read.uid for read in reads)
    seen = _Seen(event_keys, {uid for uid, n in uids.items() if n == 1}, window_start, window_end)
    logged, updated, removed = _meetings_write(connection, wanted, seen)
    _booked_write(connection, booked, seen)
    return SyncResult(logged=logged, updated=updated, removed=removed, skipped=skipped)


def _read(event: CalendarEvent, users: dict[str, int], owner_emails: set[str]) -> _Read:
    """Who attends `event` (rooms and resources are nobody), and whether a rule skips it."""
    read = _Read(
        event=event, uid=stored_uid(event.uid), occurrence=occurrence_key(event.occurrence)
    )
    attendees = [(a.email, a.name, (a.partstat or "").upper(), a.cutype) for a in event.attendees]
    if event.organizer:  # there, though not always listed among the attendees
        attendees.append((event.organizer, "", "ACCEPTED", "INDIVIDUAL"))
    declined_by_owner = False
    for email, name, partstat, cutype in attendees:
        email = (email or "").strip().lower().removeprefix("mailto:")
        if "@" not in email or len(email) > EMAIL_MAX or (cutype or "").upper() in NOT_PEOPLE:
            continue
        if partstat == DECLINED:
            declined_by_owner |= email in owner_emails
            continue
        if email in users:
            read.ours.add(users[email])
        elif email_domains.is_ours(email_domains.domain_of(email)):
            pass
        elif email not in read.externals or not read.externals[email]:
            read.externals[email] = name or ""
    if event.cancelled:
        read.skipped = "cancelled"
    elif event.private:
        read.skipped = "private"
    elif declined_by_owner:
        read.skipped = "declined"
    elif not read.externals:
        read.skipped = "internal"
    return read


def _at_any(domains: list[str]) -> RawSQL:
    """PostgreSQL: whether one of the customer's `email_domains` is in `domains`.

    Each customer's few domains looked up in the list, hashed: the query takes 27 ms at 20,000
    customers and 1,000 domains (20 ms at 30), where `?|` compares each customer's domains with
    the whole list (363 ms; 17 ms at 30). A GIN index would not help: the planner takes it only
    up to some 60 domains. Measured for issue 24, medians of 5.
    """
    table = Customer._meta.db_table
    column = f"{table}.email_domains"
    listed = f"CASE WHEN jsonb_typeof({column}) = 'array' THEN {column} ELSE '[]'::jsonb END"
    return RawSQL(
        f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({listed}) AS d(domain) "
        "WHERE d.domain = ANY(%s))",
        (domains,),
        output_field=BooleanField(),
    )


def _customers(
    reads: Iterable[_Read],
) -> tuple[dict[str, list[Customer]], dict[str, list[Person]]]:
    """The customers at each external attendee's domain, and the people with each email:
    two queries for all events."""
    emails = {email for read in reads if not read.skipped for email in read.externals}
    if not emails:
        return {}, {}
    persons_of: dict[str, list[Person]] = defaultdict(list)
    for person in (
        Person.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=sorted(emails))
        .only("pk", "name", "customer_id", "email")
        .order_by("pk")
    ):
        persons_of[person.email.lower()].append(person)
    domains = sorted({d for email in emails for d in _under(email_domains.domain_of(email))})
    rows: QuerySet[Customer] = Customer.objects.all()
    if db.vendor == "postgresql":
        rows = rows.alias(at_domains=_at_any(domains))
        by_domain = Q(at_domains=True)
    else:  # SQLite cannot look inside the lists: every customer with domains, matched below
        by_domain = ~Q(email_domains=[])
    person_customers = {p.customer_id for people in persons_of.values() for p in people}
    customers = {
        customer.pk: customer
        for customer in rows.filter(Q(pk__in=person_customers) | by_domain)
        .only("pk", "name", "email_domains")
        .order_by("pk")
    }
    at_domain: dict[str, list[Customer]] = defaultdict(list)
    for customer in customers.values():
        for domain in customer.email_domains or ():  # lower-case, as the customer keeps them
            at_domain[domain].append(customer)
    customers_of = {}
    for email in emails:
        if email in persons_of:
            found = {p.customer_id: customers[p.customer_id] for p in persons_of[email]}
        else:
            found = {
                c.pk: c
                for d in _under(email_domains.domain_of(email))
                for c in at_domain.get(d, ())
            }
        customers_of[email] = list(found.values())
    return customers_of, persons_of


def _involved(
    read: _Read, customers_of: dict[str, list[Customer]], persons_of: dict[str, list[Person]]
) -> dict[int, tuple[Customer, list[Person]]]:
    """The customers `read` involves, each with their people it met."""
    involved: dict[int, tuple[Customer, list[Person]]] = {}
    for email in read.externals:
        for customer in customers_of.get(email, ()):
            involved.setdefault(customer.pk, (customer, []))
        for person in persons_of.get(email, ()):
            involved[person.customer_id][1].append(person)
    return involved


def _meetings_write(
    connection: CalendarConnection, wanted: dict[tuple[str, str, int], _Wanted], seen: _Seen
) -> tuple[int, int, int]:
    """Write the past meetings: new touches, changed ones, and this calendar taken off the
    meetings it no longer holds. Returns the touches logged, updated and removed."""
    through = CalendarMeeting.connections.through
    existing = _stored(CalendarMeeting, connection, seen, "touchpoint", "customer")
    moved = _moved(existing, wanted, seen)
    ids = [m.pk for m in existing.values()]
    holders: dict[int, set[int]] = defaultdict(set)
    owners: dict[int, int] = {}
    for meeting_id, connection_id, owner_id in through.objects.filter(
        calendarmeeting_id__in=ids
    ).values_list("calendarmeeting_id", "calendarconnection_id", "calendarconnection__owner_id"):
        holders[meeting_id].add(connection_id)
        owners[connection_id] = owner_id
    touch_ids = [m.touchpoint_id for m in existing.values() if m.touchpoint_id]
    people: dict[int, list[Person]] = defaultdict(list)
    for touch_id, person_id, customer_id, name in Touchpoint.people.through.objects.filter(
        touchpoint_id__in=touch_ids
    ).values_list("touchpoint_id", "person_id", "person__customer_id", "person__name"):
        people[touch_id].append(Person(pk=person_id, customer_id=customer_id, name=name))
    ours: dict[int, set[int]] = defaultdict(set)
    for touch_id, user_id in Touchpoint.our_people.through.objects.filter(
        touchpoint_id__in=touch_ids
    ).values_list("touchpoint_id", "user_id"):
        ours[touch_id].add(user_id)
    attendees: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    for pk, meeting_id, email, name in MeetingAttendee.objects.filter(
        meeting_id__in=ids
    ).values_list("pk", "meeting_id", "email", "name"):
        attendees[meeting_id][email] = (pk, name)

    edited = {
        m.pk: m.touchpoint is not None and m.touchpoint.updated_at > m.synced_at
        for m in existing.values()
    }
    new_meetings: list[tuple[CalendarMeeting, _Wanted]] = []
    new_touches: list[CalendarTouch] = []
    changed: dict[int, tuple[Touchpoint, CalendarTouch]] = {}
    meetings_changed: dict[int, CalendarMeeting] = {}
    links_added: list[int] = []
    attendees_new: list[MeetingAttendee] = []
    attendees_gone: list[int] = []

    for key, want in wanted.items():
        meeting = existing.get(key)
        if meeting is None:
            meeting = CalendarMeeting(
                uid=key[0],
                occurrence=key[1],
                customer=want.customer,
                start=want.start,
                summary=want.summary or "",
            )
            new_meetings.append((meeting, want))
            new_touches.append(
                CalendarTouch(
                    customer=want.customer,
                    date=want.date,
                    channel=want.channel,
                    summary=want.summary or "",
                    people=want.people,
                    our_people=sorted(want.our_people),
                )
            )
            continue
        if connection.pk not in holders[meeting.pk]:
            links_added.append(meeting.pk)
        touch = meeting.touchpoint  # None: a person deleted it, and it stays deleted
        if touch is not None and (
            change := _touch_change(
                meeting, touch, want, people[touch.pk], ours[touch.pk], edited[meeting.pk]
            )
        ):
            changed[touch.pk] = (touch, change)
        before = (meeting.start, meeting.summary, meeting.gone)
        meeting.start = want.start
        if want.summary is not None:
            meeting.summary = want.summary
        meeting.gone = False
        if before != (meeting.start, meeting.summary, meeting.gone):
            meetings_changed[meeting.pk] = meeting
        stored = attendees[meeting.pk]
        attendees_gone += [pk for email, (pk, _) in stored.items() if email not in want.externals]
        attendees_new += [
            MeetingAttendee(meeting=meeting, email=email, name=name[:200])
            for email, name in want.externals.items()
            if email not in stored
        ]

    # What this calendar no longer holds (inside the window, or an event of it now skipped): this
    # calendar comes off, its owner off the touch, and the touch goes with the last calendar
    # unless a person has edited it since.
    considered = [
        m
        for key, m in existing.items()
        if key not in wanted and connection.pk in holders[m.pk] and seen.holds_no_more(m)
    ]
    meetings_deleted: list[int] = []
    touches_deleted: list[int] = []
    for meeting in considered:
        left = holders[meeting.pk] - {connection.pk}
        touch = meeting.touchpoint
        if not left and not edited[meeting.pk]:
            meetings_deleted.append(meeting.pk)
            if touch is not None:
                touches_deleted.append(touch.pk)
            continue
        if not left:
            meeting.gone = True
            meetings_changed[meeting.pk] = meeting
        still_there = {owners[pk] for pk in left}
        if (
            touch is not None
            and connection.owner_id in ours[touch.pk]
            and connection.owner_id not in still_there
        ):
            our_people = sorted(ours[touch.pk] - {connection.owner_id})
            changed[touch.pk] = (
                touch,
                CalendarTouch(customer=meeting.customer, our_people=our_people),
            )

    # The writes: a fixed number of statements for any number of meetings.
    through = CalendarMeeting.connections.through
    if considered:
        through.objects.filter(
            calendarconnection_id=connection.pk, calendarmeeting_id__in=[m.pk for m in considered]
        ).delete()
    if meetings_deleted:
        CalendarMeeting.objects.filter(pk__in=meetings_deleted).delete()
    if attendees_gone:
        MeetingAttendee.objects.filter(pk__in=attendees_gone).delete()
    touches = touchpoints_log_from_calendar(
        new=new_touches, changed=list(changed.values()), removed=touches_deleted
    )
    for (meeting, _), touch in zip(new_meetings, touches, strict=True):
        meeting.touchpoint = touch
        meeting.synced_at = touch.updated_at
    CalendarMeeting.objects.bulk_create([meeting for meeting, _ in new_meetings])
    links_added += [meeting.pk for meeting, _ in new_meetings]
    through.objects.bulk_create(
        [through(calendarmeeting_id=pk, calendarconnection_id=connection.pk) for pk in links_added]
    )
    attendees_new += [
        MeetingAttendee(meeting=meeting, email=email, name=name[:200])
        for meeting, want in new_meetings
        for email, name in want.externals.items()
    ]
    MeetingAttendee.objects.bulk_create(attendees_new)
    # A touch this sync wrote and no person had edited: the sync's stamp marks it as unedited.
    for meeting in existing.values():
        if meeting.touchpoint_id in changed and not edited[meeting.pk]:
            meeting.synced_at = changed[meeting.touchpoint_id][0].updated_at
            meetings_changed[meeting.pk] = meeting
    meetings_changed.update((meeting.pk, meeting) for meeting in moved)
    deleted = set(meetings_deleted)
    meetings_changed = {pk: m for pk, m in meetings_changed.items() if pk not in deleted}
    if meetings_changed:
        CalendarMeeting.objects.bulk_update(
            list(meetings_changed.values()), ["occurrence", "start", "summary", "gone", "synced_at"]
        )
    return len(new_touches), len(changed), len(touches_deleted)


def _touch_change(
    meeting: CalendarMeeting,
    touch: Touchpoint,
    want: _Wanted,
    people: list[Person],
    ours: set[int],
    edited: bool,
) -> CalendarTouch | None:
    """What of `touch` to change for the meeting as the calendar has it now, or None.

    An unedited touch follows the calendar; an edited one takes only what changed in the
    calendar since the last sync (a move, a new title) and gains, never loses, people.
    """
    if edited:
        date = want.date if want.start != meeting.start else touch.date
        summary = want.summary if want.summary not in (None, meeting.summary) else touch.summary
        channel = touch.channel
        met = {p.pk: p for p in [*people, *want.people]}
    else:
        date, channel = want.date, want.channel
        summary = touch.summary if want.summary is None else want.summary
        met = {p.pk: p for p in want.people}
    our_people = ours | want.our_people
    change = CalendarTouch(
        customer=meeting.customer,
        date=date if date != touch.date else None,
        channel=channel if channel != touch.channel else None,
        summary=summary if summary != touch.summary else None,
        people=list(met.values()) if set(met) != {p.pk for p in people} else None,
        our_people=sorted(our_people) if our_people != ours else None,
    )
    if change == CalendarTouch(customer=meeting.customer):
        return None
    return change


def _booked_write(
    connection: CalendarConnection, booked: dict[tuple[str, str, int], _Wanted], seen: _Seen
) -> None:
    """Write the future meetings, and take this calendar off those it no longer holds."""
    through = BookedMeeting.connections.through
    existing = _stored(BookedMeeting, connection, seen)
    moved = _moved(existing, booked, seen)
    holders: dict[int, set[int]] = defaultdict(set)
    for meeting_id, connection_id in through.objects.filter(
        bookedmeeting_id__in=[m.pk for m in existing.values()]
    ).values_list("bookedmeeting_id", "calendarconnection_id"):
        holders[meeting_id].add(connection_id)
    created, changed, linked = [], [], []
    for key, want in booked.items():
        meeting = existing.get(key)
        if meeting is None:
            created.append(
                BookedMeeting(
                    uid=key[0],
                    occurrence=key[1],
                    customer=want.customer,
                    start=want.start,
                    end=want.end,
                    summary=want.summary or "",
                    channel=want.channel,
                )
            )
            continue
        if connection.pk not in holders[meeting.pk]:
            linked.append(meeting.pk)
        before = (meeting.start, meeting.end, meeting.summary, meeting.channel)
        meeting.start, meeting.end, meeting.channel = want.start, want.end, want.channel
        if want.summary is not None:
            meeting.summary = want.summary
        if meeting in moved or before != (
            meeting.start,
            meeting.end,
            meeting.summary,
            meeting.channel,
        ):
            changed.append(meeting)
    gone = [
        m
        for key, m in existing.items()
        if key not in booked and connection.pk in holders[m.pk] and seen.holds_no_more(m)
    ]
    if gone:
        through.objects.filter(
            calendarconnection_id=connection.pk, bookedmeeting_id__in=[m.pk for m in gone]
        ).delete()
        last = [m.pk for m in gone if not holders[m.pk] - {connection.pk}]
        BookedMeeting.objects.filter(pk__in=last).delete()
    BookedMeeting.objects.bulk_create(created)
    through.objects.bulk_create(
        [
            through(bookedmeeting_id=pk, calendarconnection_id=connection.pk)
            for pk in [*linked, *(m.pk for m in created)]
        ]
    )
    if changed:
        BookedMeeting.objects.bulk_update(
            changed, ["occurrence", "start", "end", "summary", "channel"]
        )
