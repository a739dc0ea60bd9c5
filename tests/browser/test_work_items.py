"""Plans as work items and a forward timeline, in a real browser with the demo data.

Screenshots at laptop and phone width go to tests/artifacts/.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from calendarapp.models import Plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_timelines_default_range_contains_today_on_a_phone(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    today = page.locator(".tl-weeks th.today")
    expect(today).to_have_count(1)
    expect(today).to_be_in_viewport()
    box = today.bounding_box()
    names = page.locator(".tl th.tl-corner").bounding_box()
    # Today's week is on screen beside the sticky name column, not scrolled away under it.
    assert names["x"] + names["width"] <= box["x"] and box["x"] + box["width"] <= 390
    week = datetime.date.today().isocalendar().week
    assert today.inner_text() == str(week)
    phone.shot("timeline-forward-phone")
    # A calendar year still scrolls so that today is in view (December sits far right).
    phone.go("/?range=year")
    expect(page.locator(".tl-weeks th.today")).to_be_in_viewport()
    phone.shot("timeline-year-phone")


def test_the_forward_timeline_on_a_laptop_shows_titles_phases_and_marks(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    heading = page.get_by_role("heading", name=re.compile("^Timeline"))
    expect(heading).to_be_visible()
    expect(page.get_by_label("Range", exact=True)).to_have_value("next-quarter")
    expect(page.locator(".tl-weeks th.today")).to_be_in_viewport()
    # Titles show in bars wide enough for them.
    titles = page.locator(".bar .bar-title")
    assert titles.count() > 10
    expect(titles.first).to_be_visible()
    desktop.shot("timeline-forward")
    # The legend explains the marks, and prints.
    page.emulate_media(media="print")
    expect(page.locator(".print-legend")).to_be_visible()
    expect(page.locator(".print-legend")).to_contain_text("notice deadline")
    page.emulate_media(media="screen")
    expect(page.locator(".print-legend")).to_be_hidden()


@pytest.mark.parametrize("width", ["laptop", "phone"])
def test_a_blocked_plans_details_say_it_is_blocked_in_words(width, desktop, phone):
    session = desktop if width == "laptop" else phone
    page = session.page
    session.login("sales", "demo-sales")
    session.go("/?range=next-year")
    bar = page.locator(".bar.blocked").first
    bar.scroll_into_view_if_needed()
    bar.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("⚠ Blocked for this customer:")).to_be_visible()
    expect(dialog.get_by_role("link", name="Open the plan").first).to_be_visible()
    session.shot(f"timeline-blocked-details-{width}")
    page.keyboard.press("Escape")
    # A plan without a blocker on its row says nothing of the kind.
    page.locator(".bar.ours:not(.blocked)").first.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".detail-blocked:visible")).to_have_count(0)


def test_my_plans_all_plans_and_a_plan_page(desktop):
    page = desktop.page
    desktop.login("sales", "demo-sales")
    page.get_by_role("link", name="My plans", exact=True).click()
    expect(page.get_by_role("heading", name="My plans")).to_be_visible()
    rows = page.locator("table.plans tbody tr")
    assert rows.count() == Plan.objects.filter(owner__username="sales").count()
    expect(page.get_by_text("Cancelled: not checked")).to_be_visible()
    expect(
        page.locator("table.plans").get_by_text(re.compile(r"^[1-9]\d* blockers?$")).first
    ).to_be_visible()
    desktop.shot("plans-mine")

    page.get_by_role("link", name="All plans").click()
    expect(page.get_by_role("heading", name="All plans")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Owner")).to_be_visible()
    assert page.locator("table.plans tbody tr").count() == Plan.objects.count()
    desktop.shot("plans-all")

    page.get_by_role("link", name="My plans", exact=True).first.click()
    page.get_by_role("link", name="Nordic customer day").click()
    expect(page.get_by_role("heading", name="Whom it reaches")).to_be_visible()
    expect(page.get_by_label("Status", exact=True)).to_have_value("draft")
    desktop.shot("plan-page")

    page.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("heading", name="Copy of Nordic customer day")).to_be_visible()
    expect(page.get_by_text("this is the copy, a draft")).to_be_visible()
    page.get_by_text("Delete…").click()
    desktop.shot("plan-delete-confirm")
    page.get_by_role("button", name="Delete the plan").click()
    expect(page.get_by_text("Deleted “Copy of Nordic customer day”")).to_be_visible()
    assert not Plan.objects.filter(title__startswith="Copy of").exists()


def test_plans_on_a_phone(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    phone.go("/plans/")
    table = page.locator("table.plans")
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("plans-mine-phone")
    phone.go("/plans/?who=all")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("plans-all-phone")
    page.goto(f"{phone.base}{Plan.objects.get(title='Nordic customer day').get_absolute_url()}")
    expect(page.get_by_role("button", name="Duplicate")).to_be_visible()
    phone.shot("plan-page-phone")


def snooze_and_bring_back(browser, name: str) -> None:
    page = browser.page
    browser.login("mette", "demo-sales")
    browser.go("/today/")
    first = page.locator(".today-item").first
    expect(first).to_be_visible()
    text = first.locator(".today-title").inner_text()
    browser.shot(f"today-{name}")
    first.get_by_role("button", name="Snooze a week").click()
    expect(page.get_by_text("Snoozed: it comes back on")).to_be_visible()
    hidden = page.locator(".digest-hidden")
    expect(hidden).to_contain_text("Done and snoozed")
    hidden.locator("summary").click()
    expect(hidden).to_contain_text(text.strip()[:30])
    browser.shot(f"today-snoozed-{name}")
    hidden.get_by_role("button", name="Bring back").first.click()
    expect(page.get_by_text("It is back on your list.")).to_be_visible()


def test_today_items_can_be_snoozed_and_brought_back(desktop):
    snooze_and_bring_back(desktop, "desktop")


def test_today_items_can_be_snoozed_on_a_phone(phone):
    snooze_and_bring_back(phone, "phone")
