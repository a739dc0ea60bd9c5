"""A calendar's events made touches: which meetings count, one team one touch, and re-syncs."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.connections.meetings import SKIPPED, meeting_day, meetings_sync, occurrence_key
from calendarapp.models import BookedMeeting, CalendarMeeting, MeetingAttendee
from customers.models import Person, Touchpoint
from customers.services import touchpoint_delete, touchpoint_log
from tests import factories
from tests.calendarapp.connections.support import attendee, event

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
D = datetime.date


def sync(connection, *events, window=None):
    from django.utils import timezone

    now = timezone.now()
    start, end = window or (now - datetime.timedelta(days=90), now + datetime.timedelta(days=90))
    return meetings_sync(
        connection=connection, events=events, window_start=start, window_end=end, now=now
    )


def nothing_skipped(**counts):
    return {**dict.fromkeys(SKIPPED, 0), **counts}


def the_touch() -> Touchpoint:
    (touch,) = Touchpoint.objects.all()
    return touch


def test_a_past_meeting_with_a_customers_person_becomes_their_touch(clock, sams_calendar, aarhus):
    jens = Person.objects.get()
    result = sync(sams_calendar, event(conference_url="https://teams.microsoft.com/l/x"))
    assert (result.logged, result.updated, result.removed) == (1, 0, 0)
    assert result.skipped == nothing_skipped()
    touch = the_touch()
    assert touch.customer == aarhus
    assert touch.date == D(2026, 6, 10)
    assert touch.channel == "video"
    assert touch.summary == "Quarterly review"
    assert touch.source == "calendar"
    assert list(touch.people.all()) == [jens]  # Jens@Aarhus.DK attends as jens@aarhus.dk: any case
    assert list(touch.our_people.all()) == [sams_calendar.owner]
    meeting = CalendarMeeting.objects.get()
    assert meeting.touchpoint == touch
    assert list(meeting.connections.all()) == [sams_calendar]
    assert list(MeetingAttendee.objects.values_list("email", flat=True)) == ["jens@aarhus.dk"]


def test_someone_at_a_customers_domain_makes_it_their_touch_and_is_kept_as_an_attendee(
    clock, sams_calendar, aarhus
):
    result = sync(
        sams_calendar, event(attendees=("sam@example.com", attendee("Mette@aarhus.dk", "Mette")))
    )
    assert result.logged == 1
    touch = the_touch()
    assert touch.customer == aarhus
    assert list(touch.people.all()) == []  # nobody met who is a person yet
    kept = MeetingAttendee.objects.get()
    assert (kept.email, kept.name) == ("mette@aarhus.dk", "Mette")


def test_a_subdomain_counts_as_the_customers_domain(clock, sams_calendar, aarhus):
    assert sync(sams_calendar, event(attendees=("sam@example.com", "ole@dk.aarhus.dk"))).logged


def test_the_channel_is_video_with_a_link_visit_with_a_place_and_other_without(
    clock, sams_calendar, aarhus
):
    sync(
        sams_calendar,
        event("a", conference_url="https://zoom.us/j/1"),
        event("b", location="Aarhus office, Store Torv 1"),
        event("c"),
        event("d", location="https://meet.google.com/abc-defg-hij"),
    )
    channels = dict(CalendarMeeting.objects.values_list("uid", "touchpoint__channel"))
    assert channels == {"a": "video", "b": "visit", "c": "other", "d": "video"}


def test_every_skipped_event_is_counted_by_why_and_a_future_one_is_booked(
    clock, sams_calendar, aarhus, calendar_admin
):
    future = datetime.datetime(2026, 6, 20, 8, 0, tzinfo=UTC)
    result = sync(
        sams_calendar,
        event("internal", attendees=("sam@example.com", "alice@example.com", "bo@example.com")),
        event("private", private=True),
        event(
            "declined",
            attendees=(attendee("sam@example.com", partstat="DECLINED"), "jens@aarhus.dk"),
        ),
        event("cancelled", cancelled=True),
        event("no-customer", attendees=("sam@example.com", "someone@elsewhere.org")),
        event("future", start=future, location="Aarhus"),
        event("future-internal", start=future, attendees=("sam@example.com",)),
    )
    assert (result.logged, result.updated, result.removed) == (0, 0, 0)
    assert result.skipped == {
        "internal": 2,
        "private": 1,
        "declined": 1,
        "cancelled": 1,
        "no_customer": 1,
        "future": 1,
    }
    assert not Touchpoint.objects.exists()
    booked = BookedMeeting.objects.get()
    assert (booked.customer, booked.start, booked.channel) == (aarhus, future, "visit")
    assert booked.summary == "Quarterly review"
    assert list(booked.connections.all()) == [sams_calendar]


def test_a_meeting_still_running_is_booked_not_yet_a_touch(clock, sams_calendar, aarhus):
    result = sync(sams_calendar, event(start=datetime.datetime(2026, 6, 15, 8, 30, tzinfo=UTC)))
    assert result.skipped["future"] == 1
    assert BookedMeeting.objects.exists() and not Touchpoint.objects.exists()


def test_rooms_and_resources_are_never_people_even_at_a_customers_domain(
    clock, sams_calendar, aarhus
):
    room = attendee("board-room@aarhus.dk", "Board room", cutype="ROOM")
    projector = attendee("jens@aarhus.dk", "Projector", cutype="RESOURCE")
    result = sync(sams_calendar, event(attendees=("sam@example.com", room, projector)))
    assert result.skipped == nothing_skipped(internal=1)
    result = sync(sams_calendar, event("2", attendees=("sam@example.com", room, "mette@aarhus.dk")))
    assert result.logged == 1
    assert list(MeetingAttendee.objects.values_list("email", flat=True)) == ["mette@aarhus.dk"]


def test_a_metadata_only_calendar_logs_the_day_people_and_channel_not_the_title(
    clock, sams_calendar, aarhus
):
    sams_calendar.metadata_only = True
    sams_calendar.save()
    sync(sams_calendar, event(summary="Price increase for Aarhus", location="Aarhus"))
    touch = the_touch()
    assert (touch.summary, touch.channel, touch.date) == ("", "visit", D(2026, 6, 10))
    assert touch.people.count() == 1
    assert CalendarMeeting.objects.get().summary == ""


def test_a_re_sync_changes_nothing(clock, sams_calendar, aarhus):
    events = [
        event("a"),
        event("b", location="Aarhus"),
        event("c", start=datetime.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
    ]
    sync(sams_calendar, *events)
    before = list(Touchpoint.objects.values("id", "date", "summary", "updated_at"))
    booked = list(BookedMeeting.objects.values())
    result = sync(sams_calendar, *events)
    assert (result.logged, result.updated, result.removed) == (0, 0, 0)
    assert result.skipped == nothing_skipped(future=1)
    assert list(Touchpoint.objects.values("id", "date", "summary", "updated_at")) == before
    assert list(BookedMeeting.objects.values()) == booked


def test_a_moved_meeting_moves_its_touch(clock, sams_calendar, aarhus):
    sync(sams_calendar, event())
    touch = the_touch()
    result = sync(sams_calendar, event(start=datetime.datetime(2026, 6, 11, 13, 0, tzinfo=UTC)))
    assert (result.logged, result.updated, result.removed) == (0, 1, 0)
    assert the_touch().pk == touch.pk
    assert the_touch().date == D(2026, 6, 11)


def test_a_retitled_meeting_retitles_its_touch(clock, sams_calendar, aarhus):
    sync(sams_calendar, event())
    result = sync(sams_calendar, event(summary="Renewal talk"))
    assert result.updated == 1
    assert the_touch().summary == "Renewal talk"


def test_a_meeting_gone_from_the_calendar_removes_its_touch(clock, sams_calendar, aarhus):
    sync(sams_calendar, event(), event("other"))
    result = sync(sams_calendar, event("other"))
    assert (result.logged, result.updated, result.removed) == (0, 0, 1)
    assert list(CalendarMeeting.objects.values_list("uid", flat=True)) == ["other"]
    assert Touchpoint.objects.count() == 1
    assert not MeetingAttendee.objects.filter(meeting__uid="meeting-1@example.com").exists()


def test_a_cancelled_meeting_removes_its_touch_and_counts_as_cancelled(
    clock, sams_calendar, aarhus
):
    sync(sams_calendar, event())
    result = sync(sams_calendar, event(cancelled=True))
    assert (result.removed, result.skipped["cancelled"]) == (1, 1)
    assert not Touchpoint.objects.exists() and not CalendarMeeting.objects.exists()


def test_a_meeting_only_leaving_the_window_removes_nothing(clock, sams_calendar, aarhus):
    sync(sams_calendar, event())
    later = datetime.datetime(2026, 6, 12, tzinfo=UTC)  # the window now starts after the meeting
    result = sync(sams_calendar, window=(later, later + datetime.timedelta(days=180)))
    assert result.removed == 0
    assert the_touch().date == D(2026, 6, 10)


def test_a_colleagues_copy_of_the_meeting_is_the_same_touch_with_both_of_us(
    clock, sams_calendar, alices_calendar, aarhus
):
    both = ("sam@example.com", "alice@example.com", "jens@aarhus.dk")
    sync(sams_calendar, event(attendees=both))
    result = sync(alices_calendar, event(attendees=both))
    assert (result.logged, result.updated) == (0, 0)  # Alice attends: she is on it already
    touch = the_touch()
    assert set(touch.our_people.all()) == {sams_calendar.owner, alices_calendar.owner}
    assert set(CalendarMeeting.objects.get().connections.all()) == {sams_calendar, alices_calendar}
    # Gone from Sam's calendar: Sam is off the touch, which stays while Alice's holds it.
    assert sync(sams_calendar).removed == 0
    assert list(the_touch().our_people.all()) == [alices_calendar.owner]
    assert sync(alices_calendar).removed == 1
    assert not Touchpoint.objects.exists()


def test_a_touch_edited_since_stays_when_its_meeting_is_gone_marked_gone(
    clock, sams_calendar, aarhus
):
    sync(sams_calendar, event())
    clock.shift(datetime.timedelta(minutes=5))
    touchpoint_log(
        touchpoint=the_touch(),
        customer=aarhus,
        changes=[{"topic": "budget", "text": "Budget moves to March"}],
    )
    result = sync(sams_calendar)
    assert result.removed == 0
    touch = the_touch()
    assert touch.changes == [{"topic": "budget", "text": "Budget moves to March"}]
    assert CalendarMeeting.objects.get().gone is True
    # Back in the calendar: no longer gone, still one touch, and its changes kept.
    result = sync(sams_calendar, event())
    assert (result.logged, result.removed) == (0, 0)
    assert CalendarMeeting.objects.get().gone is False
    assert the_touch().changes == touch.changes


def test_an_edited_touch_keeps_the_title_a_person_gave_it_until_the_calendar_changes_it(
    clock, sams_calendar, aarhus
):
    sync(sams_calendar, event())
    clock.shift(datetime.timedelta(minutes=5))
    touchpoint_log(touchpoint=the_touch(), customer=aarhus, summary="Review; they want a discount")
    assert sync(sams_calendar, event()).updated == 0
    assert the_touch().summary == "Review; they want a discount"
    assert sync(sams_calendar, event(summary="Discount talk")).updated == 1
    assert the_touch().summary == "Discount talk"


def test_a_touch_a_person_deleted_is_not_logged_again(clock, sams_calendar, aarhus):
    sync(sams_calendar, event())
    touchpoint_delete(touchpoint=the_touch())
    assert sync(sams_calendar, event()).logged == 0
    assert not Touchpoint.objects.exists()


def test_an_attendee_accepted_as_a_person_counts_as_met_at_the_next_sync(
    clock, sams_calendar, aarhus
):
    meeting = event(attendees=("sam@example.com", "mette@aarhus.dk"))
    sync(sams_calendar, meeting)
    assert the_touch().people.count() == 0
    mette = Person.objects.create(customer=aarhus, name="Mette Bach", email="Mette@Aarhus.dk")
    assert sync(sams_calendar, meeting).updated == 1
    assert list(the_touch().people.all()) == [mette]


def test_one_meeting_with_two_customers_is_a_touch_of_each(clock, sams_calendar, aarhus):
    odense = factories.customer("Odense ApS", "DK", email_domains=["odense.dk"])
    sync(sams_calendar, event(attendees=("sam@example.com", "jens@aarhus.dk", "kim@odense.dk")))
    assert set(Touchpoint.objects.values_list("customer", flat=True)) == {aarhus.pk, odense.pk}
    assert CalendarMeeting.objects.count() == 2


def test_occurrences_of_a_recurring_meeting_are_touches_of_their_own(clock, sams_calendar, aarhus):
    weekly = [
        event("weekly", start=start)
        for start in (
            datetime.datetime(2026, 6, 1, 8, tzinfo=UTC),
            datetime.datetime(2026, 6, 8, 8, tzinfo=UTC),
        )
    ]
    assert sync(sams_calendar, *weekly).logged == 2
    assert sync(sams_calendar, *weekly).logged == 0


def test_a_booked_meeting_that_is_moved_or_cancelled_follows_the_calendar(
    clock, sams_calendar, aarhus
):
    start = datetime.datetime(2026, 7, 1, 8, tzinfo=UTC)
    sync(sams_calendar, event(start=start))
    sync(sams_calendar, event(start=start + datetime.timedelta(days=1)))
    assert BookedMeeting.objects.get().start == start + datetime.timedelta(days=1)
    sync(sams_calendar, event(start=start, cancelled=True))
    assert not BookedMeeting.objects.exists()


def test_a_booked_meeting_that_has_happened_becomes_a_touch(clock, sams_calendar, aarhus):
    start = datetime.datetime(2026, 6, 16, 8, tzinfo=UTC)
    sync(sams_calendar, event(start=start))
    clock.move_to(datetime.datetime(2026, 6, 17, 9, tzinfo=UTC))
    result = sync(sams_calendar, event(start=start))
    assert result.logged == 1
    assert not BookedMeeting.objects.exists()


@pytest.mark.parametrize("count", [10, 200])
def test_a_sync_costs_the_same_number_of_queries_for_10_or_200_events(
    clock, sams_calendar, aarhus, django_assert_max_num_queries, count
):
    def events(title):
        return [
            event(
                f"m{i}",
                start=datetime.datetime(2026, 6, 1, 8, tzinfo=UTC) - datetime.timedelta(hours=i),
                summary=title,
            )
            for i in range(count)
        ]

    with django_assert_max_num_queries(30):
        assert sync(sams_calendar, *events("Review")).logged == count
    with django_assert_max_num_queries(30):
        assert sync(sams_calendar, *events("Renewal")).updated == count
    with django_assert_max_num_queries(30):
        assert sync(sams_calendar).removed == count


ZONES = st.sampled_from(
    [
        zoneinfo.ZoneInfo(name)
        for name in ("Europe/Copenhagen", "America/New_York", "Australia/Sydney")
    ]
)


@given(
    st.datetimes(
        min_value=datetime.datetime(2020, 1, 1),
        max_value=datetime.datetime(2035, 12, 31),
        timezones=ZONES,
    ),
    ZONES,
)
def test_a_meeting_is_on_one_team_day_whatever_zone_its_start_is_written_in(start, zone):
    """Across daylight saving and year ends: the instant decides the day, never the zone."""
    day = meeting_day(start)
    assert meeting_day(start.astimezone(zone)) == day
    assert abs((day - start.astimezone(datetime.UTC).date()).days) <= 1


@given(st.text(min_size=1, max_size=300), st.text(min_size=1, max_size=300))
def test_occurrence_keys_fit_their_column_and_stay_apart(one, other):
    assert len(occurrence_key(one)) <= 64
    assert (occurrence_key(one) == occurrence_key(other)) == (one == other)
    if len(one) <= 64:
        assert occurrence_key(one) == one


def test_a_logged_meeting_resets_the_cadence_like_any_touch(clock, sams_calendar, aarhus):
    from calendarapp.occurrences.touch_states import touch_states
    from customers.models import Customer

    sync(sams_calendar, event())
    touch = touch_states(Customer.objects.filter(pk=aarhus.pk))[aarhus.pk]
    assert touch.last_touch == D(2026, 6, 10)
    assert touch.next_touch == D(2026, 7, 10)


@pytest.mark.parametrize(
    "change",
    [
        {"private": True},
        {"attendees": (attendee("sam@example.com", partstat="DECLINED"), "jens@aarhus.dk")},
    ],
)
def test_a_meeting_made_private_or_declined_after_it_was_logged_loses_its_touch(
    clock, sams_calendar, aarhus, change
):
    sync(sams_calendar, event())
    result = sync(sams_calendar, event(**change))
    assert result.removed == 1
    assert not Touchpoint.objects.exists()


@pytest.mark.parametrize(
    ("start", "day"),
    [
        (
            datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
            D(2026, 1, 1),
        ),  # New Year in Copenhagen
        (
            datetime.datetime(2026, 3, 28, 23, 30, tzinfo=UTC),
            D(2026, 3, 29),
        ),  # the night clocks go forward
        (datetime.datetime(2026, 3, 29, 21, 30, tzinfo=UTC), D(2026, 3, 29)),  # 23:30 summer time
    ],
)
def test_a_touch_falls_on_the_teams_day_of_the_meeting(clock, sams_calendar, aarhus, start, day):
    wide = (datetime.datetime(2025, 1, 1, tzinfo=UTC), datetime.datetime(2027, 1, 1, tzinfo=UTC))
    sync(sams_calendar, event(start=start), window=wide)
    assert the_touch().date == day


def test_addresses_that_are_no_email_are_nobody(clock, sams_calendar, aarhus):
    result = sync(
        sams_calendar,
        event(attendees=("sam@example.com", "Jens Holm", "", "x" * 250 + "@aarhus.dk")),
    )
    assert result.skipped == nothing_skipped(internal=1)


def test_an_occurrence_of_a_series_gone_from_it_is_removed_and_its_sibling_stays(
    clock, sams_calendar, aarhus
):
    first, second = (datetime.datetime(2026, 6, d, 8, tzinfo=UTC) for d in (1, 8))
    sync(sams_calendar, event("weekly", start=first), event("weekly", start=second))
    result = sync(sams_calendar, event("weekly", start=second))  # the first excluded (EXDATE)
    assert (result.logged, result.updated, result.removed) == (0, 0, 1)
    assert the_touch().date == D(2026, 6, 8)


def test_an_occurrence_long_past_is_not_taken_for_a_moved_meeting(clock, sams_calendar, aarhus):
    march, june = (datetime.datetime(2026, m, 1, 8, tzinfo=UTC) for m in (3, 6))
    wide = (datetime.datetime(2026, 1, 1, tzinfo=UTC), datetime.datetime(2026, 9, 1, tzinfo=UTC))
    sync(sams_calendar, event("monthly", start=march), window=wide)
    # Now March is outside the window and June is the one occurrence the calendar gives.
    result = sync(sams_calendar, event("monthly", start=june))
    assert (result.logged, result.removed) == (1, 0)
    assert sorted(Touchpoint.objects.values_list("date", flat=True)) == [
        D(2026, 3, 1),
        D(2026, 6, 1),
    ]
