"""The change log: triggers log every write to what the stream reads, naming its subject."""

import datetime

import pytest
from django.db import connection, transaction

from calendarapp.models import Plan
from calendarapp.occurrences.version import (
    EVERYTHING,
    PAGE_MODELS,
    RISK_MODELS,
    Changes,
    change_log_prune,
    change_mark,
    changes_since,
    data_version,
    versioned_models,
)
from customers.decisions import competitor_save, decision_factor_save
from customers.facts import customer_facts_save
from customers.interests import strategy_save
from customers.models import Customer, DecisionStep
from customers.services import person_save, touchpoint_log
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", versioned_models(), ids=lambda m: m._meta.db_table)
def test_any_write_to_a_watched_table_changes_the_version_even_in_raw_sql(every_source, model):
    Plan.objects.get().customers.add(every_source)  # a row in every table (SQLite triggers per row)
    table = connection.ops.quote_name(model._meta.db_table)
    before = data_version()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 - a table name, not input
    after = data_version()
    assert after.fingerprint != before.fingerprint
    assert after.latest_change >= before.latest_change


def test_reading_the_version_is_one_query_that_touches_no_watched_table(
    every_source, django_assert_num_queries
):
    with django_assert_num_queries(1) as captured:
        data_version()
    sql = captured.captured_queries[0]["sql"]
    assert not any(model._meta.db_table in sql for model in versioned_models())


def test_a_rolled_back_change_never_brings_back_a_version(every_source):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Customer.objects.update(name="Renamed")
        inside = data_version()
        raise RuntimeError("roll back")
    assert data_version() == before
    Customer.objects.update(name="Renamed again")
    assert data_version().fingerprint not in {before.fingerprint, inside.fingerprint}


def test_pruning_drops_old_changes_but_the_newest_and_an_older_mark_then_renews_everything(
    every_source, clock
):
    mark = change_mark()
    Customer.objects.update(name="Renamed")
    clock.move_to(datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))  # past all the database wrote
    assert change_log_prune() > 0
    assert data_version().fingerprint  # the newest row stays
    changes, _ = changes_since(mark)
    assert changes.everything


def test_a_touch_names_its_customer_and_a_local_tradition_its_country(every_source):
    mark = change_mark()
    touchpoint_log(customer=every_source, date=datetime.date(2026, 6, 2), channel="phone")
    factories.tradition(title="Fair", start=datetime.date(2026, 9, 1), country="SE", customer=None)
    changes, _ = changes_since(mark)
    assert changes == Changes(customers=frozenset({every_source.pk}), countries=frozenset({"SE"}))


@pytest.mark.parametrize("model", RISK_MODELS + PAGE_MODELS, ids=lambda m: m._meta.db_table)
def test_a_row_the_risk_check_or_the_customer_page_reads_names_its_customer_even_in_raw_sql(
    every_source, sales_manager, model
):
    """Itself, or through the touch, person or step it belongs to."""
    person = person_save(customer=every_source, name="Mette", job_title="CFO")
    person_save(person=person, customer=every_source, stance="supporter")  # a change of stance
    touchpoint_log(
        customer=every_source,
        date=datetime.date(2026, 6, 2),
        channel="visit",
        people=[person],
        our_people=[sales_manager],
    )
    DecisionStep.objects.get().people.add(person)
    competitor_save(customer=every_source, name="Rival")
    decision_factor_save(customer=every_source, name="Price", weight=3)
    strategy_save(customer=every_source, title="Cloud first", noted_on=datetime.date(2026, 5, 1))
    customer_facts_save(customer=every_source, by=sales_manager, budget_close_month=3)
    factories.customer("Other A/S", "DK")
    mark = change_mark()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608 - a table name, not input
        assert cursor.rowcount > 0
    changes, _ = changes_since(mark)
    assert changes == Changes(customers=frozenset({every_source.pk}))


def test_a_user_renamed_renews_everything_and_a_login_or_a_new_password_nothing(
    every_source, sales_manager
):
    mark = change_mark()
    sales_manager.last_login = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    sales_manager.save(update_fields=["last_login"])
    sales_manager.set_password("a new one")
    sales_manager.save()  # every column written, the names unchanged
    changes, mark = changes_since(mark)
    assert not changes
    type(sales_manager).objects.filter(pk=sales_manager.pk).update(last_name="Holm")
    assert changes_since(mark)[0] == EVERYTHING
