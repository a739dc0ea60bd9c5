"""A country's local traditions on the site: calendar admins add, edit and delete them from the
country page; sales managers read (403 on the edit pages)."""

import datetime

import pytest

from tests import factories
from traditions.models import Tradition

D = datetime.date
pytestmark = pytest.mark.django_db

WEEK_42 = {
    "subdivision": "",
    "kind": "vacation",
    "title": "Autumn school holiday",
    "start": "2026-10-12",
    "end": "2026-10-16",
    "repeat": "week",
    "lead_time_days": "0",
    "notes": "",
}


def test_a_calendar_admin_adds_edits_and_deletes_a_local_tradition_from_the_country_page(
    admin_client,
):
    page = admin_client.get("/countries/DK").content.decode()
    assert "/countries/DK/traditions/new" in page
    response = admin_client.post("/countries/DK/traditions/new", WEEK_42)
    assert response.status_code == 302
    assert response.url == "/countries/DK#local-title"
    saved = Tradition.objects.get()
    assert (saved.customer, saved.country, saved.kind) == (None, "DK", "vacation")
    assert f"/local-traditions/{saved.pk}" in admin_client.get("/countries/DK").content.decode()
    form = admin_client.get(f"/local-traditions/{saved.pk}").context["form"]
    assert form["repeat"].initial == "week"
    edited = admin_client.post(f"/local-traditions/{saved.pk}", {**WEEK_42, "title": "Week 42"})
    assert edited.status_code == 302
    assert Tradition.objects.get().title == "Week 42"
    admin_client.post(f"/local-traditions/{saved.pk}", {"delete": "1"})
    assert not Tradition.objects.exists()


def test_a_weekly_local_vacation_needs_the_admins_confirmation(admin_client):
    weekly = {**WEEK_42, "repeat": "weekly"}
    assert admin_client.post("/countries/DK/traditions/new", weekly).status_code == 400
    confirmed = {**weekly, "confirm_often": "on"}
    assert admin_client.post("/countries/DK/traditions/new", confirmed).status_code == 302


def test_sales_managers_read_local_traditions_but_do_not_edit_them(sales_client):
    tradition = factories.danish_autumn_school_holiday()
    page = sales_client.get("/countries/DK").content.decode()
    assert "Add a local tradition" not in page
    assert sales_client.get("/countries/DK/traditions/new").status_code == 403
    assert sales_client.get(f"/local-traditions/{tradition.pk}").status_code == 403
    assert (
        sales_client.post(f"/local-traditions/{tradition.pk}", {"delete": "1"}).status_code == 403
    )
    assert Tradition.objects.exists()


def test_a_customers_tradition_is_not_edited_as_a_local_one(admin_client):
    customer = factories.customer("Aarhus A/S", "DK")
    tradition = factories.tradition(customer=customer, start=D(2026, 11, 15))
    assert admin_client.get(f"/local-traditions/{tradition.pk}").status_code == 404
    assert admin_client.get("/countries/XX/traditions/new").status_code == 404
