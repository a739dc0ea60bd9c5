"""A calendar is reused while nothing changed, and never after a change of any kind."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import override_settings

from calendarapp.models import IcsSource, ImportedEvent, Plan
from calendarapp.occurrences.stream import RECENT_CALENDARS, calendar_between
from customers.models import Contract, Customer, Interest
from traditions.models import Tradition

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


def questions():
    """The calls the pages make: every customer, a query of some, a country, some kinds."""
    return [
        {},
        {"customers": Customer.objects.filter(country="DK", active=True)},
        {"countries": ["DK"]},
        {"kinds": ["customer_event", "webinar"]},
        {"customers": Customer.objects.filter(name__startswith="Aarhus"), "include_plans": False},
    ]


def same(first, second) -> bool:
    return (first.customers, first.occurrences) == (second.customers, second.occurrences)


def assert_reused_calendars_match_fresh_builds():
    for question in questions():
        reused = calendar_between(*YEAR, **question)
        assert same(reused, calendar_between(*YEAR, reuse=False, **question)), question


def rename_customer(aarhus):
    aarhus.name = "Aarhus Renamed"
    aarhus.save()


def add_interest_to_the_other_customer(aarhus):
    Customer.objects.exclude(pk=aarhus.pk).get().interests.add(Interest.objects.get())


EDITS = {
    "customer saved": rename_customer,
    "customers bulk update": lambda aarhus: Customer.objects.update(budget_close_month=3),
    "customer deactivated by update": lambda aarhus: Customer.objects.filter(pk=aarhus.pk).update(
        active=False
    ),
    "customer deleted": lambda aarhus: aarhus.delete(),
    "customer interest added (m2m)": add_interest_to_the_other_customer,
    "customer interests cleared (m2m)": lambda aarhus: aarhus.interests.clear(),
    "interest deleted": lambda aarhus: Interest.objects.all().delete(),
    "tradition bulk created": lambda aarhus: Tradition.objects.bulk_create(
        [
            Tradition(
                customer=aarhus,
                kind="busy_season",
                title="Rush",
                start=D(2026, 3, 2),
                end=D(2026, 3, 9),
            )
        ]
    ),  # fmt: skip
    "traditions bulk update": lambda aarhus: Tradition.objects.update(title="Renamed"),
    "local tradition deleted": lambda aarhus: Tradition.objects.filter(
        customer__isnull=True
    ).delete(),
    "contract bulk update": lambda aarhus: Contract.objects.update(end_date=D(2026, 12, 1)),
    "contract deleted": lambda aarhus: Contract.objects.all().delete(),
    "ics source bulk update": lambda aarhus: IcsSource.objects.update(kind="vacation"),
    "imported events deleted": lambda aarhus: ImportedEvent.objects.all().delete(),
    "plan bulk update": lambda aarhus: Plan.objects.update(start=D(2026, 6, 1), end=D(2026, 6, 2)),
    "plan customer added (m2m)": lambda aarhus: Plan.objects.get().customers.add(
        Customer.objects.exclude(pk=aarhus.pk).get()
    ),
    "plan interests removed (m2m)": lambda aarhus: Plan.objects.get().interests.clear(),
    "plan deleted": lambda aarhus: Plan.objects.all().delete(),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_after_any_edit_a_reused_calendar_is_exactly_a_fresh_build(every_source, edit):
    before = [calendar_between(*YEAR, **question) for question in questions()]
    edit(every_source)
    assert_reused_calendars_match_fresh_builds()
    after = [calendar_between(*YEAR, **question) for question in questions()]
    assert any(not same(old, new) for old, new in zip(before, after, strict=True))


def test_a_raw_sql_edit_is_seen_too(every_source):
    calendar_between(*YEAR)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE traditions_tradition SET title = 'Raw'")
    assert_reused_calendars_match_fresh_builds()


def test_a_rolled_back_edit_is_forgotten(every_source):
    with pytest.raises(RuntimeError), transaction.atomic():
        Tradition.objects.update(title="Never committed")
        assert "Never committed" in {o.title for o in calendar_between(*YEAR).occurrences}
        raise RuntimeError("roll back")
    assert "Never committed" not in {o.title for o in calendar_between(*YEAR).occurrences}
    assert_reused_calendars_match_fresh_builds()


def test_an_unchanged_calendar_is_reused_with_one_query(every_source, django_assert_num_queries):
    first = calendar_between(*YEAR)
    with django_assert_num_queries(1):  # the data version
        assert calendar_between(*YEAR) is first


def test_a_changed_setting_the_sources_read_is_not_served_from_memory(every_source):
    before = calendar_between(*YEAR)
    with override_settings(BUDGET_CLOSE_LEAD_DAYS=5):
        after = calendar_between(*YEAR)
    assert after is not before
    assert {o.lead_time_days for o in after.occurrences if o.source == "budget"} == {5}


def test_memory_is_bounded_by_the_number_of_occurrences_remembered(every_source, settings):
    settings.CALENDAR_CACHE_OCCURRENCES = len(calendar_between(*YEAR).occurrences) + 1
    RECENT_CALENDARS.clear()
    year = calendar_between(*YEAR)
    calendar_between(D(2026, 10, 1), D(2026, 10, 31))  # pushes the year out
    assert calendar_between(*YEAR) is not year


def test_a_calendar_cannot_be_changed_by_whoever_reads_it(every_source):
    calendar = calendar_between(*YEAR)
    with pytest.raises(AttributeError):
        calendar.occurrences.append(calendar.occurrences[0])
    customer = calendar.customers[0]
    calendar.for_customer(customer).clear()
    assert calendar.for_customer(customer) == calendar_between(*YEAR, reuse=False).for_customer(
        customer
    )
