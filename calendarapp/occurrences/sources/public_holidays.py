"""Public holidays from the `holidays` package, as occurrences, cached per year.

A region's holidays are split so that nothing appears twice: the national
ones carry an empty subdivision, and each subdivision carries only the days
it adds (Corpus Christi for Bavaria). A customer in Bavaria sees both lists;
a customer with no subdivision sees the national one.

Some countries' people are away on days the package files outside its
`public` category (Christmas Eve in Denmark and Sweden). Which categories
count is data, `DAYS_OFF_CATEGORIES`; those days are treated like public
holidays and say "(de facto)" in their titles.
"""

from __future__ import annotations

import datetime
import functools

import holidays

from calendarapp.kinds import PUBLIC_HOLIDAY
from calendarapp.occurrences.scope import OccurrenceSource, Scope
from calendarapp.occurrences.value import Occurrence

NAME = "public_holiday"

# The `holidays` categories besides `public` whose days people take off, per country.
DAYS_OFF_CATEGORIES: dict[str, tuple[str, ...]] = {
    "CH": ("de_facto",),
    # Christmas Eve, New Year's Eve, Constitution Day and 1 May.
    "DK": ("optional",),
    # Midsummer Eve, Christmas Eve and New Year's Eve.
    "SE": ("de_facto",),
}
DE_FACTO = "de facto"


def _calendar(
    country: str, subdivision: str, year: int, categories: tuple[str, ...] = ("public",)
) -> dict[datetime.date, str]:
    calendar_class = holidays.country_holidays(country)
    language = "en_US" if "en_US" in calendar_class.supported_languages else None
    return dict(
        holidays.country_holidays(
            country,
            subdiv=subdivision or None,
            years=year,
            language=language,
            categories=categories,
        )
    )


def _days_off(country: str, subdivision: str, year: int) -> dict[datetime.date, str]:
    """The region's public holidays and its de facto days off (a public holiday wins a day)."""
    days = _calendar(country, subdivision, year)
    if categories := DAYS_OFF_CATEGORIES.get(country):
        for day, name in _calendar(country, subdivision, year, categories).items():
            days.setdefault(day, f"{name} ({DE_FACTO})")
    return days


@functools.lru_cache(maxsize=8192)
def holidays_in_year(country: str, subdivision: str, year: int) -> tuple[Occurrence, ...]:
    """Return one region's public holidays of a year; a subdivision's adds to the national list."""
    days = _days_off(country, subdivision, year)
    national = _days_off(country, "", year) if subdivision else {}
    region = f"{country}-{subdivision}" if subdivision else country
    return tuple(
        Occurrence(
            id=f"holiday-{region}-{day.isoformat()}",
            start=day,
            end=day,
            kind=PUBLIC_HOLIDAY,
            title=name,
            source=NAME,
            country=country,
            subdivision=subdivision,
        )
        for day, name in sorted(days.items())
        if day not in national
    )


def public_holidays(
    country: str, subdivision: str, start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """Return the holidays of one region (national, or one subdivision's own) in a window."""
    return [
        occurrence
        for year in range(start.year, end.year + 1)
        for occurrence in holidays_in_year(country, subdivision, year)
        if start <= occurrence.start <= end
    ]


def load(scope: Scope) -> list[Occurrence]:
    found: list[Occurrence] = []
    for country, subdivision in sorted(scope.regions):
        found += public_holidays(country, subdivision, scope.start, scope.end)
    return found


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="holiday",
    kinds=frozenset({PUBLIC_HOLIDAY}),
    models=(),
    load=load,
    # New releases of the package correct and add holidays.
    version=f"holidays {holidays.__version__}, days off {sorted(DAYS_OFF_CATEGORIES.items())}",
)
