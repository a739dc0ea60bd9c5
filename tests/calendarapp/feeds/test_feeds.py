"""Every feed type against the rules of the issue, and against real parsers."""

from __future__ import annotations

import datetime

import icalendar
import pytest
import recurring_ical_events
from django.core.cache import cache
from ical.calendar_stream import IcsCalendarStream

from calendarapp.feeds.feeds import forget_rendered_rows
from calendarapp.models import Plan
from customers.models import Customer
from tests.calendarapp.feeds import support as fs

FEEDS = ["my-customers", "all-customers", "customer", "country", "plans-mine", "plans-all"]


def get(client, path: str, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.getvalue()
    return response


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_follows_the_rules(client, data, feed):
    response = get(client, fs.feed_paths(data)[feed])
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline")
    fs.lint(response.getvalue())


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_holds_exactly_the_engines_occurrences(client, data, feed):
    body = get(client, fs.feed_paths(data)[feed]).getvalue()
    found = {
        (uid, fs.parse_date(event["DTSTART"][1]), fs.parse_date(event["DTEND"][1]))
        for event in fs.vevents(body)
        for uid in [event["UID"][1]]
    }
    # DTEND is the day after the last day.
    found = {(uid, start, end - datetime.timedelta(days=1)) for uid, start, end in found}
    wanted = fs.expected(fs.engine_occurrences(feed, data))
    assert wanted, "the test data must put something on every feed"
    assert found == wanted


@pytest.mark.parametrize("feed", FEEDS)
def test_icalendar_and_recurring_ical_events_read_the_engines_occurrences(client, data, feed):
    body = get(client, fs.feed_paths(data)[feed]).getvalue()
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.get_missing_tzids() == set()
    for component in calendar.walk():
        assert component.errors == [], component.errors
    start, end = fs.WINDOW
    expanded = recurring_ical_events.of(calendar).between(start, end + datetime.timedelta(days=1))
    found = set()
    for event in expanded:
        first = event.decoded("DTSTART")
        assert type(first) is datetime.date, "all-day items are dates, never floating times"
        last = event.decoded("DTEND") - datetime.timedelta(days=1)
        found.add((str(event["UID"]), first, last))
    assert found == fs.expected(fs.engine_occurrences(feed, data))


@pytest.mark.parametrize("feed", FEEDS)
def test_the_strict_ical_package_parses_every_feed(client, data, feed):
    body = get(client, fs.feed_paths(data)[feed]).getvalue()
    calendar = IcsCalendarStream.calendar_from_ics(body.decode())
    assert {event.uid for event in calendar.events} == {
        uid for uid, _, _ in fs.expected(fs.engine_occurrences(feed, data))
    }
    for event in calendar.events:
        assert event.dtstart.__class__ is datetime.date


def test_text_is_escaped_and_folded_and_parsers_read_it_back(client, data):
    body = get(client, fs.feed_paths(data)["customer"]).getvalue()
    assert b"Acme A/S: H\xc3\xb8stferie\\; B\xc3\xbcro-\xc3\x9cbergabe\\, " in body.replace(
        b"\r\n ", b""
    )
    summaries = {
        str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
    }
    assert f"Acme A/S: {fs.TRICKY_TITLE}" in summaries
    strict = IcsCalendarStream.calendar_from_ics(body.decode())
    assert f"Acme A/S: {fs.TRICKY_TITLE}" in {event.summary for event in strict.events}


def test_uids_are_stable_unique_and_built_from_the_source(client, data):
    seen: dict[str, tuple] = {}
    for path in fs.feed_paths(data).values():
        for event in fs.vevents(get(client, path).getvalue()):
            uid = event["UID"][1]
            what = (event["DTSTART"], event["DTEND"], event["SUMMARY"])
            # The same UID in two feeds is the same event: never two events under one UID.
            assert seen.setdefault(uid, what) == what
    uids = set(seen)
    assert f"budget-{data.acme.pk}-2026@{fs.HOST}" in uids
    assert f"plan-{data.mine.pk}@{fs.HOST}" in uids
    assert any(uid.startswith("holiday-DK-2026-12-25@") for uid in uids)
    assert not any("sam" in uid or "@example.com" in uid.split("@", 1)[0] for uid in uids)
    traditions = sorted(uid for uid in uids if "Høst" in str(seen[uid][2]))
    assert len(traditions) == 3, "a yearly tradition is expanded, one UID per occurrence"


def test_unchanged_data_gives_identical_bytes(client, data):
    path = fs.feed_paths(data)["all-customers"]
    first = get(client, path).getvalue()
    cache.clear()
    assert get(client, path).getvalue() == first


def test_a_strategy_season_asks_its_open_question_in_the_description(client, data):
    path = fs.feed_paths(data)["customer"]
    first = get(client, path).getvalue()
    seasons = [e for e in fs.vevents(first) if e["UID"][1].startswith("strategy-")]
    assert seasons, "every customer has a strategy season a year"
    description = fs.unescape(seasons[0]["DESCRIPTION"][1])
    assert (
        "Strategy season: ask open questions\n"
        "“If you could change one thing in your business next year, what would it be?”"
    ) in description
    fs.lint(first)
    cache.clear()
    forget_rendered_rows()
    assert get(client, path).getvalue() == first


def test_an_edit_changes_dtstamp_and_grows_sequence(client, data, clock):
    path = fs.feed_paths(data)["plans-mine"]
    before = fs.vevents(get(client, path).getvalue())[0]
    clock.shift(datetime.timedelta(minutes=5))
    plan = Plan.objects.get(pk=data.mine.pk)
    plan.title = "Visit Acme (moved)"
    plan.save()
    after = fs.vevents(get(client, path).getvalue())[0]
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"][1]) > int(before["SEQUENCE"][1])
    assert after["DTSTAMP"][1] > before["DTSTAMP"][1]
    assert after["SUMMARY"][1] == "Plan: Visit Acme (moved)"


def test_renaming_a_customer_bumps_the_sequence_of_its_items(client, data, clock):
    path = fs.feed_paths(data)["customer"]
    before = {e["UID"][1]: e for e in fs.vevents(get(client, path).getvalue())}
    clock.shift(datetime.timedelta(minutes=5))
    data.acme.name = "Acme Nordic A/S"
    data.acme.save()
    after = {e["UID"][1]: e for e in fs.vevents(get(client, path).getvalue())}
    budget = f"budget-{data.acme.pk}-2026@{fs.HOST}"
    assert after[budget]["SUMMARY"][1] == "Acme Nordic A/S: Budget closes"
    assert int(after[budget]["SEQUENCE"][1]) > int(before[budget]["SEQUENCE"][1])


def test_transparency_categories_and_description(client, data):
    events = {
        e["UID"][1].split("@")[0]: e
        for e in fs.vevents(get(client, fs.feed_paths(data)["customer"]).getvalue())
    }
    events |= {
        e["UID"][1].split("@")[0]: e
        for e in fs.vevents(get(client, fs.feed_paths(data)["plans-all"]).getvalue())
    }
    holiday = events["holiday-DK-2026-12-25"]
    assert holiday["TRANSP"][1] == "TRANSPARENT"
    assert holiday["CATEGORIES"][1] == "public_holiday"
    season = next(
        e
        for e in events.values()
        if e["SUMMARY"][1].startswith("Acme A/S: Høst") and e["DTSTART"][1] == "20261013"
    )
    assert season["TRANSP"][1] == "TRANSPARENT"
    assert season["CATEGORIES"][1] == "busy_season"
    description = fs.unescape(season["DESCRIPTION"][1])
    assert description.startswith("Act by 2026-09-13 (30 days ahead).")
    assert f"{fs.SITE_URL}/customers/{data.acme.pk}" in description
    assert events[f"plan-{data.mine.pk}"]["TRANSP"][1] == "OPAQUE"  # a meeting takes our time
    assert events[f"plan-{data.theirs.pk}"]["TRANSP"][1] == "TRANSPARENT"  # a campaign does not
    assert events[f"contract-{_contract_id(data)}-pre_shopping"]["TRANSP"][1] == "TRANSPARENT"


def _contract_id(data: fs.FeedData) -> int:
    return data.acme.contracts.get().pk


def test_kinds_narrow_a_feed(client, data):
    path = fs.feed_paths(data)["customer"] + "?kinds=budget_close,contract_renewal"
    body = get(client, path).getvalue()
    fs.lint(body)
    kinds = {event["CATEGORIES"][1] for event in fs.vevents(body)}
    assert kinds == {"budget_close", "contract_renewal"}


def test_an_empty_feed_still_has_one_valid_component(client, data):
    body = get(client, fs.feed_paths(data)["customer"] + "?kinds=other").getvalue()
    fs.lint(body)
    assert fs.vevents(body) == []
    calendar = icalendar.Calendar.from_ical(body)
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]
    assert IcsCalendarStream.calendar_from_ics(body.decode()).events == []


def test_the_all_customers_feed_costs_the_same_queries_for_more_customers(
    client, data, django_assert_max_num_queries
):
    path = fs.feed_paths(data)["all-customers"]
    cache.clear()
    # A few queries per slice: a block of customers, or a country's regional days.
    with django_assert_max_num_queries(20) as few:
        get(client, path).getvalue()  # slices are rendered as the body is read
    for number in range(30):  # in the same block of ids and a country already there
        customer = Customer.objects.create(name=f"Extra {number}", country="DK")
        customer.traditions.create(
            title="Kräftskiva",
            kind="busy_season",
            start=datetime.date(2026, 6, 19),
            end=datetime.date(2026, 6, 19),
        )
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = get(client, path).getvalue()
    assert body.count("Kräftskiva".encode()) == 60  # in SUMMARY and DESCRIPTION


def test_a_cached_feed_is_served_with_four_queries(client, data, django_assert_num_queries):
    path = fs.feed_paths(data)["all-customers"]
    first = get(client, path).getvalue()
    # The token, the user's permissions (two queries), the data version and what changed since
    # the slices were written (nothing): nothing is rebuilt.
    with django_assert_num_queries(5):
        assert get(client, path).getvalue() == first
