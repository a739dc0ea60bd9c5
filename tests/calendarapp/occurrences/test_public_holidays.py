"""Public holidays and the days off the `holidays` package files under other categories."""

from __future__ import annotations

import datetime

import holidays
import pytest

from calendarapp.occurrences.sources.public_holidays import DAYS_OFF_CATEGORIES, holidays_in_year

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
