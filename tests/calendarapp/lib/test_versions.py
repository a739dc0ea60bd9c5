"""A version of field values names the fields changed since, whatever their kinds."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.lib.versions import HASH_CHARS, changed_since, version_of
from tests import factories

D = datetime.date


def test_a_version_names_exactly_the_fields_changed_since():
    before = {"title": "Rush", "start": D(2027, 11, 15), "people": [3, 1], "done": False}
    version = version_of(before)
    after = {**before, "start": D(2027, 11, 16), "done": True}
    assert changed_since(version, before) == []
    assert changed_since(version, after) == ["done", "start"]


@pytest.mark.django_db
def test_a_list_keeps_its_order_but_records_are_compared_as_a_set():
    first, second = factories.customer("Aarhus A/S"), factories.customer("Bornholm A/S")
    assert changed_since(version_of({"people": [first, second]}), {"people": [second, first]}) == []
    assert changed_since(version_of({"changes": ["a", "b"]}), {"changes": ["b", "a"]}) == [
        "changes"
    ]


def test_a_version_of_other_fields_or_no_version_at_all_is_none():
    assert changed_since(version_of({"a": 1}), {"a": 1, "b": 2}) is None
    assert changed_since("", {"a": 1}) is None
    assert changed_since("x" * HASH_CHARS, {"a": 1}) == ["a"]


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.one_of(st.dates(), st.integers(), st.text(max_size=20), st.none()),
        max_size=8,
    ),
    st.dates(),
)
def test_changing_any_one_date_field_names_that_field_alone(values, day):
    version = version_of(values)
    for name, value in values.items():
        changed = changed_since(version, {**values, name: day})
        assert changed == ([] if value == day else [name])
