"""The planner: saving plans, who may edit them, the live check panel and "My plans"."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from calendarapp.models import Plan
from calendarapp.planning.panel import distance_words, heat_cells
from calendarapp.planning.services import plan_save
from calendarapp.planning.suggest import WeekLoad
from customers.models import Customer, Interest
from tests import factories

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False):
        yield


def week_42_event(**extra) -> dict:
    return {
        "kind": "event",
        "title": "Autumn seminar",
        "start": "2026-10-13",
        "end": "2026-10-14",
        "countries": ["DK"],
        **extra,
    }


def saved(owner, title: str, start: D, days: int = 1, kind: str = "visit", **audience) -> Plan:
    end = start + datetime.timedelta(days=days - 1)
    return plan_save(owner=owner, kind=kind, title=title, start=start, end=end, **audience)


def test_plan_save_writes_plan_and_audience(sales_manager, danes):
    cloud = Interest.objects.create(name="cloud")
    plan = plan_save(
        owner=sales_manager,
        kind="webinar",
        title="Cloud webinar",
        start=D(2026, 11, 3),
        end=D(2026, 11, 3),
        customers=[danes[0]],
        countries=["NO", "DK", "DK"],
        interests=[cloud],
    )
    plan.refresh_from_db()
    assert plan.owner == sales_manager
    assert list(plan.customers.all()) == [danes[0]]
    assert plan.countries == ["DK", "NO"]
    assert list(plan.interests.all()) == [cloud]


def test_plan_save_refuses_a_plan_that_reaches_nobody(sales_manager):
    # The one home of the rule: the planner, the API and the admin all reach it.
    with pytest.raises(ValidationError) as error:
        plan_save(
            owner=sales_manager,
            kind="event",
            title="For nobody",
            start=D(2026, 11, 3),
            end=D(2026, 11, 3),
        )
    assert error.value.message_dict == {
        "customers": ["Choose an audience: customers, whole countries or interests."]
    }
    assert not Plan.objects.exists()


def test_plan_save_refuses_bad_input_and_writes_nothing(sales_manager, danes):
    with pytest.raises(ValidationError) as error:
        plan_save(
            owner=sales_manager,
            kind="party",
            title="Bad",
            start=D(2026, 11, 3),
            end=D(2026, 11, 1),
            customers=danes,
        )
    assert {"kind", "end"} <= set(error.value.message_dict)
    assert not Plan.objects.exists()


def test_new_plan_page_has_labelled_fields(sales_client, danes):
    html = sales_client.get("/plans/new").content.decode()
    for field in ["kind", "title", "start", "end", "customers", "countries", "interests"]:
        assert f'<label for="id_{field}">' in html
    assert "Choose a kind, start and end dates and an audience" in html


def test_live_check_fragment_names_the_blocker_and_suggests_other_weeks(sales_client, danes):
    response = sales_client.post(
        "/plans/new", week_42_event(action="check"), headers={"X-Fragment": "check"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment, not the page
    assert (
        "2 of 2 customers in Denmark: Autumn school holiday (week 42, 12–16 Oct 2026), "
        "the people are not there for your event."
    ) in html
    assert "2 blockers" in html.replace('<span class="count count-blocker">2</span>', "2")
    suggestions = html.split('class="suggestions"')[1].split("</ul>")[0]
    starts = [part[:10] for part in suggestions.split('data-start="')[1:]]
    assert len(starts) == 5
    assert all(D.fromisoformat(start).isocalendar().week != 42 for start in starts)
    assert (
        '<strong>5 days earlier (week 41)</strong> <span class="suggestion-outcome">no conflicts'
    ) in suggestions
    # From today plus an event's four weeks (29 Sep) to six weeks after the start.
    assert "between 29 Sep 2026 and 25 Nov 2026" in html
    assert html.count('class="heat-cell') == 9
    assert "Week 42, 2026: best start Tue 13 Oct 2026, 2 blockers" in html
    assert not Plan.objects.exists()


def test_applying_a_suggestion_without_javascript(sales_client, danes):
    response = sales_client.post("/plans/new", week_42_event(apply="2026-11-03|2026-11-04"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-11-03"' in html and 'value="2026-11-04"' in html
    assert "0 blockers" in html.replace('<span class="count count-blocker">0</span>', "0")
    assert not Plan.objects.exists()


def test_saving_a_plan_with_blockers_asks_once_to_confirm(sales_client, danes):
    response = sales_client.post("/plans/new", week_42_event(action="save"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This plan has 2 blockers" in html
    assert 'name="action" value="save-anyway"' in html
    assert not Plan.objects.exists()
    response = sales_client.post("/plans/new", week_42_event(action="save-anyway"))
    assert response.status_code == 302
    assert Plan.objects.get().title == "Autumn seminar"


def test_a_plan_without_blockers_saves_at_once(sales_client, danes):
    response = sales_client.post(
        "/plans/new", week_42_event(action="save", start="2026-10-20", end="2026-10-21")
    )
    assert response.status_code == 302
    assert Plan.objects.get().start == D(2026, 10, 20)


def test_save_creates_the_plan_and_shows_it(sales_client, sales_manager, danes):
    response = sales_client.post("/plans/new", week_42_event(action="save-anyway"), follow=True)
    plan = Plan.objects.get()
    assert response.redirect_chain == [(f"/plans/{plan.pk}", 302)]
    assert plan.owner == sales_manager and plan.countries == ["DK"]
    html = response.content.decode()
    assert "Saved “Autumn seminar”." in html
    assert "the people are not there for your event" in html  # the saved plan's check
    # The timeline link opens two weeks before the plan, for context.
    assert f"/?start={(plan.start - datetime.timedelta(weeks=2)).isoformat()}" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Title: This field is required."),
        ({"end": "2026-10-01"}, "End (last day): The end date cannot be before the start date."),
        ({"start": "2026-13-45"}, "Start: Enter a valid date."),
        ({"kind": "party"}, "Kind: Select a valid choice."),
        ({"start": "0001-01-01"}, "Start: Give a date between the years 1900 and 2199."),
        ({"end": "9999-12-31"}, "End (last day): Give a date between the years 1900 and 2199."),
        ({"countries": ["ZZ"]}, "Whole countries: Select a valid choice."),
        ({"countries": []}, "Customers: Choose an audience"),
    ],
)
def test_save_errors_name_the_field(sales_client, danes, changes, message):
    response = sales_client.post("/plans/new", week_42_event(action="save", **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_incomplete_draft_gives_a_hint_not_an_error(sales_client, danes):
    response = sales_client.post(
        "/plans/new", {"kind": "event", "start": "2026-10-13"}, headers={"X-Fragment": "check"}
    )
    assert response.status_code == 200
    assert "Choose a kind, start and end dates and an audience" in response.content.decode()


def test_owner_edits_own_plan_but_not_someone_elses(
    sales_client, sales_manager, calendar_admin, danes
):
    own = saved(sales_manager, "Mine", D(2026, 11, 2), customers=danes)
    theirs = saved(calendar_admin, "Admin's", D(2026, 11, 2), customers=danes)
    assert sales_client.get(f"/plans/{own.pk}").status_code == 200
    assert sales_client.get(f"/plans/{theirs.pk}").status_code == 403
    response = sales_client.post(
        f"/plans/{theirs.pk}", week_42_event(action="save", title="Taken over")
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Admin's"
    assert sales_client.get("/plans/999999").status_code == 404


def test_admin_edits_any_plan_and_ownership_stays(admin_client, sales_manager, danes):
    plan = saved(sales_manager, "Visit", D(2026, 11, 2), customers=danes)
    response = admin_client.post(f"/plans/{plan.pk}", week_42_event(action="save-anyway"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.kind, plan.owner) == ("Autumn seminar", "event", sales_manager)
    assert list(plan.customers.all()) == []  # the form's audience replaced the old one


def test_user_without_a_role_cannot_plan(client, nobody):
    client.force_login(nobody)
    assert client.get("/plans/new").status_code == 403


def test_my_plans_lists_own_plans_with_conflict_counts(
    sales_client, sales_manager, calendar_admin, danes, django_assert_max_num_queries
):
    saved(sales_manager, "Autumn seminar", D(2026, 10, 13), 2, "event", countries=["DK"])
    saved(calendar_admin, "Not mine", D(2026, 10, 13), 2, "event", countries=["DK"])
    with django_assert_max_num_queries(20) as captured:
        html = sales_client.get("/plans/").content.decode()
    assert "Autumn seminar" in html and "Not mine" not in html
    assert '2 <span class="count-word">blockers</span>' in html
    few = len(captured)
    for week in range(10):
        monday = D(2026, 11, 2) + datetime.timedelta(weeks=week)
        saved(sales_manager, f"Webinar {week}", monday, kind="webinar", customers=danes)
        Customer.objects.create(name=f"Extra {week}", country="DK")
    with django_assert_max_num_queries(few):
        sales_client.get("/plans/")


def test_heat_levels_are_relative_to_the_busiest_week():
    weeks = [
        WeekLoad(2026, 40, D(2026, 9, 28), blocker=0, warning=0, best_start=D(2026, 9, 28)),
        WeekLoad(2026, 41, D(2026, 10, 5), blocker=0, warning=4, best_start=D(2026, 10, 6)),
        WeekLoad(2026, 42, D(2026, 10, 12), blocker=6, warning=1, best_start=D(2026, 10, 12)),
        WeekLoad(2026, 43, D(2026, 10, 19), blocker=1, warning=0, best_start=D(2026, 10, 19)),
        WeekLoad(2026, 44, D(2026, 10, 26), blocker=0, warning=0),
    ]
    cells = heat_cells(weeks, 2)
    assert [cell.css for cell in cells] == ["heat-0", "heat-w3", "heat-b3", "heat-b1", "heat-none"]
    assert cells[2].label == "Week 42, 2026: best start Mon 12 Oct 2026, 6 blockers, 1 warning"
    assert cells[0].label == "Week 40, 2026: best start Mon 28 Sep 2026, no conflicts"
    assert cells[2].best_end == D(2026, 10, 13)
    assert cells[4].label == "Week 44, 2026: no start day in the search range"


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "Your date"),
        (7, "One week later"),
        (-14, "2 weeks earlier"),
        (-1, "One day earlier"),
        (5, "5 days later"),
        (83, "About 12 weeks later"),
    ],
)
def test_distance_is_said_in_days_or_weeks(days, words):
    assert distance_words(days) == words


def test_plan_for_this_customer_preselects_the_audience(sales_client, danes):
    customer_page = sales_client.get(f"/customers/{danes[1].pk}").content.decode()
    assert f"/plans/new?customers={danes[1].pk}" in customer_page
    html = sales_client.get("/plans/new", {"customers": [str(danes[1].pk), "x"]}).content.decode()
    assert f'<option value="{danes[1].pk}" selected>' in html
    assert f'<option value="{danes[0].pk}">' in html


def test_far_search_start_is_kept_within_three_years(sales_client, danes):
    response = sales_client.post(
        "/plans/new",
        week_42_event(action="check", search_from="9999-12-31"),
        headers={"X-Fragment": "check"},
    )
    assert response.status_code == 200
    assert "between 3 Sep 2029 and" in response.content.decode()


def test_a_search_range_given_is_searched(sales_client, danes):
    response = sales_client.post(
        "/plans/new",
        week_42_event(action="check", search_from="2027-01-04", search_to="2027-01-29"),
        headers={"X-Fragment": "check"},
    )
    html = response.content.decode()
    assert "between 4 Jan 2027 and 29 Jan 2027" in html
    assert "<strong>About 12 weeks later (week 1)</strong>" in html


def test_a_search_range_ending_before_it_starts_is_named(sales_client, danes):
    response = sales_client.post(
        "/plans/new", week_42_event(action="save", search_from="2027-01-04", search_to="2027-01-01")
    )
    assert "Look to: The end date cannot be before the start date." in response.content.decode()


def test_the_panel_shares_one_calendar_load_and_says_the_same(danes):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calendarapp.planning.check import check_plan
    from calendarapp.planning.drafts import Draft
    from calendarapp.planning.panel import planner_panel
    from calendarapp.planning.suggest import suggest_dates

    today = datetime.date(2026, 9, 28)
    draft = Draft(
        kind="event",
        start=datetime.date(2026, 10, 13),
        end=datetime.date(2026, 10, 14),
        countries=frozenset({"DK"}),
    )
    with CaptureQueriesContext(connection) as separate:
        check = check_plan(draft)
        found = suggest_dates(draft, today=today)
    with CaptureQueriesContext(connection) as shared:
        panel = planner_panel(draft, today=today)
    assert panel.check.findings == check.findings
    assert [view.suggestion for view in panel.suggestions] == found.suggestions
    assert [cell.load for cell in panel.heat] == found.weeks
    assert len(shared) < len(separate)


def test_the_live_panel_queries_do_not_grow_with_the_audience(
    sales_client, danes, django_assert_max_num_queries
):
    # Friday to Sunday: every customer has a weekend finding, grouped into one line.
    body = week_42_event(action="check", start="2026-11-06", end="2026-11-08")
    with django_assert_max_num_queries(20) as captured:
        html = sales_client.post("/plans/new", body, headers={"X-Fragment": "check"})
    assert "2 of 2 customers in Denmark: your event falls on a weekend" in html.content.decode()
    few = len(captured)
    for number in range(18):
        factories.customer(f"Dansk {number}", "DK")
    with django_assert_max_num_queries(few):
        html = sales_client.post("/plans/new", body, headers={"X-Fragment": "check"})
    assert "20 of 20 customers in Denmark: your event falls on a weekend" in html.content.decode()
