"""A real Celery worker on the real Redis at REDIS_URL: a reminder sent twice arrives once.

The worker runs in a thread of the test process, so it sees the test database
(hence `transaction=True`) and Django's in-memory outbox.
"""

from __future__ import annotations

import datetime
import os
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections

from calendarapp import tasks
from calendarapp.celery import app as celery_app
from calendarapp.models import SentReminder
from tests import factories
from tests.support import skip_or_fail

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TODAY = datetime.date(2027, 7, 28)


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        skip_or_fail("REDIS_URL is not set, so there is no Redis for a real worker")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        skip_or_fail(f"Redis at {url} is unreachable: {exc}")
    if celery_app.conf.task_always_eager or celery_app.conf.broker_url != url:
        skip_or_fail("Celery was configured without REDIS_URL; set it before the tests start")
    return url


def close_worker_connections(**kwargs) -> None:
    """Close the worker thread's database connections, so the test database can be dropped."""
    connections.close_all()


@pytest.fixture
def worker_queue(redis_url):
    """Start a worker in a thread, on a queue of its own so that no other test's messages reach it."""
    queue = f"test-worker-{uuid.uuid4().hex}"
    task_postrun.connect(close_worker_connections)
    try:
        # Two threads, so the two deliveries can race for the same owner and day.
        with start_worker(
            celery_app, queues=[queue], perform_ping_check=False, pool="threads", concurrency=2
        ):
            yield queue
    finally:
        task_postrun.disconnect(close_worker_connections)


def test_a_reminder_sent_twice_is_delivered_once(worker_queue, sales_manager):
    factories.customer("Acme", "DK", owner=sales_manager, budget_close_month=9)

    results = [
        tasks.send_reminder.apply_async((sales_manager.pk, TODAY.isoformat()), queue=worker_queue)
        for _ in range(2)
    ]
    outcomes = sorted(result.get(timeout=30) for result in results)

    assert outcomes == ["already sent", "sent"]
    assert SentReminder.objects.filter(owner=sales_manager, day=TODAY).count() == 1
    [message] = mail.outbox
    assert message.to == ["sam@example.com"]
    assert "Acme's budget closes 30 Sep: get into next year's budget (1 Aug)" in message.body
