"""A change that commits after a later one, on PostgreSQL: the caches still learn of it.

Transaction T1 writes one customer's budget month and stays open; T2 writes another
customer's and commits; a reader warms its caches (a calendar, a plan check, the
all-customers feed in slices) in between; then T1 commits. The reader's next answers
include T1's change, equal a cold rebuild, renew only the customer T1 touched, and the
feed's ETag moves. Real threads, each with its own database connection, as two web
processes would be. PostgreSQL only (SQLite commits one writer at a time).
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connections, transaction

from calendarapp.feeds import feeds, slices
from calendarapp.kinds import ALL_KINDS
from calendarapp.models import PlanKind
from calendarapp.occurrences.stream import RECENT_CALENDARS, calendar_between
from calendarapp.occurrences.version import data_version
from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft
from customers.facts import customer_facts_save
from customers.models import Customer
from tests import factories
from tests.support import needs_postgresql

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
D = datetime.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
DRAFT = Draft(
    kind=PlanKind.EVENT, start=D(2026, 10, 5), end=D(2026, 10, 6), countries=frozenset({"DK"})
)


@pytest.fixture(autouse=True)
def postgresql_and_no_memory():
    needs_postgresql()
    RECENT_CALENDARS.clear()
    cache.clear()
    yield
    RECENT_CALENDARS.clear()
    cache.clear()


@pytest.fixture
def team(every_source, sales_manager, monkeypatch):
    """Danes with everything, and more customers so that slices and renewal have others."""
    monkeypatch.setattr(slices, "BLOCK", 2)
    for number in range(4):
        factories.customer(f"Kunde {number} A/S", "DK", owner=sales_manager)
    return sales_manager


def feed_body(user) -> tuple[str, bytes]:
    feed = feeds.FEEDS["all-customers"]
    version = feed.version(None, user, None)
    return version.etag, b"".join(feed.body(None, user, None, version).parts)


def answers(user) -> dict[str, object]:
    calendar = calendar_between(*YEAR, kinds=ALL_KINDS)
    return {
        "calendar": (calendar.customers, calendar.occurrences),
        "check": check_plan(DRAFT),
        "feed": feed_body(user)[1],
    }


def budget_closes(customer_id: int) -> set[datetime.date]:
    calendar = calendar_between(*YEAR, kinds=["budget_close"])
    return {o.start for o in calendar.occurrences if o.customer_id == customer_id}


class OpenTransaction:
    """T1 in a thread of its own: writes a customer's budget month, then waits to commit."""

    def __init__(self, customer: Customer, month: int) -> None:
        self.written, self.release = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(customer, month))

    def _run(self, customer: Customer, month: int) -> None:
        try:
            with transaction.atomic():
                customer_facts_save(customer=customer, by=None, budget_close_month=month)
                self.written.set()
                assert self.release.wait(timeout=60), "the test never let T1 commit"
        except BaseException as error:  # noqa: BLE001 (reported by commit())
            self.error = error
            self.written.set()
        finally:
            connections.close_all()

    def __enter__(self) -> OpenTransaction:
        self.thread.start()
        assert self.written.wait(timeout=30)
        return self

    def commit(self) -> None:
        self.release.set()
        self.thread.join(timeout=60)
        if self.error is not None:
            raise self.error

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(timeout=60)


def in_thread(call) -> None:
    """T2: a write of its own connection, committed when the thread ends."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:  # noqa: BLE001
            failed.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if failed:
        raise failed[0]


def test_a_change_committed_after_a_later_one_reaches_every_cache(team):
    aarhus = Customer.objects.get(name__startswith="Aarhus")
    bornholm = Customer.objects.get(name__startswith="Bornholm")
    answers(team)  # remembered before both writes
    with OpenTransaction(aarhus, 2) as first:
        in_thread(lambda: customer_facts_save(customer=bornholm, by=None, budget_close_month=3))
        # The reader sees T2's change but not T1's, and remembers what it saw.
        assert budget_closes(bornholm.pk) == {D(2026, 3, 31)}
        assert budget_closes(aarhus.pk) != {D(2026, 2, 28)}
        calendar = calendar_between(*YEAR, kinds=ALL_KINDS)
        warm = answers(team)
        etag = feed_body(team)[0]
        first.commit()
    assert budget_closes(aarhus.pk) == {D(2026, 2, 28)}
    renewed = calendar_between(*YEAR, kinds=ALL_KINDS)
    # Only Aarhus was read again: every other customer's occurrence is the very same object.
    others = [o for o in calendar.occurrences if o.customer_id not in {aarhus.pk, None}]
    kept = {id(o) for o in renewed.occurrences}
    assert others and all(id(o) in kept for o in others)
    assert feed_body(team)[0] != etag
    cached = answers(team)
    assert cached != warm
    RECENT_CALENDARS.clear()
    cache.clear()
    assert cached == answers(team)


@pytest.mark.parametrize("block", [2, 256], ids=["small slices", "one slice for all"])
def test_a_late_commit_renders_again_only_its_customers_slice_of_the_feed(team, block, monkeypatch):
    """With one slice for all, the slice rendered between the two commits is rendered again
    under the same newest log row: it must get a key of its own, or a slower render of the old
    content could overwrite the new one under the key the manifest names."""
    monkeypatch.setattr(slices, "BLOCK", block)
    aarhus = Customer.objects.get(name__startswith="Aarhus")
    bornholm = Customer.objects.get(name__startswith="Bornholm")
    feed_body(team)
    base_key = feeds.FEEDS["all-customers"].version(None, team, None).base_key
    with OpenTransaction(aarhus, 2) as first:
        in_thread(lambda: customer_facts_save(customer=bornholm, by=None, budget_close_month=3))
        feed_body(team)
        before = cache.get(f"feed-slices:{base_key}").keys
        first.commit()
    body = feed_body(team)[1]
    after = cache.get(f"feed-slices:{base_key}").keys
    assert {name for name in after if after[name] != before[name]} == {
        f"block-{aarhus.pk // slices.BLOCK}"
    }
    assert b"DTSTART;VALUE=DATE:20260228" in body
    cache.clear()
    assert feed_body(team)[1] == body


def test_the_data_version_moves_when_a_late_change_commits(team):
    aarhus = Customer.objects.get(name__startswith="Aarhus")
    bornholm = Customer.objects.get(name__startswith="Bornholm")
    with OpenTransaction(aarhus, 2) as first:
        in_thread(lambda: customer_facts_save(customer=bornholm, by=None, budget_close_month=3))
        seen = data_version()
        assert data_version() == seen  # nothing else committed: a feed may answer 304
        first.commit()
    assert data_version().fingerprint != seen.fingerprint
