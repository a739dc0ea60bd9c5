"""Tradition validation: each bad input is refused with a message naming its field,
and the database keeps the same rules when validation is bypassed."""

from __future__ import annotations

import datetime

import pytest
import recurrence
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories
from traditions.models import Tradition

pytestmark = pytest.mark.django_db

WEEK_42 = "RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO"
MONDAY_OF_WEEK_42_2024 = datetime.date(2024, 10, 14)


def local(**fields) -> Tradition:
    values = {
        "country": "DK",
        "kind": "vacation",
        "title": "Autumn school holiday",
        "start": MONDAY_OF_WEEK_42_2024,
        "end": MONDAY_OF_WEEK_42_2024 + datetime.timedelta(days=4),
    }
    values.update(fields)
    rule = values.pop("rule", "")
    return Tradition(recurrence=recurrence.deserialize(rule) if rule else None, **values)


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def test_week_42_local_tradition_is_valid():
    tradition = local(rule=WEEK_42)
    tradition.full_clean()
    tradition.save()
    assert tradition.is_local


def test_unknown_country_is_refused_on_the_country_field():
    assert "not a country code" in errors_of(local(country="XX"))["country"][0]


def test_unknown_subdivision_is_refused_on_the_subdivision_field():
    errors = errors_of(local(country="DE", subdivision="ZZ"))
    assert "not a subdivision of DE" in errors["subdivision"][0]


def test_end_before_start_is_refused_on_the_end_field():
    errors = errors_of(local(end=MONDAY_OF_WEEK_42_2024 - datetime.timedelta(days=1)))
    assert "cannot be before the start" in errors["end"][0]


def test_recurring_tradition_longer_than_a_year_is_refused():
    errors = errors_of(
        local(
            start=datetime.date(2024, 1, 1),
            end=datetime.date(2025, 1, 1),
            rule="RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
        )
    )
    assert "longer than a year" in errors["end"][0]


def test_season_across_new_year_is_accepted():
    tradition = local(
        kind="busy_season",
        title="Holiday season",
        start=datetime.date(2024, 12, 15),
        end=datetime.date(2025, 1, 10),
        rule="RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
    )
    tradition.full_clean()


def test_one_off_may_last_longer_than_a_year():
    local(end=MONDAY_OF_WEEK_42_2024 + datetime.timedelta(days=400)).full_clean()


def test_start_date_not_on_its_rule_is_refused_on_the_recurrence_field():
    tuesday = MONDAY_OF_WEEK_42_2024 + datetime.timedelta(days=1)
    errors = errors_of(local(start=tuesday, end=tuesday, rule=WEEK_42))
    assert "2024-10-15 is not a date of the rule" in errors["recurrence"][0]
    assert "its first date from there is 2025-10-13" in errors["recurrence"][0]


def test_last_thursday_of_november_is_expressible():
    thanksgiving_2024 = datetime.date(2024, 11, 28)
    local(
        country="US",
        kind="busy_season",
        title="Thanksgiving week",
        start=thanksgiving_2024,
        end=thanksgiving_2024 + datetime.timedelta(days=4),
        rule="RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=-1TH",
    ).full_clean()


def test_tradition_with_neither_customer_nor_country_is_refused():
    errors = errors_of(local(country=""))
    assert "Choose a customer, or a country" in errors["customer"][0]


def test_tradition_with_both_customer_and_country_is_refused_on_the_country_field():
    customer = factories.customer()
    errors = errors_of(local(customer=customer, country="DK"))
    assert "leave country empty" in errors["country"][0]


def test_customer_tradition_with_a_subdivision_is_refused():
    customer = factories.customer()
    assert "country" in errors_of(local(customer=customer, country="", subdivision="BY"))


def bypassing_validation(**fields) -> None:
    tradition = local(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        tradition.save()


def test_database_refuses_both_customer_and_country():
    bypassing_validation(customer=factories.customer(), country="DK")


def test_database_refuses_neither_customer_nor_country():
    bypassing_validation(country="")


def test_database_refuses_customer_tradition_with_subdivision():
    bypassing_validation(customer=factories.customer(), country="", subdivision="BY")


def test_database_refuses_end_before_start():
    bypassing_validation(end=MONDAY_OF_WEEK_42_2024 - datetime.timedelta(days=1))


def test_nothing_is_saved_when_the_database_refuses():
    with pytest.raises(IntegrityError), transaction.atomic():
        local(title="Half-saved").save()
        local(title="Bad", country="").save()
    assert not Tradition.objects.filter(title="Half-saved").exists()


def test_extra_and_excluded_dates_from_the_widget_become_local_days(db):
    """The widget sends extra dates as UTC instants; 29 Jan in Copenhagen is 28 Jan 23:00Z."""
    import datetime as dt

    import recurrence

    from tests import factories
    from traditions.models import Tradition

    customer = factories.customer("Widget A/S", "DK")
    rule = recurrence.deserialize(
        "RRULE:FREQ=YEARLY\nRDATE:20270128T230000Z\nEXDATE:20280114T230000Z"
    )
    tradition = Tradition(
        customer=customer,
        kind="other",
        title="Fair",
        start=dt.date(2026, 1, 15),
        end=dt.date(2026, 1, 15),
        recurrence=rule,
    )
    tradition.full_clean()
    tradition.save()
    tradition.refresh_from_db()
    from calendarapp.occurrences.stream import calendar_between

    starts = [
        o.start
        for o in calendar_between(dt.date(2027, 1, 1), dt.date(2028, 12, 31)).occurrences
        if o.title == "Fair"
    ]
    assert starts == [dt.date(2027, 1, 15), dt.date(2027, 1, 29)]
