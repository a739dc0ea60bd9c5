"""The advice follows a customer's facts at once: after the owner moves the budget close (by
the API or on a touch), every reader says the new month, caches or not."""

import datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.feeds.subscriptions import subscription_add
from calendarapp.kinds import ALL_KINDS
from calendarapp.models import FeedKind
from calendarapp.occurrences.stream import RECENT_CALENDARS, calendar_between
from calendarapp.reminders.digest import build_digest
from customers.facts import customer_facts_save
from customers.models import Customer
from tests import factories

D = datetime.date
TODAY = D(2026, 11, 30)
pytestmark = pytest.mark.django_db

# A campaign early in February: just after a December close (a warning), and before a March
# close within its lead time (an opportunity).
CAMPAIGN = {
    "kind": "campaign",
    "title": "Spring offer",
    "start": "2027-02-01",
    "end": "2027-02-05",
}


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def customer(sales_manager, frozen):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


def move_by_patch(client, customer):
    response = client.patch(
        f"/api/customers/{customer.pk}",
        {"budget_close_month": 3},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def move_by_touch(client, customer):
    response = client.post(
        "/api/touchpoints",
        {
            "customer": customer.pk,
            "date": TODAY.isoformat(),
            "channel": "phone",
            "summary": "New CFO: the budget now closes in March.",
            "customer_updates": {"budget_close_month": 3},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def what_everyone_says(client, customer, feed: str) -> dict[str, object]:
    """The budget close as each reader tells it: the API, the page, the feed, the digest,
    the plan check and the finder."""
    occurrences = client.get(
        "/api/occurrences",
        {
            "start": "2026-12-01",
            "end": "2027-12-31",
            "customer": customer.pk,
            "kind": "budget_close",
        },
    ).json()["results"]
    page = client.get(f"/customers/{customer.pk}").content.decode()
    body = b"".join(client.get(feed).streaming_content).decode()
    digest = build_digest(customer.owner, TODAY)
    check = client.post(
        "/api/plans/check",
        {**CAMPAIGN, "customers": [customer.pk]},
        content_type="application/json",
    ).json()
    suggest = client.post(
        "/api/plans/suggest",
        {
            **CAMPAIGN,
            "customers": [customer.pk],
            "search_start": "2027-02-01",
            "search_end": "2027-02-28",
        },
        content_type="application/json",
    ).json()
    week_5 = next(w for w in suggest["weeks"] if (w["year"], w["week"]) == (2027, 5))
    return {
        "occurrence": occurrences[0]["end"],
        "page": "budget closes at the end of March" in page,
        "feed": "DTSTART;VALUE=DATE:20270331" in body,
        "digest": [
            item.text
            for item in digest.items
            if "budget" in item.text.lower() or "strategy" in item.text.lower()
        ],
        "check": sorted(
            {finding["rule"] for finding in check["findings"]}
            & {"budget_just_closed", "budget_closes_soon"}
        ),
        "finder": week_5["warning"],
    }


@pytest.mark.parametrize("move", [move_by_patch, move_by_touch])
def test_moving_the_budget_close_changes_every_readers_advice_at_once(
    sales_client, sales_manager, customer, move
):
    _, token = subscription_add(user=sales_manager, feed=FeedKind.MY_CUSTOMERS)
    feed = f"/feeds/{token}/my-customers.ics"
    before = what_everyone_says(sales_client, customer, feed)
    assert before == {
        "occurrence": "2026-12-31",
        "page": False,
        "feed": False,
        "digest": [
            "Aarhus A/S's budget closes 31 Dec: get into next year's budget",
            "Aarhus A/S: shaping next year's strategy until 3 Dec",
        ],
        "check": ["budget_just_closed"],
        "finder": 1,
    }
    move(sales_client, customer)
    after = what_everyone_says(sales_client, customer, feed)
    assert after == {
        "occurrence": "2027-03-31",
        "page": True,
        "feed": True,
        "digest": [],  # March's lead-in and strategy season start after the next two weeks
        "check": ["budget_closes_soon"],
        "finder": 0,
    }


FACT_EDITS = st.lists(
    st.one_of(
        st.fixed_dictionaries({"budget_close_month": st.integers(1, 12)}),
        st.fixed_dictionaries({"contact_every_days": st.integers(7, 365)}),
        st.integers(2, 52).flatmap(
            lambda start: st.fixed_dictionaries(
                {
                    "strategy_weeks_before_start": st.just(start),
                    "strategy_weeks_before_end": st.integers(0, start - 1),
                }
            )
        ),
        st.fixed_dictionaries({"subdivision": st.sampled_from(["", "BY", "HH"])}),
        st.fixed_dictionaries({"notes": st.text(max_size=20)}),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=FACT_EDITS)
def test_no_sequence_of_fact_edits_leaves_a_cached_calendar_stale(sales_manager, frozen, edits):
    # In Germany, whose regions keep different public holidays; the same row for every example.
    customer, _ = Customer.objects.get_or_create(name="Berlin GmbH", country="DE")
    window = (D(2026, 11, 1), D(2028, 12, 31))
    selected = Customer.objects.filter(pk=customer.pk)
    for facts in edits:
        calendar_between(*window, customers=selected, kinds=ALL_KINDS)  # cached before the edit
        customer_facts_save(customer=customer, by=sales_manager, **facts)
        cached = calendar_between(*window, customers=selected, kinds=ALL_KINDS)
        RECENT_CALENDARS.clear()
        rebuilt = calendar_between(*window, customers=selected, kinds=ALL_KINDS, reuse=False)
        assert cached.occurrences == rebuilt.occurrences, facts
