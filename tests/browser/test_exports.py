"""The download buttons of the plan page, the customer page and Opportunities now, in Chromium.

Screenshots land in tests/artifacts/ (exports-plan-laptop/-phone, exports-touches-laptop/-phone,
exports-opportunities-laptop/-phone).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from calendarapp.models import Plan
from customers.models import Customer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def plan_with_audience() -> Plan:
    """A demo plan for whole countries, so its audience is a list worth downloading."""
    return next(plan for plan in Plan.objects.order_by("start", "id") if plan.countries)


def customer_with_touches() -> Customer:
    return Customer.objects.filter(touchpoints__isnull=False).order_by("name").first()


def downloaded(page, name: str) -> tuple[str, bytes]:
    with page.expect_download() as download:
        page.get_by_role("link", name=name).click()
    return download.value.suggested_filename, download.value.path().read_bytes()


def sheet_rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data))["rows"].iter_rows(values_only=True))


def open_section(desktop, path: str, section: str, shot: str):
    """Log in as sales, open `path`, bring `section` into view and take the laptop screenshot."""
    desktop.login("sales", "demo-sales")
    desktop.go(path)
    desktop.page.wait_for_load_state("networkidle")  # a download started mid-load was cancelled
    found = desktop.page.locator(section)
    found.scroll_into_view_if_needed()
    desktop.shot(f"exports-{shot}-laptop")
    return desktop.page, found


def test_a_plans_audience_downloads_as_csv_and_xlsx(desktop):
    plan = plan_with_audience()
    page, audience = open_section(desktop, f"/plans/{plan.pk}", "section.audience", "plan")
    names = audience.locator("tbody td:first-child").all_inner_texts()

    name, data = downloaded(page, f"Download CSV of all {len(names)} customers")
    assert name == f"plan-{plan.pk}-audience.csv"
    assert data.decode("utf-8-sig").splitlines()[0] == "id,name,country,subdivision,owner"
    name, data = downloaded(page, "Download .xlsx")
    assert name == f"plan-{plan.pk}-audience.xlsx"
    assert [row[1] for row in sheet_rows(data)[1:]] == names


def test_a_customers_touch_history_downloads_as_csv_and_xlsx(desktop):
    customer = customer_with_touches()
    page, history = open_section(
        desktop, f"/customers/{customer.pk}", "section[aria-labelledby=touches-title]", "touches"
    )

    name, data = downloaded(page, "Download CSV of the touch history")
    assert name == f"touches-{slugify(customer.name)}.csv"
    name, data = downloaded(page, "Download .xlsx of the touch history")
    rows = sheet_rows(data)
    assert name == f"touches-{slugify(customer.name)}.xlsx"
    assert len(rows) - 1 == history.locator("li").count()
    # For people to read: whom each touch was with by name, not ids.
    met = {person.name for t in customer.touchpoints.all() for person in t.people.all()}
    people = rows[0].index("people")
    assert met == {name for row in rows[1:] if row[people] for name in row[people].split("; ")}


def test_opportunities_download_as_xlsx(desktop):
    page = desktop.page
    desktop.login("mette", "demo-sales")
    desktop.go("/opportunities/?owner=all")
    count = page.locator("table.opportunities tbody tr").count()
    desktop.shot("exports-opportunities-laptop")

    name, data = downloaded(page, "Download .xlsx")
    assert name == "opportunities.xlsx"
    assert len(sheet_rows(data)) - 1 == count


def test_the_download_buttons_fit_a_phone(phone):
    page = phone.page
    phone.login("sales", "demo-sales")
    pages = [
        (f"/plans/{plan_with_audience().pk}", "section.audience .button-row", "exports-plan-phone"),
        (
            f"/customers/{customer_with_touches().pk}",
            "section[aria-labelledby=touches-title] .button-row",
            "exports-touches-phone",
        ),
        ("/opportunities/?owner=all", ".page-head .button-row", "exports-opportunities-phone"),
    ]
    for path, buttons, shot in pages:
        phone.go(path)
        row = page.locator(buttons)
        row.scroll_into_view_if_needed()
        expect(row.get_by_role("link", name="Download .xlsx")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        phone.shot(shot)
