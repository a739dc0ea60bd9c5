"""A sales manager's day in a real browser, with the demo data: timeline, planner, limits.

Each test leaves screenshots in tests/artifacts/ at desktop and phone width.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from calendarapp.models import Plan
from customers.models import Customer
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DANE = "Aarhus Software House ApS"


def week_42(year: int) -> datetime.date:
    return datetime.date.fromisocalendar(year, 42, 1)


def row(page, customer: str):
    return page.locator("tr", has=page.get_by_role("link", name=customer, exact=True))


def test_timeline_shows_week_42_vacation_and_filters_by_country(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    expect(page.get_by_role("heading", name=re.compile("^Timeline"))).to_be_visible()
    page.get_by_label("Range", exact=True).select_option("year")
    page.get_by_label("From", exact=True).fill(week_42(datetime.date.today().year).isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"range=year"))

    monday = week_42(datetime.date.today().year)
    vacation = row(page, DANE).locator('.bar.k-vacation[title*="Autumn school holiday (week 42)"]')
    expect(vacation).to_have_count(1)
    expect(vacation).to_have_text("V")
    assert f"{monday.day}–{monday.day + 4} Oct" in vacation.get_attribute("title")
    vacation.scroll_into_view_if_needed()
    desktop.shot("timeline-year")

    # Keyboard: focus the bar, open its details with Enter, close them with Esc.
    vacation.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Autumn school holiday (week 42)")
    expect(dialog).to_contain_text("week 42, 5 days")
    expect(dialog).to_contain_text(re.compile(r"act(-| )by"))
    expect(dialog.get_by_role("link", name=DANE)).to_be_visible()
    desktop.shot("timeline-details")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(vacation).to_be_focused()

    page.get_by_label("Country", exact=True).select_option("DK")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"country=DK"))
    danish = Customer.objects.filter(country="DK", active=True).count()
    expect(page.get_by_text(f"Customers 1–{danish} of {danish}")).to_be_visible()
    codes = page.locator(".tl tbody .tl-cc").all_inner_texts()
    assert codes and set(codes) == {"DK"}
    assert "range=year" in page.url  # the whole state stays in the link
    desktop.shot("timeline-denmark")


def test_timeline_on_a_phone(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    expect(page.locator(".tl")).to_be_visible()
    # The filters start folded so the grid is on screen; the summary opens them.
    expect(page.get_by_label("Range", exact=True)).to_be_hidden()
    page.get_by_text("Filters and legend").click()
    expect(page.get_by_label("Range", exact=True)).to_be_visible()
    page.get_by_text("Filters and legend").click()
    name_cell = page.locator(".tl tbody th").first
    box = name_cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.shot("timeline-phone")


def plan_week_42_event(session, year: int) -> None:
    page = session.page
    page.get_by_role("link", name="Planner", exact=True).click()
    expect(page.get_by_role("heading", name="New plan")).to_be_visible()
    page.get_by_label("Kind", exact=True).select_option("event")
    page.get_by_label("Title", exact=True).fill("Autumn customer seminar")
    page.get_by_label("Start", exact=True).fill(week_42(year).isoformat())
    page.get_by_label("End (last day)", exact=True).fill(
        (week_42(year) + datetime.timedelta(days=1)).isoformat()
    )
    # The audience picker is a search box with chips: Enter adds the first match.
    page.get_by_label("Whole countries", exact=True).fill("Denmark")
    page.keyboard.press("Enter")
    expect(page.locator(".chip", has_text="Denmark")).to_be_visible()


def test_plan_in_week_42_see_blocker_apply_suggestion_save_and_find_on_timeline(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    year = datetime.date.today().year + 1
    plan_week_42_event(desktop, year)

    blockers = page.locator("li[data-severity=blocker]")
    expect(blockers.first).to_contain_text(
        re.compile(r"\d+ of \d+ customers in Denmark: Autumn school holiday \(week 42\) \("),
        timeout=10_000,
    )
    expect(blockers.first).to_contain_text("the people are not there for your event.")
    suggestions = page.locator(".suggestions button")
    expect(suggestions).to_have_count(5)
    expect(page.locator(".heat .heat-cell")).to_have_count(13)
    desktop.shot("planner-blocker")
    # A group opens to its customers.
    blockers.first.locator("summary").first.click()
    expect(blockers.first.locator(".group-customers li").first).to_be_visible()
    desktop.shot("planner-group-open")

    # The first answer is the week before or after, with no blocker.
    first = suggestions.first
    start = datetime.date.fromisoformat(first.get_attribute("data-start"))
    end = datetime.date.fromisoformat(first.get_attribute("data-end"))
    assert start.isocalendar().week in (41, 43)
    expect(first).not_to_contain_text("blocker")
    assert (end - start).days == 1  # still a two-day event
    first.click()
    expect(page.get_by_label("Start", exact=True)).to_have_value(start.isoformat())
    expect(page.get_by_label("End (last day)", exact=True)).to_have_value(end.isoformat())
    expect(page.locator("#check-title")).to_be_visible()
    expect(page.locator(".findings")).to_contain_text(f"for {start:%a} {start.day} ")
    expect(page.locator("li[data-severity=blocker]")).to_have_count(0)

    page.get_by_role("button", name="Save plan", exact=True).click()
    expect(page.get_by_text("Saved “Autumn customer seminar”.")).to_be_visible()
    plan = Plan.objects.get(title="Autumn customer seminar")
    assert (plan.start, plan.end, plan.countries) == (start, end, ["DK"])
    desktop.shot("planner-saved")

    page.get_by_role("link", name="Show on the timeline", exact=True).click()
    # The demo's own "Nordic customer day" sits in week 42 beside it.
    ours = row(page, DANE).locator('.bar.k-event[title*="Autumn customer seminar"]')
    expect(ours).to_have_count(1)
    assert ours.inner_text().startswith("Ev")
    ours.click()
    expect(
        page.get_by_role("dialog").get_by_role("link", name="Open the plan", exact=True)
    ).to_be_visible()
    desktop.shot("timeline-with-plan")

    page.keyboard.press("Escape")
    page.get_by_role("link", name="My plans", exact=True).click()
    expect(page.get_by_role("link", name="Autumn customer seminar", exact=True)).to_be_visible()
    desktop.shot("my-plans")


def test_planner_on_a_phone(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    plan_week_42_event(phone, datetime.date.today().year + 1)
    expect(page.locator("li[data-severity=blocker]").first).to_be_visible(timeout=10_000)
    page.locator("#plan-check").scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the planner scrolls sideways on a phone ({width}px)"
    phone.shot("planner-phone")
    page.locator("#suggest-title").scroll_into_view_if_needed()
    phone.shot("planner-phone-dates")
    for index in (5, 6):
        page.locator(".heat .heat-cell").nth(index).focus()
        expect(page.locator(".heat-cell:focus .heat-tip")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"a heat-map tip pushes the page sideways ({width}px)"
    phone.shot("planner-phone-heat")
    # Saving with blockers asks once.
    page.get_by_role("button", name="Save plan", exact=True).click()
    confirm = page.locator("#confirm-blockers")
    expect(confirm).to_contain_text("This plan has 6 blockers")
    confirm.scroll_into_view_if_needed()
    phone.shot("planner-phone-confirm")
    assert not Plan.objects.filter(title="Autumn customer seminar").exists()
    confirm.get_by_role("button", name="Save anyway", exact=True).click()
    expect(page.get_by_text("Saved “Autumn customer seminar”.")).to_be_visible()


def test_a_heat_map_week_sets_the_start_to_its_best_day(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    year = datetime.date.today().year + 1
    plan_week_42_event(desktop, year)
    week_44 = page.locator(".heat .heat-cell", has_text=re.compile(rf"^\s*44\s*{year}"))
    expect(week_44).to_have_count(1, timeout=10_000)
    week_44.hover()
    tip = week_44.locator(".heat-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(f"Week 44, {year}: best start")
    desktop.shot("planner-heat-tip")
    best = datetime.date.fromisoformat(week_44.get_attribute("data-start"))
    assert best.isocalendar()[:2] == (year, 44)
    week_44.click()
    expect(page.get_by_label("Start", exact=True)).to_have_value(best.isoformat())
    expect(page.get_by_label("End (last day)", exact=True)).to_have_value(
        (best + datetime.timedelta(days=1)).isoformat()
    )
    expect(page.locator(".findings")).to_contain_text("(week 44)")
    # Week 42 is red: every Danish customer is on school holiday there.
    week_42_cell = page.locator(".heat .heat-cell", has_text=re.compile(rf"^\s*42\s*{year}"))
    expect(week_42_cell).to_have_class(re.compile(r"heat-b\d"))


def test_sales_manager_cannot_reach_the_admins_edit_pages(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin", exact=True)
    ).to_have_count(0)
    customer = Customer.objects.get(name=DANE)

    desktop.go(f"/customers/{customer.pk}")
    expect(page.get_by_role("heading", name=DANE)).to_be_visible()
    # No way into the admin's edit pages (as this customer's owner she edits its people here).
    expect(page.locator("main a[href*='/admin/']")).to_have_count(0)
    desktop.shot("customer-page")

    # The admin shows a sales manager at most a read-only view: no field to change, no Save.
    desktop.go(f"/admin/customers/customer/{customer.pk}/change/")
    expect(page.locator("input[name=name]")).to_have_count(0)
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    desktop.shot("admin-customer-read-only")
    for path in ["/admin/customers/customer/add/", "/admin/traditions/localtradition/add/"]:
        assert page.goto(f"{desktop.base}{path}").status == 403

    admin_plan = factories.plan(
        owner=User.objects.get(username="admin"),
        kind="visit",
        title="Admin's visit",
        start=week_42(datetime.date.today().year + 1),
        end=week_42(datetime.date.today().year + 1),
        customers=[customer],
    )
    response = page.goto(f"{desktop.base}/plans/{admin_plan.pk}")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    desktop.shot("plan-not-allowed")


def test_country_and_customer_pages_on_a_phone(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    customer = Customer.objects.get(name=DANE)
    phone.go(f"/customers/{customer.pk}")
    expect(page.get_by_role("heading", name="Coming up")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("customer-phone")
    phone.go("/countries/DE?subdivision=BY")
    expect(page.get_by_text("Corpus Christi")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("country-phone")


def test_missing_page_is_a_styled_404(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    response = page.goto(f"{phone.base}/no-such-page")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the timeline")).to_be_visible()
    phone.shot("not-found-phone")
