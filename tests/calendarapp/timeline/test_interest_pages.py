"""The customer page's interests and strategies, and a touch that notes interests."""

from __future__ import annotations

import datetime

from django.utils import timezone

from customers.interests import strategy_save
from tests import factories

DAY = datetime.timedelta(days=1)


def test_the_customer_page_shows_interests_stale_ones_and_strategies(sales_client, sales_manager):
    today = timezone.localdate()
    customer = factories.customer("Havfrue Shipping", "DK", owner=sales_manager)
    factories.interest(customer, "IoT", strength="committed", noted_on=today - 5 * DAY)
    factories.interest(customer, "Cloud", noted_on=today - 400 * DAY)
    strategy_save(customer=customer, title="Fleet telemetry", stage="shopping_list")
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "IoT" in page and "committed" in page
    assert "stale: ask again" in page
    assert "Fleet telemetry" in page and "we came in late" in page
    assert "Strategy season" in page


def test_logging_a_touch_on_the_page_notes_and_confirms_interests(sales_client, sales_manager):
    today = timezone.localdate()
    customer = factories.customer("Havfrue Shipping", "DK", owner=sales_manager)
    known = factories.interest(customer, "IoT", noted_on=today - 300 * DAY)
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {
            "date": today.isoformat(),
            "channel": "visit",
            "outcome": "none",
            "interests": "IoT, emissions data",
            "interest_strength": "evaluating",
        },
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert (known.confirmed_on, known.strength, known.current) == (today, "evaluating", True)
    assert customer.interest_evidence.get(interest__name="emissions data").noted_on == today


def test_the_timelines_interest_filter_shows_only_current_evidence(sales_client):
    today = timezone.localdate()
    keen = factories.customer("Keen", "DK")
    factories.interest(keen, "IoT", noted_on=today)
    once = factories.customer("Once", "DK")
    iot = factories.interest(once, "IoT", noted_on=today - 400 * DAY).interest
    page = sales_client.get(f"/?interest={iot.name}").content.decode()
    assert "Keen" in page
    assert "Once" not in page
