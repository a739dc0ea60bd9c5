"""Today in a real browser with the demo data: where a sales manager lands, at laptop and phone width.

Screenshots go to tests/artifacts/ (today-laptop, today-phone).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check_today(session, name: str) -> None:
    page = session.page
    session.login("mette", "demo-sales", next_page=None)
    # Sales managers land on Today (calendar admins on the timeline).
    assert page.url == f"{session.base}/today/"
    expect(page.locator("h1")).to_contain_text("Today")
    items = page.locator(".today-item")
    expect(items.first).to_be_visible()
    # Ranked: the groups come in order 1-5, each item with its reason, its day and one action.
    ranks = [
        int(cls.split("rank-")[1][0])
        for cls in (items.nth(n).get_attribute("class") for n in range(items.count()))
    ]
    assert ranks == sorted(ranks)
    first = items.first
    expect(first.locator(".today-reason")).not_to_be_empty()
    expect(first.locator(".today-due time")).to_be_visible()
    expect(first.locator(".today-actions a.button")).to_be_visible()
    expect(first.get_by_role("button", name="Done")).to_be_visible()
    # One item per plan with conflicts, never one per customer.
    plans = page.locator(".today-item.rank-5 .today-title").all_inner_texts()
    assert len(plans) == len(set(plans))
    session.shot(f"today-{name}")
    page.screenshot(path=str(session.shot(f"today-{name}-full")), full_page=True)
    # The logo leads back here.
    page.locator(".brand").click()
    page.wait_for_url(f"{session.base}/today/")


def test_today_on_a_laptop(laptop):
    check_today(laptop, "laptop")


def test_today_on_a_phone(phone):
    check_today(phone, "phone")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
