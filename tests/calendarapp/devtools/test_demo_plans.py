"""The demo's plans: a newcomer sees plans with blockers and warnings on first run."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.devtools.demo import demo_plan_start, load_demo
from calendarapp.devtools.demo_data import PLANS
from calendarapp.models import Plan, PlanStatus
from calendarapp.planning.check import check_plans

TODAY = datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_about_ten_plans_some_with_blockers_some_with_warnings_and_none_doubled():
    load_demo(today=TODAY)
    load_demo(today=TODAY)

    plans = list(Plan.objects.prefetch_related("customers", "interests"))
    assert len(plans) == len(PLANS) >= 10
    live = [plan for plan in plans if plan.status != PlanStatus.CANCELLED]
    results = check_plans(live)
    summaries = {plan.title: results[plan.pk].summary for plan in live}
    blocked = [title for title, summary in summaries.items() if summary["blocker"]]
    warned = [
        title
        for title, summary in summaries.items()
        if summary["warning"] and not summary["blocker"]
    ]
    assert {"Nordic customer day", "Year-end thank-you webinar"} <= set(blocked)
    assert "Open house in Aarhus" in warned  # a Saturday
    assert len(blocked) >= 2 and len(warned) >= 2
    assert Plan.objects.filter(status=PlanStatus.CANCELLED).count() == 1
    assert Plan.objects.filter(owner__username="sales").count() >= 5  # the default login's


@given(today=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2040, 12, 31)))
def test_every_demo_plan_starts_ahead_of_the_day_the_demo_is_loaded(today):
    for spec in PLANS:
        start = demo_plan_start(spec, today)
        assert start > today
        assert start.isoweekday() == spec.weekday or spec.month_day
