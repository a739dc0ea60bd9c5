"""One contract over every source in SOURCES, as python-holidays tests every country."""

import datetime
import pathlib

import pytest
from django.db import models

from calendarapp.kinds import ALL_KINDS, CUSTOMER_CALENDAR, OUR_KINDS
from calendarapp.occurrences import sources
from calendarapp.occurrences.sources import SOURCES, touches
from calendarapp.occurrences.stream import calendar_between
from calendarapp.occurrences.version import versioned_models
from tests import factories

D = datetime.date


@pytest.fixture
def every_source(every_source):
    """The shared customer with something from every source, and a Bavarian customer: Denmark
    has no school holidays in the `holidays` package, Bavaria has."""
    factories.customer("München GmbH", "DE", subdivision="BY")
    return every_source


def test_every_source_has_a_unique_name_and_id_prefix():
    names = [source.name for source in SOURCES]
    prefixes = [source.prefix for source in SOURCES]
    assert len(names) == len(set(names))
    assert len(prefixes) == len(set(prefixes))


def test_every_source_declares_the_models_it_reads_and_the_data_version_watches_them():
    watched = set(versioned_models())
    for source in SOURCES:
        for model in source.models:
            assert issubclass(model, models.Model), source.name
            assert model in watched, (source.name, model)
        # A source without tables must say what else its data depends on.
        assert source.models or source.version, source.name


@pytest.mark.django_db
def test_every_source_makes_occurrences_with_its_prefix_and_stable_ids(every_source):
    def by_source():
        # Every kind named: a source such as touches makes its kind only when asked for it.
        calendar = calendar_between(D(2026, 1, 1), D(2026, 12, 31), kinds=ALL_KINDS)
        found: dict[str, list[str]] = {}
        for occurrence in calendar.occurrences:
            found.setdefault(occurrence.source, []).append(occurrence.id)
        return found

    first, second = by_source(), by_source()
    assert first == second
    for source in SOURCES:
        ids = first.get(source.name)
        assert ids, f"{source.name} made nothing"
        assert all(i.startswith(f"{source.prefix}-") for i in ids), source.name
        assert len(ids) == len(set(ids)), source.name


@pytest.mark.django_db
def test_every_source_makes_only_the_kinds_it_declares(every_source):
    for occurrence in calendar_between(D(2026, 1, 1), D(2026, 12, 31), kinds=ALL_KINDS).occurrences:
        source = next(s for s in SOURCES if s.name == occurrence.source)
        assert occurrence.kind in source.kinds, occurrence.id


def test_every_module_in_sources_is_listed_in_sources_once():
    folder = pathlib.Path(sources.__file__).parent
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    listed = [source.load.__module__.rsplit(".", 1)[-1] for source in SOURCES]
    assert sorted(listed) == sorted(modules)


def test_touches_are_placed_on_the_customers_own_calendar_only():
    # Derived from SOURCES by kind: a new source of the customer's calendar moves touches too.
    placing = {source.name for source in touches.calendar_sources()}
    assert placing == {
        source.name for source in SOURCES if source.kinds & (CUSTOMER_CALENDAR - {"other"})
    }
    assert touches.SOURCE.name not in placing
    assert not placing & {s.name for s in SOURCES if s.kinds <= OUR_KINDS}
