"""Migration customers 0007 turns the interest tags into evidence and back."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.utils import timezone

from customers.models import CustomerInterest

BEFORE = ("customers", "0006_touchpoint_follow_up_idx")
AFTER = ("customers", "0007_interest_evidence_strategies")


def migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tags_become_evidence_noted_when_the_customer_last_changed(settings):
    settings.INTEREST_STALE_DAYS = 180
    executor = migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    Customer = old.get_model("customers", "Customer")
    Interest = old.get_model("customers", "Interest")
    iot = Interest.objects.create(name="IoT")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    fresh = Customer.objects.create(name="Fresh", country="DK", timezone="Europe/Copenhagen")
    quiet = Customer.objects.create(name="Quiet", country="DK", timezone="Europe/Copenhagen")
    Customer.objects.filter(pk=quiet.pk).update(updated_at=long_ago)
    Customer.interests.through.objects.create(customer_id=fresh.pk, interest_id=iot.pk)
    Customer.interests.through.objects.create(customer_id=quiet.pk, interest_id=iot.pk)

    migrate([AFTER])
    # The customer's name alone: the customers table is as 0007 left it, without later columns.
    rows = CustomerInterest.objects.annotate(customer_name=F("customer__name"))
    evidence = {row.customer_name: row for row in rows}
    assert evidence["Fresh"].current and evidence["Fresh"].strength == "curious"
    assert evidence["Quiet"].stale, "a tag nobody touched for 400 days arrives stale"
    assert evidence["Quiet"].noted_on == timezone.localdate(long_ago)

    executor = migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    through = old.get_model("customers", "Customer").interests.through
    assert through.objects.count() == 2, "going back keeps every tag"
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
