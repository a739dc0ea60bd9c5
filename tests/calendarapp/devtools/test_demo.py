"""The demo team: loads twice without doubling, and shows what the issue promises."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command

from calendarapp import roles
from calendarapp.devtools.demo import load_demo, spring_festival
from calendarapp.kinds import ALL_KINDS, TOUCH_DUE
from calendarapp.occurrences.stream import calendar_between
from customers.models import Contract, Customer, Interest
from traditions.models import Tradition, TraditionKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "customers": Customer.objects.count(),
        "contracts": Contract.objects.count(),
        "traditions": Tradition.objects.count(),
        "interests": Interest.objects.count(),
        "customer_interests": Customer.interests.through.objects.count(),
    }


@pytest.fixture
def demo() -> None:
    load_demo(today=TODAY)


def test_loading_twice_doubles_nothing():
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    first = counts()
    call_command("load_demo", stdout=output)
    assert counts() == first
    assert first["customers"] >= 28


def test_command_prints_the_demo_logins():
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    text = output.getvalue()
    assert "admin    demo-admin" in text
    assert "sales    demo-sales" in text


def test_a_changed_password_survives_a_reload(demo):
    sales = User.objects.get(username="sales")
    sales.set_password("my-own-secret")
    sales.save()
    load_demo(today=TODAY)
    assert authenticate(username="sales", password="my-own-secret") is not None


def test_demo_logins_work_with_their_roles(demo):
    admin = authenticate(username="admin", password="demo-admin")
    sales = authenticate(username="sales", password="demo-sales")
    assert admin.is_staff and not admin.is_superuser
    assert admin.groups.filter(name=roles.CALENDAR_ADMINS).exists()
    assert roles.can_edit_customers(admin)
    assert sales.groups.filter(name=roles.SALES_MANAGERS).exists()
    assert not roles.can_edit_customers(sales)


def test_customers_span_the_promised_countries_and_regions(demo):
    regions = set(Customer.objects.values_list("country", "subdivision"))
    countries = {country for country, _ in regions}
    assert {"DK", "US", "DE", "GB", "FR", "SE", "JP", "CN"} <= countries
    assert len(countries) >= 8
    assert ("DE", "BY") in regions
    assert ("DE", "NW") in regions


def test_customers_are_spread_over_owners_and_budget_months(demo):
    owners = set(Customer.objects.values_list("owner__username", flat=True))
    assert 3 <= len(owners) <= 4
    assert None not in owners
    assert len(set(Customer.objects.values_list("budget_close_month", flat=True))) >= 4
    assert all(customer.interests.exists() for customer in Customer.objects.all())


def test_contracts_sit_in_their_renewal_windows(demo):
    contracts = list(Contract.objects.all())
    assert any(c.pre_shopping_start <= TODAY < c.notice_deadline for c in contracts)
    assert any(TODAY < c.notice_deadline <= TODAY + datetime.timedelta(days=30) for c in contracts)
    assert all(c.end_date > TODAY for c in contracts)


def test_demo_has_every_kind_of_tradition_the_issue_names(demo):
    titles = set(Tradition.objects.values_list("title", flat=True))
    assert {"Christmas rush", "Black Friday week", "Golden Week", "Sales kick-off"} <= titles
    assert any(title.startswith("Trade fair") for title in titles)
    assert any(title.startswith("Spring Festival shutdown") for title in titles)
    kinds = set(Tradition.objects.values_list("kind", flat=True))
    assert {
        TraditionKind.BUSY_SEASON,
        TraditionKind.CUSTOMER_EVENT,
        TraditionKind.VACATION,
    } <= kinds


def test_local_traditions_of_each_country(demo):
    local = {
        (country, title)
        for country, title in Tradition.objects.filter(customer=None).values_list(
            "country", "title"
        )
    }
    assert ("DK", "Autumn school holiday (week 42)") in local
    assert ("SE", "Industrial holiday (industrisemester)") in local
    assert ("FR", "August holidays (les vacances)") in local
    assert ("DE", "Between the years (zwischen den Jahren)") in local


def test_every_danish_customer_has_week_42_as_vacation(demo):
    monday = datetime.date.fromisocalendar(TODAY.year, 42, 1)
    calendar = calendar_between(monday, monday + datetime.timedelta(days=6))
    danish = [ref for ref in calendar.customers if ref.country == "DK"]
    assert len(danish) >= 5
    for ref in danish:
        vacations = [
            o
            for o in calendar.for_customer(ref)
            if o.kind == TraditionKind.VACATION and o.start == monday
        ]
        assert vacations, ref.name


def test_german_offices_are_away_between_the_years(demo):
    calendar = calendar_between(
        datetime.date(TODAY.year, 12, 27), datetime.date(TODAY.year, 12, 31)
    )
    bavarian = next(ref for ref in calendar.customers if ref.subdivision == "BY")
    titles = {o.title for o in calendar.for_customer(bavarian)}
    assert "Between the years (zwischen den Jahren)" in titles


def test_danish_schools_close_for_christmas_so_no_touch_is_placed_on_28_december(demo):
    calendar = calendar_between(
        datetime.date(TODAY.year, 12, 28), datetime.date(TODAY.year, 12, 28), kinds=ALL_KINDS
    )
    danish = [ref for ref in calendar.customers if ref.country == "DK"]
    for ref in danish:
        found = calendar.for_customer(ref)
        christmas = [o for o in found if o.title == "Christmas school holiday"]
        assert [(o.start, o.end) for o in christmas] == [
            (datetime.date(TODAY.year, 12, 21), datetime.date(TODAY.year + 1, 1, 2))
        ]
        assert not [o for o in found if o.kind == TOUCH_DUE and o.start.day == 28], ref.name


def test_spring_festival_follows_the_lunar_calendar():
    assert spring_festival(2026) == datetime.date(2026, 2, 17)
    assert spring_festival(2027) == datetime.date(2027, 2, 6)


def test_every_demo_row_passes_validation(demo):
    for model in (Customer, Contract, Tradition):
        for obj in model.objects.all():
            obj.full_clean()


def test_the_demo_has_a_strategy_we_came_in_late_on_and_stale_evidence(demo):
    havfrue = Customer.objects.get(name="Havfrue Shipping ApS")
    assert [s.came_in_late for s in havfrue.strategies.all()] == [True]
    stale = {row.interest.name for row in havfrue.interest_evidence.all() if row.stale}
    assert stale == {"sustainability"}
    nordlys = Customer.objects.get(name="Nordlys Retail A/S")
    assert [s.came_in_late for s in nordlys.strategies.all()] == [False]
