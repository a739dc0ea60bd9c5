"""The one table of kinds: every entry well-formed, and every kind the models know is in it."""

import re

from calendarapp import kinds
from calendarapp.models import ImportKind, PlanKind
from calendarapp.occurrences.opportunities import OPPORTUNITY_KINDS
from calendarapp.occurrences.sources import SOURCES
from traditions.models import TraditionKind


def test_every_kind_has_a_unique_value_letter_and_label():
    table = list(kinds.KINDS.values())
    for field in ("value", "code", "label"):
        values = [getattr(kind, field) for kind in table]
        assert len(values) == len(set(values)), f"duplicate {field}"
    assert all(kind.value == key for key, kind in kinds.KINDS.items())


def test_every_kind_has_a_short_letter_and_a_css_colour():
    for kind in kinds.KINDS.values():
        assert 1 <= len(kind.code) <= 2, kind.value
        assert re.fullmatch(r"#[0-9a-f]{6}", kind.colour), kind.value


def test_every_kind_a_model_can_store_is_in_the_table():
    stored = {*TraditionKind.values, *PlanKind.values, *ImportKind.values}
    assert stored <= set(kinds.KINDS)


def test_every_kind_is_made_by_some_source_and_every_source_kind_is_in_the_table():
    made = set().union(*(source.kinds for source in SOURCES))
    assert made == set(kinds.KINDS)


def test_our_kinds_are_exactly_the_plan_kinds_and_only_ours_are_in_person():
    assert kinds.OUR_KINDS == set(PlanKind.values)
    assert kinds.IN_PERSON <= kinds.OUR_KINDS
    assert not kinds.PEOPLE_AWAY & kinds.OUR_KINDS


def test_the_colour_rules_name_every_kind_and_stripe_only_ours():
    css = kinds.kind_css()
    for kind in kinds.KINDS.values():
        rule = next(line for line in css.splitlines() if line.startswith(f".k-{kind.value} "))
        assert kind.colour in rule
        assert ("--ours-stripes" in rule) == kind.ours


def test_an_unknown_stored_kind_shows_as_other():
    assert kinds.kind_of("no_longer_a_kind").label == "Other"


def test_opportunities_read_their_labels_and_colours_from_the_table():
    # A renewal's phases are entries of the table too, so a new one is named in one place.
    css = kinds.kind_css()
    for value, label in OPPORTUNITY_KINDS.items():
        assert label == kinds.label_of(value)
        entry = kinds.PHASES.get(value) or kinds.KINDS[value]
        assert f".op-{value} .op-kind {{ border-color: {entry.colour}; }}" in css
    assert OPPORTUNITY_KINDS["pre_shopping"] == "Pre-shopping window"
    assert OPPORTUNITY_KINDS["touch_due"] == kinds.KINDS["touch_due"].label


def test_every_kind_of_todays_items_has_one_entry_a_group_a_label_and_an_action():
    assert set(kinds.TODAY_KINDS) == set(kinds.ItemKind)
    labels = [kind.label for kind in kinds.TODAY_KINDS.values()]
    assert len(labels) == len(set(labels)), "duplicate label"
    for value, kind in kinds.TODAY_KINDS.items():
        assert kind.value == value and kind.group in kinds.TODAY_GROUPS, value
        assert kind.label and kind.action, value


def test_the_calendars_kinds_are_in_the_groups_the_issue_names():
    groups = {value: kind.group for value, kind in kinds.TODAY_KINDS.items()}
    assert (groups["what_changed"], groups["calendar_error"], groups["meeting"]) == (1, 1, 2)
    assert groups["attendee_suggestion"] == 4
