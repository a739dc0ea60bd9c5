"""The admin's recurrence widget works in a real browser, served without any CDN."""

from __future__ import annotations

import pytest

from tests.support import ARTIFACTS
from traditions.models import LocalTradition

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_local_tradition_add_page_has_a_working_recurrence_widget(admin_page, live_server):
    page = admin_page
    page.goto(f"{live_server.url}/admin/traditions/localtradition/add/")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-localtradition-add.png", full_page=True)

    # A new tradition starts with a yearly rule, not the widget's own weekly one.
    widget = page.locator("div.recurrence-widget")
    assert widget.locator(".panel").count() == 1
    assert "annually" in widget.inner_text().lower() or "year" in widget.inner_text().lower()
    assert page.locator("textarea#id_recurrence").input_value().startswith("RRULE:FREQ=YEARLY")
    add_rule = page.locator("div.recurrence-widget .add-rule")
    assert add_rule.is_visible()
    assert add_rule.inner_text().strip().endswith("Add rule")
    add_rule.click()
    # Another rule panel appears, and the hidden textarea still holds RFC 5545 rules.
    assert page.locator("div.recurrence-widget .panel").count() == 2
    assert page.locator("textarea#id_recurrence").input_value().startswith("RRULE:")
    assert page.problems == []
    assert page.foreign_requests == []


def test_customer_change_page_renders_the_inline_recurrence(admin_page, live_server, retailer):
    page = admin_page
    page.goto(f"{live_server.url}/admin/customers/customer/{retailer.pk}/change/")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "admin-customer-change.png", full_page=True)

    inline = page.locator("#traditions-0 div.recurrence-widget")
    assert inline.locator(".panel").count() == 1
    assert "annually" in inline.inner_text().lower() or "year" in inline.inner_text().lower()
    assert page.problems == []
    assert page.foreign_requests == []


def test_an_iso_week_tradition_shows_its_week_and_no_first_monday(admin_page, live_server, danes):
    page = admin_page
    tradition = LocalTradition.objects.get(title__icontains="autumn")
    page.goto(f"{live_server.url}/admin/traditions/localtradition/{tradition.pk}/change/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=ARTIFACTS / "admin-localtradition-week-42.png", full_page=True)
    assert page.get_by_label("Or every year in ISO week").input_value() == "42"
    widget = page.locator("div.recurrence-widget").inner_text().lower()
    assert "first" not in widget and "monday" not in widget
    assert page.problems == []
