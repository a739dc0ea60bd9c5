"""Public holidays from the `holidays` package, as occurrences, cached per year.

A region's holidays are split so that nothing appears twice: a day every
subdivision keeps, under the national name, is one national occurrence (empty
subdivision); each subdivision carries its other days under its own names
(Corpus Christi for Bavaria, Columbus Day for New York but not for
California, "Emancipation Day In Texas"); and the national list's other days
are one occurrence marked `unsubdivided`, for customers with no subdivision.
A customer in Bavaria sees the national and Bavarian lists; a customer with no
subdivision sees the national list as the package gives it.

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
from calendarapp.lib.countries import subdivision_names
from calendarapp.occurrences.scope import OccurrenceSource, Scope, per_region
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


@functools.cache
def language_of(country: str) -> str | None:
    """English names where the package has them (None when they are its default, which
    saves reading the translations: half the time of a subdivision's year)."""
    calendar = holidays.country_holidays(country)
    if calendar.default_language == "en_US" or "en_US" not in calendar.supported_languages:
        return None
    return "en_US"


def _calendar(
    country: str, subdivision: str, year: int, categories: tuple[str, ...] = ("public",)
) -> dict[datetime.date, str]:
    return dict(
        holidays.country_holidays(
            country,
            subdiv=subdivision or None,
            years=year,
            language=language_of(country),
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


Days = dict[datetime.date, str]


@functools.lru_cache(maxsize=1024)
def _split(country: str, year: int) -> tuple[Days, Days, dict[str, Days]]:
    """A country's days off in a year: those every subdivision keeps under the national name,
    the national list's others, and each subdivision's others."""
    national = _days_off(country, "", year)
    regional = {code: _days_off(country, code, year) for code in subdivision_names(country)}
    everywhere = {
        day: name
        for day, name in national.items()
        if all(days.get(day) == name for days in regional.values())
    }
    return (
        everywhere,
        {day: name for day, name in national.items() if day not in everywhere},
        {code: _without(days, everywhere) for code, days in regional.items()},
    )


def _without(days: Days, everywhere: Days) -> Days:
    return {day: name for day, name in days.items() if day not in everywhere}


@functools.lru_cache(maxsize=8192)
def holidays_in_year(country: str, subdivision: str, year: int) -> tuple[Occurrence, ...]:
    """Return one region's public holidays of a year: without a subdivision the national
    ones (some only for customers with no subdivision), with one the subdivision's others."""
    everywhere, national_only, regional = _split(country, year)
    if subdivision:
        days = regional.get(subdivision)
        if days is None:  # a code the package reads but does not list
            days = _without(_days_off(country, subdivision, year), everywhere)
        return _occurrences(country, subdivision, days)
    return tuple(
        sorted(
            _occurrences(country, "", everywhere)
            + _occurrences(country, "", national_only, unsubdivided=True),
            key=lambda occurrence: occurrence.start,
        )
    )


def _occurrences(
    country: str, subdivision: str, days: Days, unsubdivided: bool = False
) -> tuple[Occurrence, ...]:
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
            unsubdivided=unsubdivided,
        )
        for day, name in sorted(days.items())
    )


def clear_cache() -> None:
    """Forget every year computed (the benchmark's cold start)."""
    holidays_in_year.cache_clear()
    _split.cache_clear()


def public_holidays(
    country: str, subdivision: str, start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """Return the holidays of one region (national, or one subdivision's others) in a window."""
    return [
        occurrence
        for year in range(start.year, end.year + 1)
        for occurrence in holidays_in_year(country, subdivision, year)
        if start <= occurrence.start <= end
    ]


def load(scope: Scope) -> list[Occurrence]:
    return per_region(scope, public_holidays)


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="holiday",
    kinds=frozenset({PUBLIC_HOLIDAY}),
    models=(),
    load=load,
    # New releases of the package correct and add holidays.
    version=f"holidays {holidays.__version__}, days off {sorted(DAYS_OFF_CATEGORIES.items())}",
)
