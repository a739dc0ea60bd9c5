"""School holidays from the `holidays` package (its `school` category), as occurrences.

Where the package has the category (Germany, France, Austria, the Netherlands, Poland,
Belgium, Australia and a few more, mostly per region and only some years ahead), each break
is one occurrence of kind `school_holiday`: the days in a row with the same name, whole
across New Year ("Christmas Break" 21 Dec – 5 Jan). They warn rather than block (families
away, `RULES`), so a German state's ~89 days a year do not block every event.

A subdivision's list is its full list; the national list (where the package has one) is
for customers with no subdivision (`unsubdivided`), so nothing repeats for a customer.
"""

from __future__ import annotations

import datetime
import functools

import holidays

from calendarapp.kinds import SCHOOL_HOLIDAY
from calendarapp.lib import dates
from calendarapp.occurrences.scope import OccurrenceSource, Scope, per_region
from calendarapp.occurrences.sources.public_holidays import language_of
from calendarapp.occurrences.value import Occurrence

NAME = "school_holiday"
CATEGORY = "school"


@functools.cache
def has_school_holidays(country: str) -> bool:
    """Whether the package keeps school holidays for the country."""
    try:
        calendar = holidays.country_holidays(country)
    except NotImplementedError:
        return False
    return CATEGORY in calendar.supported_categories


@functools.lru_cache(maxsize=4096)
def _days(country: str, subdivision: str, year: int) -> tuple[tuple[datetime.date, str], ...]:
    """One region's school-holiday days of a year, in English where the package has it."""
    found = holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=year,
        categories=(CATEGORY,),
        language=language_of(country),
    )
    return tuple(sorted(found.items()))


def school_holidays(
    country: str, subdivision: str, start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """The breaks of one region that touch `start`..`end`, each whole."""
    if not has_school_holidays(country):
        return []
    # A year either side, so a break crossing New Year or the window's edge is seen whole.
    years = range(start.year - 1, end.year + 2)
    days = [day for year in years for day in _days(country, subdivision, year)]
    breaks: list[tuple[datetime.date, datetime.date, str]] = []
    for day, name in days:
        if breaks and breaks[-1][2] == name and breaks[-1][1] + dates.ONE_DAY == day:
            breaks[-1] = (breaks[-1][0], day, name)
        else:
            breaks.append((day, day, name))
    region = f"{country}-{subdivision}" if subdivision else country
    return [
        Occurrence(
            id=f"school-{region}-{first.isoformat()}",
            start=first,
            end=last,
            kind=SCHOOL_HOLIDAY,
            title=name,
            source=NAME,
            country=country,
            subdivision=subdivision,
            unsubdivided=not subdivision,
        )
        for first, last, name in breaks
        if first <= end and last >= start
    ]


def load(scope: Scope) -> list[Occurrence]:
    return per_region(scope, school_holidays)


SOURCE = OccurrenceSource(
    name=NAME,
    prefix="school",
    kinds=frozenset({SCHOOL_HOLIDAY}),
    models=(),
    load=load,
    # New releases of the package add years and correct dates.
    version=f"holidays {holidays.__version__}",
)
