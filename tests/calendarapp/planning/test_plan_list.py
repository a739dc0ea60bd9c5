"""Plans as work items: status, My plans and All plans, delete, duplicate, the plan's audience."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from calendarapp.models import Plan, PlanStatus
from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.services import plan_save
from customers.models import Customer, Interest
from tests import factories

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0), tick=False):
        yield


def seminar(owner, **fields) -> Plan:
    """A two-day event in Danish week 42 of 2026: two blockers with the `danes` fixture."""
    return factories.plan(
        owner=owner,
        title=fields.pop("title", "Autumn seminar"),
        start=D(2026, 10, 13),
        end=D(2026, 10, 14),
        countries=["DK"],
        **fields,
    )


def form_data(**extra) -> dict:
    return {
        "kind": "event",
        "title": "Autumn seminar",
        "start": "2026-11-03",
        "end": "2026-11-04",
        "countries": ["DK"],
        "action": "save",
        **extra,
    }


def test_a_new_plan_is_a_draft_and_the_planner_saves_its_status(sales_client, danes):
    response = sales_client.post("/plans/new", form_data(status="confirmed"))

    assert response.status_code == 302
    assert Plan.objects.get().status == PlanStatus.CONFIRMED
    assert seminar(Plan.objects.get().owner, title="Other").status == PlanStatus.DRAFT


def test_a_form_without_the_status_keeps_the_plans_status(sales_client, sales_manager, danes):
    plan = seminar(sales_manager, status=PlanStatus.CONFIRMED)

    sales_client.post(f"/plans/{plan.pk}", form_data(title="Renamed", action="save-anyway"))

    plan.refresh_from_db()
    assert (plan.title, plan.status) == ("Renamed", PlanStatus.CONFIRMED)


def test_an_unknown_status_is_refused_by_name_and_nothing_is_saved(sales_client, danes):
    response = sales_client.post("/plans/new", form_data(status="maybe"))

    assert response.status_code == 200
    assert "Status: Select a valid choice" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_api_reads_and_writes_the_status(sales_client, sales_manager, danes):
    created = sales_client.post(
        "/api/plans", form_data(customers=[danes[0].pk]), content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft"
    plan_id = created.json()["id"]

    patched = sales_client.patch(
        f"/api/plans/{plan_id}", {"status": "cancelled"}, content_type="application/json"
    )
    assert patched.json()["status"] == "cancelled"
    renamed = sales_client.patch(
        f"/api/plans/{plan_id}", {"title": "New name"}, content_type="application/json"
    )
    assert renamed.json()["status"] == "cancelled"  # a PATCH without it keeps it
    bad = sales_client.patch(
        f"/api/plans/{plan_id}", {"status": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


def test_a_cancelled_plan_leaves_the_check_of_other_plans(sales_manager, danes):
    week = D(2026, 11, 3)
    other = factories.plan(
        owner=sales_manager, title="Mailing", kind="campaign", start=week, customers=danes
    )
    draft = Draft(kind="webinar", start=week, end=week, customer_ids=frozenset({danes[0].pk}))
    assert any(f.rule == "same_week_plan" for f in check_plan(draft).findings)

    other.status = PlanStatus.CANCELLED
    other.save()

    assert not any(f.rule == "same_week_plan" for f in check_plan(draft).findings)


def test_my_plans_shows_status_audience_and_counts_and_all_plans_the_team(
    sales_client, sales_manager, calendar_admin, danes
):
    seminar(sales_manager)
    seminar(sales_manager, title="Called off", status=PlanStatus.CANCELLED)
    seminar(calendar_admin, title="Not mine")

    mine = sales_client.get("/plans/").content.decode()
    team = sales_client.get("/plans/?who=all").content.decode()

    assert "Autumn seminar" in mine and "Not mine" not in mine
    assert '2 <span class="count-word">blockers</span>' in mine
    assert "Cancelled: not checked" in mine
    assert "DK" in mine and "Draft" in mine
    assert "Not mine" in team and '<th scope="col">Owner</th>' in team
    # Someone else's plan is not editable by a sales manager: it links to the timeline.
    assert "/?start=2026-10-13" in team


def test_a_bad_who_parameter_is_400_naming_it(sales_client):
    response = sales_client.get("/plans/?who=boss")

    assert response.status_code == 400
    assert "who" in response.content.decode()


@pytest.mark.parametrize("who", ["mine", "all"])
def test_plan_lists_cost_the_same_queries_at_2_and_20_plans(
    sales_client, sales_manager, danes, who, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for number in range(count):
            customer = Customer.objects.create(name=f"Extra {number}", country="DK")
            factories.plan(
                owner=sales_manager,
                title=f"Webinar {number}",
                kind="webinar",
                start=D(2026, 11, 2) + datetime.timedelta(weeks=number),
                customers=[customer, danes[0]],
                countries=["NO"],
            )

    add(2)
    with django_assert_max_num_queries(30) as captured:
        sales_client.get(f"/plans/?who={who}")
    add(18)
    with django_assert_max_num_queries(len(captured)):
        response = sales_client.get(f"/plans/?who={who}")
    assert len(response.context["rows"]) == 20


def test_delete_removes_the_plan_and_only_its_owner_or_an_admin_may(
    sales_client, client, sales_manager, calendar_admin, danes
):
    theirs = seminar(calendar_admin, title="Theirs")
    mine = seminar(sales_manager)

    assert sales_client.post(f"/plans/{theirs.pk}/delete").status_code == 403
    assert sales_client.get(f"/plans/{mine.pk}/delete").status_code == 405
    response = sales_client.post(f"/plans/{mine.pk}/delete", follow=True)

    assert list(Plan.objects.all()) == [theirs]
    assert "Deleted “Autumn seminar”" in response.content.decode()


def _delete_version(client, plan: Plan) -> str:
    page = client.get(f"/plans/{plan.pk}").content.decode()
    form = re.search(rf'action="/plans/{plan.pk}/delete".*?</form>', page, re.S)
    assert form, "the plan page has its delete button"
    version = re.search(r'name="version" value="([^"]+)"', form.group(0))
    assert version, "the delete button carries the plan's version"
    return version.group(1)


def test_a_plan_changed_since_its_page_was_shown_is_not_deleted(sales_client, sales_manager, danes):
    plan = seminar(sales_manager)
    version = _delete_version(sales_client, plan)
    plan_save(plan=plan, owner=sales_manager, title="Autumn seminar, moved indoors")

    response = sales_client.post(f"/plans/{plan.pk}/delete", {"version": version}, follow=True)

    assert Plan.objects.filter(pk=plan.pk).exists()
    text = response.content.decode()
    assert "Nothing was deleted" in text
    assert "Autumn seminar, moved indoors" in text
    # The page shown again carries the version now: deleting from it goes ahead.
    again = _delete_version(sales_client, plan)
    assert sales_client.post(f"/plans/{plan.pk}/delete", {"version": again}).status_code == 302
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_duplicate_makes_a_draft_copy_with_the_same_audience(sales_client, sales_manager, danes):
    cloud = Interest.objects.create(name="cloud")
    original = seminar(
        sales_manager, status=PlanStatus.CONFIRMED, customers=[danes[1]], interests=[cloud]
    )

    response = sales_client.post(f"/plans/{original.pk}/duplicate")

    copy = Plan.objects.exclude(pk=original.pk).get()
    assert response["Location"] == f"/plans/{copy.pk}"
    assert copy.title == "Copy of Autumn seminar"
    assert copy.status == PlanStatus.DRAFT
    assert (copy.start, copy.end, copy.countries) == (original.start, original.end, ["DK"])
    assert list(copy.customers.all()) == [danes[1]]
    assert list(copy.interests.all()) == [cloud]


def test_the_plan_page_lists_whom_it_reaches_with_their_owners(
    sales_client, sales_manager, calendar_admin, danes
):
    danes[0].owner = calendar_admin
    danes[0].save()
    plan = seminar(sales_manager)

    html = sales_client.get(f"/plans/{plan.pk}").content.decode()

    assert "Whom it reaches" in html
    assert "Aarhus A/S" in html and "Bornholm A/S" in html
    assert f"their account owners: {calendar_admin.username}" in html
    assert "Delete…" in html and "Duplicate" in html
