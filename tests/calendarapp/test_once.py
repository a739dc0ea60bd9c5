"""One-time keys: claimed once per user, forgotten after a day by the purge task."""

import datetime

import pytest
from django.db import transaction

from calendarapp.models import OnceKey
from calendarapp.once import once_answer, once_claim
from calendarapp.tasks import purge_once_keys

pytestmark = pytest.mark.django_db


def test_a_key_is_claimed_once_and_the_second_claim_reads_the_first_answer(sales_manager):
    with transaction.atomic():
        claim, first = once_claim(user=sales_manager, key="form:abc")
        once_answer(claim=claim, status=302, answer={"location": "/customers/1"})
    with transaction.atomic():
        again, second = once_claim(user=sales_manager, key="form:abc")
    assert (first, second) == (True, False)
    assert again.answer == {"location": "/customers/1"}


def test_the_purge_task_forgets_keys_older_than_a_day(sales_manager, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    with transaction.atomic():
        once_claim(user=sales_manager, key="api:old")
    time_machine.move_to(datetime.datetime(2026, 12, 2, 8, tzinfo=datetime.UTC))
    with transaction.atomic():
        once_claim(user=sales_manager, key="api:new")
    time_machine.move_to(datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC))
    assert purge_once_keys() == 1
    assert list(OnceKey.objects.values_list("key", flat=True)) == ["api:new"]
