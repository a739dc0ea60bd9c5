"""`make bench` keeps working: every figure runs on a small version of its data set."""

import pytest
from django.core.management import CommandError, call_command

from calendarapp.devtools import bench


def test_bench_refuses_a_database_not_meant_for_it(db):
    with pytest.raises(CommandError, match="bench"):
        call_command("bench")


def test_every_figure_runs_on_a_small_data_set(db, monkeypatch):
    monkeypatch.setattr(bench, "CUSTOMERS", 40)
    monkeypatch.setattr(bench, "PLANS", 6)
    data = bench.build_data()
    assert len(data.customer_ids) == 40
    results = {name: function(data) for name, (unit, function) in bench.FIGURES.items()}
    assert set(results) >= {
        "expand_year_all_ms",
        "queries_expand_year",
        "check_plan_all_ms",
        "suggest_26_weeks_ms",
        "holidays_warm_ms",
        "timeline_page_ms",
        "planner_panel_all_ms",
        "feed_all_cold_ms",
        "feed_all_warm_ms",
    }
    assert all(value >= 0 for value in results.values())
    assert results["queries_expand_year"] == 9
