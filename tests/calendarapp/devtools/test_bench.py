"""`make bench` keeps working: every figure runs on a small version of its data set."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from calendarapp.devtools import bench
from customers.models import Customer
from tests import factories


@pytest.fixture
def small_sizes(monkeypatch):
    monkeypatch.setattr(bench, "CUSTOMERS", 40)
    monkeypatch.setattr(bench, "LARGE_CUSTOMERS", 80)
    monkeypatch.setattr(bench, "PLANS", 6)


def test_bench_asks_before_filling_a_database_not_named_for_it(db, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda question: "n")
    with pytest.raises(CommandError, match="--yes"):
        call_command("bench")
    assert not Customer.objects.exists()


def test_bench_refuses_a_database_with_customers_it_did_not_create_even_with_yes(db):
    factories.customer("A real customer")
    with pytest.raises(CommandError, match="did not create"):
        call_command("bench", "--yes")


def test_bench_says_which_database_it_used_and_reuses_the_data_set_it_made(
    db, small_sizes, settings, tmp_path, capsys
):
    settings.BASE_DIR = tmp_path
    call_command("bench", "--yes", "--only", "queries_expand_year", "expand_year_20k_ms")
    printed = capsys.readouterr().out
    used = f"{connection.vendor} database {connection.settings_dict['NAME']}"
    assert f"Database: {used}" in printed
    results = json.loads((tmp_path / "build" / "bench.json").read_text())
    assert results["database"].startswith(used)
    assert results["queries_expand_year"]["value"] == 9
    call_command("bench", "--yes", "--only", "queries_expand_year")  # its own data: no refusal
    assert Customer.objects.count() == 80


def test_a_misspelt_figure_is_refused_by_name_before_any_data_is_built(db):
    with pytest.raises(CommandError, match=r"No such figure: expand_year_all\. "):
        call_command("bench", "--yes", "--only", "expand_year_all", "expand_year_all_ms")
    assert not Customer.objects.exists()


def test_every_figure_runs_on_a_small_data_set(db, small_sizes):
    data = bench.build_data()
    assert len(data.customer_ids) == 80
    results = {}
    for size in (bench.SMALL, bench.LARGE):
        bench.use_size(data, size)
        for name, (_unit, function, at) in bench.FIGURES.items():
            if at == size:
                results[name] = function(data)
    assert set(results) >= {
        "expand_year_all_ms",
        "expand_floor_ratio",
        "queries_expand_year",
        "check_plan_all_ms",
        "check_plan_warm_ms",
        "suggest_26_weeks_ms",
        "suggest_near_ms",
        "holidays_warm_ms",
        "timeline_page_ms",
        "planner_panel_all_ms",
        "feed_all_cold_ms",
        "feed_all_warm_ms",
        "expand_year_20k_ms",
        "check_plan_20k_ms",
        "check_plan_20k_warm_ms",
        "planner_panel_20k_ms",
        "timeline_page_20k_ms",
        "check_plan_20k_after_edit_ms",
        "planner_panel_20k_after_edit_ms",
        "timeline_page_20k_after_edit_ms",
        "feed_all_20k_after_edit_ms",
        "feed_all_20k_peak_rss_mb",
        "feed_all_20k_cold_ms",
        "feed_all_20k_warm_ms",
        "feed_all_20k_peak_mb",
        "import_2000_customers_dry_run_ms",
        "import_2000_customers_ms",
        "reminders_all_owners_ms",
        "today_all_owners_ms",
    }
    assert all(value >= 0 for value in results.values())
    assert not Customer.objects.filter(name__startswith="Imported ").exists()  # rolled back
    # Queries of one expansion: one a source (the decision steps have their own), and no more.
    assert results["queries_expand_year"] == 9


def test_the_small_size_leaves_only_its_customers_active(db, small_sizes):
    data = bench.build_data()
    bench.use_size(data, bench.SMALL)
    assert Customer.objects.filter(active=True).count() == 40
    bench.use_size(data, bench.LARGE)
    assert Customer.objects.filter(active=True).count() == 80
