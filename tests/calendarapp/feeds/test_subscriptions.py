"""Feed subscriptions: each opens its own feed with its own kinds, is revoked alone, notes fetches."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from calendarapp.feeds import feeds
from calendarapp.feeds.subscriptions import subscription_add, subscription_revoke
from calendarapp.models import FeedKind, FeedToken, hash_token
from calendarapp.occurrences.version import sync_change_triggers
from tests.calendarapp.feeds import support as fs


def test_every_feed_can_be_subscribed_to_and_only_those():
    assert set(FeedKind.values) == set(feeds.FEEDS)


def test_a_subscription_opens_only_its_own_feed(client, data, sales_manager):
    _, token = subscription_add(user=sales_manager, feed="customer", customer=data.acme)
    assert client.get(f"/feeds/{token}/customers/{data.acme.pk}.ics").status_code == 200
    assert client.get(f"/feeds/{token}/customers/{data.bavaria.pk}.ics").status_code == 404
    assert client.get(f"/feeds/{token}/all-customers.ics").status_code == 404
    _, country = subscription_add(user=sales_manager, feed="country", country="dk")
    assert client.get(f"/feeds/{country}/countries/dk.ics").status_code == 200
    assert client.get(f"/feeds/{country}/countries/DE.ics").status_code == 404


def test_a_subscriptions_kinds_narrow_its_feed_and_a_kinds_parameter_narrows_further(
    client, data, sales_manager
):
    _, token = subscription_add(
        user=sales_manager,
        feed="customer",
        customer=data.acme,
        kinds=["budget_close", "contract_renewal"],
    )
    path = f"/feeds/{token}/customers/{data.acme.pk}.ics"
    categories = {event["CATEGORIES"][1] for event in fs.vevents(client.get(path).getvalue())}
    assert categories == {"budget_close", "contract_renewal"}
    narrowed = client.get(path, {"kinds": "budget_close,public_holiday"}).getvalue()
    assert {event["CATEGORIES"][1] for event in fs.vevents(narrowed)} == {"budget_close"}


def test_revoking_one_subscription_leaves_the_others(client, data, sales_manager):
    first, first_token = subscription_add(user=sales_manager, feed="plans-all")
    _, second_token = subscription_add(user=sales_manager, feed="plans-all")
    assert subscription_revoke(subscription=first)
    assert not subscription_revoke(subscription=first)  # already revoked: nothing changes
    assert client.get(f"/feeds/{first_token}/plans-all.ics").status_code == 410
    assert client.get(f"/feeds/{second_token}/plans-all.ics").status_code == 200


def test_the_last_fetch_is_written_at_most_once_a_minute(
    client, data, sales_manager, clock, django_assert_num_queries
):
    subscription, token = subscription_add(user=sales_manager, feed="plans-all")
    path = f"/feeds/{token}/plans-all.ics"
    client.get(path)
    subscription.refresh_from_db()
    first = subscription.last_fetched_at
    assert first is not None and abs(first - fs.NOW) < datetime.timedelta(seconds=5)
    etag = client.get(path)["ETag"]
    # Within the minute: the token, the user's permissions (two) and the data version; no write.
    with django_assert_num_queries(4):
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    subscription.refresh_from_db()
    assert subscription.last_fetched_at == first
    clock.shift(datetime.timedelta(minutes=2))
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    subscription.refresh_from_db()
    assert subscription.last_fetched_at - first >= datetime.timedelta(minutes=2)


@pytest.mark.parametrize(
    "arguments, field",
    [
        ({"feed": "customer"}, "customer"),
        ({"feed": "country", "country": "XX"}, "country"),
        ({"feed": "country"}, "country"),
        ({"feed": "plans-all", "country": "DK"}, "country"),
        ({"feed": "weather"}, "feed"),
        ({"feed": "plans-all", "kinds": ["birthday"]}, "kinds"),
    ],
)
def test_a_subscription_that_makes_no_sense_names_its_field_and_saves_nothing(
    sales_manager, arguments, field
):
    with pytest.raises(ValidationError) as error:
        subscription_add(user=sales_manager, **arguments)
    assert field in error.value.message_dict
    assert not FeedToken.objects.exists()


def test_a_subscription_is_named_after_its_feed_and_kinds_unless_named(data, sales_manager):
    named, _ = subscription_add(user=sales_manager, feed="country", country="DK", name=" Phone ")
    assert named.name == "Phone"
    unnamed, _ = subscription_add(
        user=sales_manager, feed="customer", customer=data.acme, kinds=["vacation", "budget_close"]
    )
    assert unnamed.name == "Acme A/S: Vacation, Budget close"  # kinds in the table's order


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_addresses_made_before_subscriptions_keep_working_after_the_migration(client, settings):
    """Migration 0010 gives old rows no feed: they stay valid and open every feed as before."""
    settings.SITE_URL = fs.SITE_URL
    before, after = (
        ("calendarapp", "0009_digest_item_state"),
        ("calendarapp", "0010_feed_subscriptions"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_apps = executor.loader.project_state([before]).apps
    User = old_apps.get_model("auth", "User")
    OldToken = old_apps.get_model("calendarapp", "FeedToken")
    user = User.objects.create(username="old", is_superuser=True)
    OldToken.objects.create(user=user, token_hash=hash_token("old-secret"))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    sync_change_triggers()  # as `manage.py migrate` does after migrating

    migrated = FeedToken.objects.get(token_hash=hash_token("old-secret"))
    migrated.full_clean()
    assert (migrated.feed, migrated.kinds, migrated.revoked_at) == ("", "", None)
    assert client.get("/feeds/old-secret/all-customers.ics").status_code == 200
    assert client.get("/feeds/old-secret/countries/DK.ics").status_code == 200
