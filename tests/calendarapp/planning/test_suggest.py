"""The best-date finder agrees with the conflict check and avoids what the check flags."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.suggest import candidate_starts, search_range, suggest_dates
from customers.models import Customer
from tests import factories

D = datetime.date


def seed_danes():
    danes = [factories.customer(f"Dane {i}", "DK", budget_close_month=9) for i in range(3)]
    factories.danish_autumn_school_holiday()
    factories.tradition(
        customer=danes[0],
        title="Christmas rush",
        start=D(2025, 11, 15),
        end=D(2025, 12, 31),
        rule="RRULE:FREQ=YEARLY",
    )
    factories.contract(danes[1], D(2027, 3, 31), name="Support")
    return danes


def test_event_in_week_42_is_moved_out_of_it(db):
    seed_danes()
    draft = Draft(
        kind="event", start=D(2026, 10, 13), end=D(2026, 10, 14), countries=frozenset({"DK"})
    )
    result = suggest_dates(
        draft, duration_days=2, search_start=D(2026, 10, 5), search_end=D(2026, 11, 8)
    )
    assert len(result.suggestions) == 5
    for suggestion in result.suggestions:
        assert suggestion.summary["blocker"] == 0
        assert suggestion.start.isocalendar().week != 42
        assert suggestion.end - suggestion.start == datetime.timedelta(days=1)
        assert suggestion.start.weekday() < 4, "a two-day event stays inside the working week"
    week_42 = next(week for week in result.weeks if week.week == 42)
    assert (week_42.year, week_42.blocker) == (2026, 3)
    assert all(week.blocker == 0 for week in result.weeks if week.week != 42)


def test_suggestions_do_not_overlap_each_other(db):
    seed_danes()
    draft = Draft(
        kind="meeting", start=D(2026, 6, 1), end=D(2026, 6, 1), countries=frozenset({"DK"})
    )
    result = suggest_dates(
        draft, duration_days=3, search_start=D(2026, 6, 1), search_end=D(2026, 7, 31)
    )
    spans = sorted((s.start, s.end) for s in result.suggestions)
    assert all(earlier[1] < later[0] for earlier, later in zip(spans, spans[1:], strict=False))


def test_heat_map_has_one_cell_per_iso_week_across_a_year_end(db):
    seed_danes()
    draft = Draft(
        kind="campaign", start=D(2026, 12, 1), end=D(2026, 12, 1), countries=frozenset({"DK"})
    )
    result = suggest_dates(
        draft, duration_days=5, search_start=D(2026, 12, 21), search_end=D(2027, 1, 17)
    )
    assert [(w.year, w.week) for w in result.weeks] == [
        (2026, 52),
        (2026, 53),
        (2027, 1),
        (2027, 2),
    ]
    christmas = result.weeks[0]
    assert christmas.best_start == D(2026, 12, 21), "a five-day campaign starts on the Monday"
    assert christmas.warning == 7, "every Dane has Christmas Eve and Day; one also has its rush"
    assert christmas.reasons == (
        "Christmas Day: 3 warnings",
        "Christmas Eve (de facto): 3 warnings",
        "Christmas rush: 1 warning",
    )


def test_candidate_starts_keep_short_plans_in_the_working_week():
    monday = D(2026, 11, 23)
    offsets = candidate_starts(monday, monday + datetime.timedelta(days=13), 2)
    assert [(monday + datetime.timedelta(days=o)).strftime("%a") for o in offsets] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
    ] * 2


@pytest.mark.parametrize("count", [20, 200])
def test_suggest_queries_do_not_grow_with_audience(db, count, django_assert_max_num_queries):
    Customer.objects.bulk_create(Customer(name=f"C{i}", country="SE") for i in range(count))
    draft = Draft(kind="event", start=D(2026, 1, 5), end=D(2026, 1, 5), countries=frozenset({"SE"}))
    # One of them reads the decision steps, a source of their own.
    with django_assert_max_num_queries(11):
        result = suggest_dates(
            draft, duration_days=1, search_start=D(2026, 1, 1), search_end=D(2026, 6, 30)
        )
    assert result.suggestions[0].summary["blocker"] == 0


class TestSuggestionCountsMatchTheCheck(HypothesisTestCase):
    """Whatever the start, the finder's counts equal a full conflict check of that placement."""

    @classmethod
    def setUpTestData(cls):
        danes = seed_danes()
        factories.customer("Bayern", "DE", subdivision="BY", budget_close_month=3)
        factories.tradition(
            customer=danes[2],
            title="Inventory",
            start=D(2026, 1, 12),
            end=D(2026, 1, 23),
            rule="RRULE:FREQ=YEARLY",
            blocks_events=True,
        )
        # What the plans offer: one Dane has told us it cares, the others have not
        # (`no_known_interest`); budget closes bring strategy seasons (`strategy_season_open`).
        cls.iot = factories.interest(danes[0], "IoT").interest

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        kind=st.sampled_from(["event", "campaign", "meeting", "trade_fair"]),
        duration=st.integers(1, 9),
        search_start=st.dates(min_value=D(2026, 1, 1), max_value=D(2027, 12, 31)),
    )
    def test_counts(self, kind, duration, search_start):
        search_end = search_start + datetime.timedelta(weeks=8)
        draft = Draft(
            kind=kind,
            start=search_start,
            end=search_start,
            countries=frozenset({"DK", "DE"}),
            offer_ids=frozenset({self.iot.pk}),
            offer_title="IoT",
        )
        result = suggest_dates(
            draft, duration_days=duration, search_start=search_start, search_end=search_end, limit=2
        )
        for suggestion in result.suggestions:
            placed = Draft(
                kind=kind,
                start=suggestion.start,
                end=suggestion.end,
                countries=draft.countries,
                offer_ids=draft.offer_ids,
                offer_title=draft.offer_title,
            )
            checked = check_plan(placed)
            assert checked.summary["warning"] >= 3, "three customers never told us about IoT"
            assert suggestion.summary == checked.summary


class TestTheHeatMapAgreesWithTheFinder(HypothesisTestCase):
    """A week the finder offers is never red, and each week's counts are its best day's check."""

    @classmethod
    def setUpTestData(cls):
        seed_danes()

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        kind=st.sampled_from(["event", "campaign", "webinar"]),
        duration=st.integers(1, 6),
        start=st.dates(min_value=D(2026, 1, 1), max_value=D(2028, 12, 31)),
    )
    def test_weeks(self, kind, duration, start):
        draft = Draft(
            kind=kind,
            start=start,
            end=start + datetime.timedelta(days=duration - 1),
            countries=frozenset({"DK"}),
        )
        result = suggest_dates(draft, today=D(2025, 12, 1))
        by_monday = {week.monday: week for week in result.weeks}
        for suggestion in result.suggestions:
            assert (
                by_monday[suggestion.start - datetime.timedelta(suggestion.start.weekday())].blocker
                == 0
            )
        for week in result.weeks[:3]:
            if week.best_start is not None:
                placed = Draft(
                    kind=kind,
                    start=week.best_start,
                    end=week.best_start + datetime.timedelta(days=duration - 1),
                    countries=draft.countries,
                )
                summary = check_plan(placed).summary
                assert (summary["blocker"], summary["warning"]) == (week.blocker, week.warning)


def test_with_no_range_it_searches_around_the_intended_week(danes):
    draft = Draft(
        kind="event", start=D(2027, 10, 19), end=D(2027, 10, 20), countries=frozenset({"DK"})
    )  # Tue-Wed of week 42, the autumn school holiday
    result = suggest_dates(draft, today=D(2026, 12, 1))
    assert (result.search_start, result.search_end) == (D(2027, 9, 7), D(2027, 12, 1))
    first = result.suggestions[0]
    assert first.start.isocalendar().week in (41, 43)
    assert first.summary["blocker"] == 0
    assert abs(first.distance_days) <= 7
    assert first.distance_days == (first.start - draft.start).days
    assert all(s.summary["blocker"] == 0 for s in result.suggestions)
    assert not result.note


@pytest.mark.parametrize(
    ("kind", "earliest"),
    [
        ("event", D(2026, 12, 29)),
        ("trade_fair", D(2026, 12, 29)),
        ("webinar", D(2026, 12, 15)),
        ("meeting", D(2026, 12, 3)),
        ("visit", D(2026, 12, 3)),
    ],
)
def test_never_before_today_plus_the_kinds_lead_time(db, kind, earliest):
    factories.customer("Dane", "DK")
    today = D(2026, 12, 1)
    draft = Draft(kind=kind, start=today, end=today, countries=frozenset({"DK"}))
    assert search_range(kind, today, 1, today)[0] == earliest
    result = suggest_dates(draft, today=today)
    assert min(s.start for s in result.suggestions) >= earliest
    assert result.search_end - result.search_start >= datetime.timedelta(weeks=6)


def test_near_the_last_possible_day_no_suggestion_ends_past_it(db):
    factories.customer("Dane", "DK")
    draft = Draft(
        kind="meeting", start=D(2199, 12, 22), end=D(2199, 12, 24), countries=frozenset({"DK"})
    )
    result = suggest_dates(draft, today=D(2199, 11, 1))
    assert result.search_end == D(2199, 12, 31)
    assert result.suggestions
    assert all(s.start + datetime.timedelta(days=2) <= D(2199, 12, 31) for s in result.suggestions)


def test_the_lead_times_come_from_settings(settings):
    settings.PLAN_MIN_LEAD_DAYS = {"event": 10}
    assert search_range("event", D(2026, 12, 1), 1, D(2026, 12, 1))[0] == D(2026, 12, 11)


def test_fewer_than_five_clear_dates_are_shown_as_such(db):
    factories.customer("Dane", "DK")
    factories.tradition(
        title="Factory shutdown",
        kind="vacation",
        country="DK",
        start=D(2027, 3, 3),
        end=D(2027, 3, 26),
    )
    draft = Draft(
        kind="meeting", start=D(2027, 3, 10), end=D(2027, 3, 10), countries=frozenset({"DK"})
    )
    result = suggest_dates(
        draft, search_start=D(2027, 3, 1), search_end=D(2027, 3, 28), today=D(2026, 12, 1)
    )
    assert [s.start for s in result.suggestions] == [D(2027, 3, 2), D(2027, 3, 1)]
    assert result.note == "Only 2 dates without blockers in 1–28 Mar 2027; widen the range."
    shutdown = [week for week in result.weeks if week.week in (10, 11, 12)]
    assert all(week.blocker == 1 for week in shutdown)
    assert shutdown[1].reasons == ("Factory shutdown: 1 blocker",)


def test_a_holiday_on_a_sunday_does_not_colour_the_week(db):
    factories.customer("Dane", "DK")
    # Constitution Day (de facto) is on Sunday 5 Jun 2033; nothing else is in week 22.
    draft = Draft(
        kind="event", start=D(2033, 5, 31), end=D(2033, 6, 1), countries=frozenset({"DK"})
    )
    result = suggest_dates(
        draft, search_start=D(2033, 5, 30), search_end=D(2033, 6, 5), today=D(2033, 1, 1)
    )
    [week] = result.weeks
    assert (week.blocker, week.warning, week.best_start) == (0, 0, D(2033, 5, 31))
