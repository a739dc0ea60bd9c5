"""Public holidays per region, and the days off the `holidays` package files under other
categories."""

from __future__ import annotations

import datetime

import holidays
import pytest

from calendarapp.lib.countries import country_names, subdivision_names
from calendarapp.occurrences.sources.public_holidays import DAYS_OFF_CATEGORIES, holidays_in_year
from calendarapp.occurrences.stream import Calendar, calendar_between
from tests import factories

D = datetime.date


@pytest.mark.parametrize(("country", "categories"), sorted(DAYS_OFF_CATEGORIES.items()))
def test_every_days_off_category_is_one_the_package_knows(country, categories):
    supported = holidays.country_holidays(country).supported_categories
    assert set(categories) <= set(supported)


def titles(country: str, year: int, subdivision: str = "") -> dict[datetime.date, str]:
    return {o.start: o.title for o in holidays_in_year(country, subdivision, year)}


def test_danish_de_facto_days_off_are_holidays_and_say_so():
    danish = titles("DK", 2027)
    assert danish[D(2027, 12, 24)] == "Christmas Eve (de facto)"
    assert danish[D(2027, 12, 31)] == "New Year's Eve (de facto)"
    assert danish[D(2027, 6, 5)] == "Constitution Day (de facto)"
    assert danish[D(2027, 12, 25)] == "Christmas Day", "a public holiday is not marked"


def test_swedish_de_facto_days_and_a_public_holiday_wins_the_day():
    swedish = titles("SE", 2027)
    assert swedish[D(2027, 6, 25)] == "Midsummer Eve (de facto)"
    assert swedish[D(2027, 12, 24)] == "Christmas Eve (de facto)"
    assert all("(de facto)" not in title for title in titles("NO", 2027).values())


def test_a_subdivision_does_not_repeat_the_national_de_facto_days():
    zurich = titles("CH", 2027, "ZH")
    national = titles("CH", 2027)
    assert not set(zurich) & set(national)


def test_the_country_page_shows_de_facto_days(sales_client, db):
    html = sales_client.get("/countries/DK", {"year": 2027}).content.decode()
    assert "Christmas Eve (de facto)" in html


def package_days(country: str, subdivision: str, year: int) -> dict[datetime.date, str]:
    """What the package says a region keeps: its public holidays, then its days off."""
    language = (
        "en_US" if "en_US" in holidays.country_holidays(country).supported_languages else None
    )
    days: dict[datetime.date, str] = {}
    for categories, suffix in (("public",), ""), (DAYS_OFF_CATEGORIES.get(country), " (de facto)"):
        if categories:
            found = holidays.country_holidays(
                country, subdiv=subdivision or None, years=year, language=language,
                categories=categories,
            )  # fmt: skip
            for day, name in found.items():
                days.setdefault(day, name + suffix)
    return days


def region_days(calendar: Calendar, country: str, subdivision: str = "") -> dict[D, str]:
    days = [(o.start, o.title) for o in calendar.for_region(country, subdivision)]
    assert len(days) == len(dict(days)), f"a day twice in {country} {subdivision}"
    return dict(days)


@pytest.mark.parametrize("country", sorted(country_names()))
def test_every_region_of_every_country_gets_its_own_days_once_and_under_its_own_names(country):
    regions = ["", *subdivision_names(country)]
    for year in (2026, 2027, 2028):
        found = tuple(o for region in regions for o in holidays_in_year(country, region, year))
        calendar = Calendar(D(year, 1, 1), D(year, 12, 31), (), found)
        for region in regions:
            expected = package_days(country, region, year)
            assert region_days(calendar, country, region) == expected, (region, year)


def test_a_national_day_some_states_do_not_keep_reaches_only_the_customers_who_keep_it(db):
    california = factories.customer("Golden Gate Analytics", "US", subdivision="CA")
    texas = factories.customer("Lone Star Energy", "US", subdivision="TX")
    new_york = factories.customer("Hudson Freight", "US", subdivision="NY")
    anywhere = factories.customer("Stars and Stripes", "US")
    calendar = calendar_between(D(2026, 6, 1), D(2026, 10, 31))

    def day(customer, on):
        return [(o.title, o.id) for o in calendar.for_customer(customer) if o.start == on]

    columbus = D(2026, 10, 12)
    assert day(california, columbus) == [] and day(texas, columbus) == []
    assert day(new_york, columbus) == [("Columbus Day", "holiday-US-NY-2026-10-12")]
    assert day(anywhere, columbus) == [("Columbus Day", "holiday-US-2026-10-12")]
    assert day(texas, D(2026, 6, 19)) == [
        (
            "Emancipation Day In Texas; Juneteenth National Independence Day",
            "holiday-US-TX-2026-06-19",
        )
    ]
    assert day(california, D(2026, 9, 7)) == [("Labor Day", "holiday-US-2026-09-07")]


def test_the_country_page_shows_a_regions_days_and_without_one_the_national_list(sales_client, db):
    california = sales_client.get("/countries/US", {"year": 2026, "subdivision": "CA"})
    assert "Columbus Day" not in california.content.decode()
    national = sales_client.get("/countries/US", {"year": 2026}).content.decode()
    assert "Columbus Day" in national
    tasmania = sales_client.get("/countries/AU", {"year": 2026, "subdivision": "TAS"})
    assert tasmania.content.decode().count("Boxing Day") == 1  # on 28 Dec, not also the 26th
