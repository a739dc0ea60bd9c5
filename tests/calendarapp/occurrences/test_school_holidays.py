"""School holidays from the `holidays` package: whole breaks, stable ids, a warning not a block."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendarapp.occurrences.sources.school_holidays import has_school_holidays, school_holidays
from calendarapp.occurrences.stream import calendar_between
from customers.models import Customer
from tests import factories

D = datetime.date
SCHOOL = ["school_holiday"]


def test_a_bavarian_break_is_one_occurrence_whole_across_new_year_with_a_stable_id():
    (christmas,) = school_holidays("DE", "BY", D(2026, 12, 31), D(2027, 1, 2))
    assert (christmas.start, christmas.end, christmas.title) == (
        D(2026, 12, 24),
        D(2027, 1, 8),
        "Christmas Break",
    )
    assert christmas.id == "school-DE-BY-2026-12-24"
    assert christmas.kind == "school_holiday" and christmas.subdivision == "BY"
    year = school_holidays("DE", "BY", D(2026, 1, 1), D(2026, 12, 31))
    assert 80 <= sum((o.end - o.start).days + 1 for o in year if o.start.year == 2026) <= 100


def test_countries_without_school_holidays_in_the_package_have_none():
    assert not has_school_holidays("DK")
    assert school_holidays("DK", "", D(2026, 1, 1), D(2026, 12, 31)) == []
    assert all(has_school_holidays(code) for code in ("AT", "AU", "BE", "DE", "FR", "NL", "PL"))


@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    split=st.integers(min_value=0, max_value=400),
    length=st.integers(min_value=0, max_value=400),
)
# No deadline: a year the package has not computed yet takes a moment.
@settings(max_examples=40, deadline=None)
def test_a_windows_breaks_are_the_union_of_those_of_any_split_of_it(start, split, length):
    end = start + datetime.timedelta(days=length)
    middle = min(start + datetime.timedelta(days=split), end)
    whole = {o.id: o for o in school_holidays("NL", "Noord", start, end)}
    parts = {
        o.id: o
        for window in ((start, middle), (middle, end))
        for o in school_holidays("NL", "Noord", *window)
    }
    assert parts == whole


@pytest.mark.django_db
def test_a_customer_sees_its_regions_breaks_and_a_meeting_there_is_a_warning_not_a_blocker(
    sales_client, clock
):
    munich = factories.customer("München GmbH", "DE", subdivision="BY")
    factories.customer("Berlin GmbH", "DE", subdivision="BE")
    calendar = calendar_between(
        D(2026, 11, 2),
        D(2026, 11, 6),
        customers=Customer.objects.filter(pk=munich.pk),
        kinds=SCHOOL,
    )
    assert [o.id for o in calendar.for_customer(calendar.customers[0])] == [
        "school-DE-BY-2026-11-02"
    ]
    body = {"kind": "meeting", "title": "Review", "start": "2026-11-04", "end": "2026-11-04",
            "customers": [munich.pk]}  # fmt: skip
    data = sales_client.post("/api/plans/check", body, content_type="application/json").json()
    assert data["summary"]["blocker"] == 0
    (finding,) = [f for f in data["findings"] if f["rule"] == "school_holiday"]
    assert finding["severity"] == "warning"
    assert finding["message"].startswith("München GmbH: Autumn Break (2–6 Nov 2026")
    assert "families may be away" in finding["message"]
