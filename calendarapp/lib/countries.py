"""Countries and subdivisions the calendar knows: those the `holidays` package supports.

One place answers "is this a country we can show holidays for", "which
subdivisions does it have" and "which time zone is it in", so forms, the admin
and the API validate the same way.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from importlib import resources

import holidays


def _read_tzdata_table(name: str) -> list[list[str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def country_codes() -> list[str]:
    """The supported codes in order: the API schema's one list of country choices."""
    return sorted(country_names())


@functools.cache
def country_names() -> dict[str, str]:
    """Map each supported ISO 3166-1 alpha-2 code to its English name, sorted by name."""
    iso_names = {row[0]: row[1] for row in _read_tzdata_table("iso3166.tab")}
    codes = [code for code in holidays.list_supported_countries() if len(code) == 2]
    return dict(sorted(((code, iso_names.get(code, code)) for code in codes), key=lambda i: i[1]))


@functools.cache
def subdivision_names(country: str) -> dict[str, str]:
    """Map each subdivision code of a country to a readable name (the code if none is known)."""
    if country not in country_names():
        return {}
    calendar = holidays.country_holidays(country)
    names = {code: code for code in calendar.subdivisions if code.isupper() or code.isdigit()}
    for alias, code in getattr(calendar, "subdivisions_aliases", {}).items():
        if code in names and names[code] == code:
            names[code] = alias
    return names


@functools.cache
def default_timezone(country: str) -> str:
    """Return the most populous IANA zone of a country, or "" for a country with none."""
    for row in _read_tzdata_table("zone.tab"):
        if row[0] == country:
            return row[2]
    return ""


def country_name(code: str) -> str:
    return country_names().get(code, code)


def subdivision_name(country: str, code: str) -> str:
    return subdivision_names(country).get(code, code)


def country_choices(
    codes: Iterable[str] | None = None, *, blank: str | None = None
) -> list[tuple[str, str]]:
    """Choices for a country field, "Denmark (DK)", by name: all supported or just `codes`.

    `blank` labels an empty first choice ("All countries") when the field is optional.
    """
    names = country_names()
    chosen = names if codes is None else {code: names[code] for code in codes if code in names}
    listed = sorted(chosen.items(), key=lambda item: item[1])
    return ([("", blank)] if blank is not None else []) + [
        (code, f"{name} ({code})") for code, name in listed
    ]


def validate_country(country: str) -> str | None:
    """Return an error message for an unsupported country code, None when it is fine."""
    if country not in country_names():
        guess = suggest_country(country)
        hint = f"; did you mean {guess}?" if guess else " (ISO 3166-1, e.g. DK)."
        return f"“{country}” is not a country code we have public holidays for{hint}"
    return None


def suggest_country(text: str) -> str | None:
    """The supported code a mistyped country most likely meant ("Denmrk" -> DK), or None."""
    by_name = {name.casefold(): code for code, name in country_names().items()}
    by_name.update({code.casefold(): code for code in country_names()})
    match = difflib.get_close_matches(text.strip().casefold(), by_name, n=1, cutoff=0.7)
    return by_name[match[0]] if match else None


def validate_subdivision(country: str, subdivision: str) -> str | None:
    if subdivision and subdivision not in subdivision_names(country):
        known = ", ".join(sorted(subdivision_names(country))) or "none"
        return f"“{subdivision}” is not a subdivision of {country}; known: {known}."
    return None
