"""The data version: one row renewed by triggers on every write to what the stream reads."""

import pytest
from django.db import connection, transaction

from calendarapp.models import Plan
from calendarapp.occurrences.version import data_version, versioned_models
from customers.models import Customer

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
