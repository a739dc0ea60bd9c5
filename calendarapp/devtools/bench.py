"""The figures `make bench` prints, on a fixed synthetic data set in two sizes.

Each figure is a function registered with `@figure`; it gets the `BenchData`
and returns a number. Timed figures run once to warm up and report the median
of several runs. Tests never assert times; these figures are for people.

The data set has `LARGE_CUSTOMERS` customers; the figures of the small size
run with all but the first `CUSTOMERS` of them deactivated. "Cold" figures
forget the process's remembered calendars before every run (as after any
edit); "warm" ones keep them (nothing changed since the last request).
"""

from __future__ import annotations

import datetime
import functools
import random
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import recurrence
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calendarapp.kinds import TOUCH_DUE
from calendarapp.lib import dates
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences.opportunities import customers_for, opportunities
from calendarapp.occurrences.sources.public_holidays import clear_cache, holidays_in_year
from calendarapp.occurrences.sources.touches import HORIZON_DAYS
from calendarapp.occurrences.stream import RECENT_CALENDARS, calendar_between
from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.panel import planner_panel
from calendarapp.planning.suggest import suggest_dates
from calendarapp.roles import SALES_MANAGERS
from customers.models import (
    Channel,
    Contract,
    Customer,
    CustomerInterest,
    Interest,
    Outcome,
    Touchpoint,
)
from traditions.models import Tradition, TraditionKind

D = datetime.date
SEED = 20261123
CUSTOMERS = 2000
LARGE_CUSTOMERS = 20_000
TRADITIONS_PER_CUSTOMER = 12
PLANS = 300
# Each customer's touchpoints, the last of them within the past two intervals or so.
TOUCHPOINTS_PER_CUSTOMER = 20
YEAR = 2027
COUNTRIES = [
    "DK", "DE", "US", "GB", "FR", "SE", "JP", "CN", "NO", "FI",
    "NL", "BE", "ES", "IT", "PT", "AT", "CH", "PL", "CZ", "IE",
    "CA", "AU", "NZ", "BR", "MX", "AR", "IN", "SG", "KR", "ZA",
    "IS", "EE", "LV", "LT", "SK", "SI", "HR", "GR", "TR", "IL",
]  # fmt: skip
SUBDIVISIONS = {"DE": ["BY", "NW", "HH", "BE"], "US": ["CA", "NY", "TX"], "CH": ["ZH", "GE"]}
# (kind, rule, first start, length in days): yearly dates, nth weekdays, ISO weeks, one-offs.
TRADITION_SHAPES = [
    (TraditionKind.BUSY_SEASON, "RRULE:FREQ=YEARLY", D(2024, 11, 15), 46),
    (TraditionKind.BUSY_SEASON, "RRULE:FREQ=YEARLY", D(2024, 12, 15), 26),
    (
        TraditionKind.BUSY_SEASON,
        "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=-1FR",
        D(2024, 11, 29),
        3,
    ),
    (
        TraditionKind.CUSTOMER_EVENT,
        "RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=2TU",
        D(2025, 1, 14),
        1,
    ),
    (
        TraditionKind.CUSTOMER_EVENT,
        "RRULE:FREQ=YEARLY;BYWEEKNO=10;BYDAY=TU",
        D(2025, 3, 4),
        3,
    ),
    (
        TraditionKind.VACATION,
        "RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO",
        D(2025, 10, 13),
        5,
    ),
    (
        TraditionKind.VACATION,
        "RRULE:FREQ=YEARLY;BYWEEKNO=29;BYDAY=MO",
        D(2025, 7, 14),
        21,
    ),
    (
        TraditionKind.BUDGET_CLOSE,
        "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=-1",
        D(2025, 6, 30),
        1,
    ),
    (
        TraditionKind.OTHER,
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        D(2024, 2, 29),
        1,
    ),
    (TraditionKind.OTHER, "RRULE:FREQ=MONTHLY;BYMONTHDAY=1", D(2026, 1, 1), 1),
    (TraditionKind.CUSTOMER_EVENT, "", D(2027, 5, 11), 2),
    (TraditionKind.VACATION, "", D(2027, 8, 2), 14),
]


# Rules other than simple yearly ones are rare in traditions; one customer in this many has one.
RARE_RULE_EVERY = 20
RARE_RULE_STAND_IN = "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1MO"


def _vary(shape, number: int, rng: random.Random):
    """Give each customer's tradition its own first year, as if entered over a decade."""
    kind, rule, start, length = shape
    if rule and dates.parse_yearly_rule(rule) is None and number % RARE_RULE_EVERY:
        rule = RARE_RULE_STAND_IN
    if not rule:
        return kind, rule, start, length
    year = rng.randint(2016, 2026)
    fast = dates.parse_yearly_rule(rule)
    if fast is None:
        return kind, rule, start, length
    if fast.monthday == 0:
        try:
            return kind, rule, start.replace(year=year), length
        except ValueError:
            return kind, rule, start, length
    return kind, rule, fast.day_in_year(year) or start, length


@functools.cache
def _parsed_rule(text: str):
    return recurrence.deserialize(text) if text else None


@dataclass
class BenchData:
    customer_ids: list[int]


SMALL, LARGE = "small", "large"
Figure = Callable[[BenchData], float]
FIGURES: dict[str, tuple[str, Figure, str]] = {}
# Where the bench notes that it made the data set: it touches no database without it.
MARKER_TABLE = "bench_data_set"
# The large size's runs take seconds each: fewer of them.
LARGE_RUNS = 3


def figure(name: str, unit: str = "ms", size: str = SMALL) -> Callable[[Figure], Figure]:
    def register(function: Figure) -> Figure:
        FIGURES[name] = (unit, function, size)
        return function

    return register


def timed(
    function: Callable[[], object], runs: int = 11, before: Callable[[], object] | None = None
) -> float:
    """Run once to warm up, then return the median of `runs` runs in milliseconds.

    `before` runs untimed ahead of each run (such as forgetting remembered calendars).
    """
    function()
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def has_marker() -> bool:
    return MARKER_TABLE in connection.introspection.table_names()


@transaction.atomic
def build_data(size: int | None = None) -> BenchData:
    """Create the fixed data set up to `size` customers (or reuse what is there)."""
    size = LARGE_CUSTOMERS if size is None else size
    present = Customer.objects.count()
    if present == 0:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (note varchar(100))")
        rng = random.Random(SEED)
        users = [
            get_user_model().objects.create_user(f"owner{i}", password=None) for i in range(20)
        ]
        Group.objects.get(name=SALES_MANAGERS).user_set.add(*users)
        interests = [Interest.objects.create(name=f"interest {i}") for i in range(10)]
        customers = _add_customers(0, min(size, CUSTOMERS), users, interests, rng)
        _add_plans(customers, users, rng)
        present = len(customers)
    if present < size:
        users = list(get_user_model().objects.filter(username__startswith="owner"))
        _add_customers(
            present, size - present, users, list(Interest.objects.all()), random.Random(SEED + 1)
        )
    if not Touchpoint.objects.exists():  # a data set made before touchpoints existed
        _add_touchpoints(Customer.objects.order_by("pk"), random.Random(SEED + 2))
    return BenchData(list(Customer.objects.order_by("pk").values_list("pk", flat=True)))


def _add_customers(first: int, count: int, users, interests, rng: random.Random) -> list[Customer]:
    customers = Customer.objects.bulk_create(
        Customer(
            name=f"Customer {i:05d}",
            country=(country := COUNTRIES[i % len(COUNTRIES)]),
            subdivision=rng.choice(SUBDIVISIONS.get(country, [""])),
            owner=rng.choice(users),
            budget_close_month=rng.randint(1, 12),
        )
        for i in range(first, first + count)
    )
    CustomerInterest.objects.bulk_create(
        CustomerInterest(customer=customer, interest=interest)
        for customer in customers
        for interest in rng.sample(interests, 2)
    )
    Tradition.objects.bulk_create(
        (
            Tradition(
                customer=customer,
                kind=kind,
                title=f"{kind.label} {index}",
                start=start,
                end=start + datetime.timedelta(days=length - 1),
                recurrence=_parsed_rule(rule),
                lead_time_days=rng.choice([0, 14, 30, 60]),
            )
            for number, customer in enumerate(customers, start=first)
            for index, shape in enumerate(TRADITION_SHAPES)
            for kind, rule, start, length in [_vary(shape, number, rng)]
        ),
        batch_size=5000,
    )
    Contract.objects.bulk_create(
        Contract(
            customer=customer,
            name="Licence",
            end_date=D(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 700)),
        )
        for customer in customers[::2]
    )
    return customers


def _add_touchpoints(customers: Iterable[Customer], rng: random.Random) -> None:
    """TOUCHPOINTS_PER_CUSTOMER touches each over the past two years, some follow-ups ahead."""
    today = timezone.localdate()
    channels = list(Channel)
    Touchpoint.objects.bulk_create(
        (
            Touchpoint(
                customer=customer,
                date=today
                - datetime.timedelta(days=rng.randint(0, 730) if i else rng.randint(0, 60)),
                channel=rng.choice(channels),
                summary="Call",
                changes=[{"topic": "priorities", "text": "Cloud first."}] if i % 5 == 0 else [],
                outcome=Outcome.FOLLOW_UP if i == 1 else Outcome.NONE,
                follow_up_on=today + datetime.timedelta(days=rng.randint(1, 40))
                if i == 1
                else None,
            )
            for customer in customers
            for i in range(TOUCHPOINTS_PER_CUSTOMER)
        ),
        batch_size=5000,
    )


def _add_plans(customers: list[Customer], users, rng: random.Random) -> None:
    kinds = list(PlanKind)
    for index in range(PLANS):
        start = D(YEAR, 1, 4) + datetime.timedelta(days=rng.randint(0, 350))
        plan = Plan.objects.create(
            kind=rng.choice(kinds),
            title=f"Plan {index}",
            start=start,
            end=start + datetime.timedelta(days=rng.randint(0, 4)),
            owner=rng.choice(users),
            countries=rng.sample(COUNTRIES, 1) if index % 3 == 0 else [],
        )
        plan.customers.add(*rng.sample(customers, 5))


def use_size(data: BenchData, size: str) -> None:
    """Leave the first CUSTOMERS customers active for the small size, all for the large one."""
    count = CUSTOMERS if size == SMALL else LARGE_CUSTOMERS
    last = data.customer_ids[min(count, len(data.customer_ids)) - 1]
    Customer.objects.filter(pk__gt=last, active=True).update(active=False)
    Customer.objects.filter(pk__lte=last, active=False).update(active=True)


def year_window() -> tuple[datetime.date, datetime.date]:
    return D(YEAR, 1, 1), D(YEAR, 12, 31)


def _runs(size: str) -> int:
    return LARGE_RUNS if size == LARGE else 11


def _expand_year(size: str) -> float:
    return timed(lambda: calendar_between(*year_window(), reuse=False), _runs(size))


@figure("expand_year_all_ms")
def expand_year_all(data: BenchData) -> float:
    return _expand_year(SMALL)


@figure("expand_year_20k_ms", size=LARGE)
def expand_year_20k(data: BenchData) -> float:
    return _expand_year(LARGE)


@figure("touches_all_ms")
def touches_all(data: BenchData) -> float:
    """The next touch of every active customer, each with TOUCHPOINTS_PER_CUSTOMER touchpoints."""
    today = timezone.localdate()
    window = today, today + datetime.timedelta(days=HORIZON_DAYS)
    return timed(lambda: calendar_between(*window, kinds=[TOUCH_DUE], reuse=False))


@figure("opportunities_all_ms")
def opportunities_all(data: BenchData) -> float:
    """Opportunities now, the team view: every active customer's, 60 days ahead."""
    customers = customers_for()
    return timed(lambda: opportunities(customers, reuse=False))


@figure("queries_expand_year", unit="queries")
def queries_expand_year(data: BenchData) -> float:
    with CaptureQueriesContext(connection) as queries:
        calendar_between(*year_window(), reuse=False)
    return len(queries)


def _all_countries_check() -> Callable[[], object]:
    start = D(YEAR, 10, 11)
    draft = Draft(
        kind=PlanKind.EVENT,
        start=start,
        end=start + datetime.timedelta(days=4),
        countries=frozenset(COUNTRIES),
    )
    return lambda: check_plan(draft)


@figure("check_plan_all_ms")
def check_plan_all(data: BenchData) -> float:
    return timed(_all_countries_check(), before=RECENT_CALENDARS.clear)


@figure("check_plan_warm_ms")
def check_plan_warm(data: BenchData) -> float:
    return timed(_all_countries_check())


@figure("check_plan_20k_ms", size=LARGE)
def check_plan_20k(data: BenchData) -> float:
    return timed(_all_countries_check(), LARGE_RUNS, before=RECENT_CALENDARS.clear)


@figure("check_plan_20k_warm_ms", size=LARGE)
def check_plan_20k_warm(data: BenchData) -> float:
    return timed(_all_countries_check(), LARGE_RUNS)


@figure("suggest_26_weeks_ms")
def suggest_26_weeks(data: BenchData) -> float:
    start = D(YEAR, 1, 4)
    draft = Draft(
        kind=PlanKind.EVENT,
        start=start,
        end=start,
        customer_ids=frozenset(data.customer_ids[:500]),
    )
    return timed(
        lambda: suggest_dates(
            draft,
            duration_days=3,
            search_start=start,
            search_end=start + datetime.timedelta(weeks=26, days=-1),
        ),
        before=RECENT_CALENDARS.clear,
    )


@figure("suggest_near_ms")
def suggest_near(data: BenchData) -> float:
    """Better dates for a 2-day event in week 42, searched around it, for every customer."""
    start = D(YEAR, 10, 19)
    draft = Draft(
        kind=PlanKind.EVENT,
        start=start,
        end=start + datetime.timedelta(days=1),
        countries=frozenset(COUNTRIES),
    )
    return timed(lambda: suggest_dates(draft, today=D(YEAR, 1, 4)), before=RECENT_CALENDARS.clear)


def _planner_panel() -> Callable[[], object]:
    """The planner's live panel (check, five suggestions, heat map) for every customer."""
    start = D(YEAR, 3, 1)
    draft = Draft(
        kind=PlanKind.EVENT,
        start=start,
        end=start + datetime.timedelta(days=1),
        countries=frozenset(COUNTRIES),
    )
    return lambda: planner_panel(draft, today=D(YEAR, 1, 4))


@figure("planner_panel_all_ms")
def planner_panel_all(data: BenchData) -> float:
    return timed(_planner_panel(), before=RECENT_CALENDARS.clear)


@figure("planner_panel_20k_cold_ms", size=LARGE)
def planner_panel_20k_cold(data: BenchData) -> float:
    return timed(_planner_panel(), LARGE_RUNS, before=RECENT_CALENDARS.clear)


@figure("planner_panel_20k_ms", size=LARGE)
def planner_panel_20k(data: BenchData) -> float:
    """Warm: the panel again, as when a sales manager edits the title, nothing else changed."""
    return timed(_planner_panel(), LARGE_RUNS)


def _all_regions_three_years() -> None:
    for country in COUNTRIES:
        for year in (YEAR - 1, YEAR, YEAR + 1):
            holidays_in_year(country, "", year)


@figure("holidays_cold_ms")
def holidays_cold(data: BenchData) -> float:
    clear_cache()
    started = time.perf_counter()
    _all_regions_three_years()
    return round((time.perf_counter() - started) * 1000, 1)


@figure("holidays_warm_ms")
def holidays_warm(data: BenchData) -> float:
    return timed(_all_regions_three_years)


def _timeline_year_page() -> Callable[[], object]:
    """The timeline view, template included, for the first 100 customers over one year."""
    from django.conf import settings
    from django.test import RequestFactory, override_settings

    from calendarapp.timeline.views import timeline

    request = RequestFactory().get("/", {"range": "year", "start": f"{YEAR}-01-01"})
    user = get_user_model().objects.order_by("pk").first()
    assert user is not None, "the bench data set has account owners"
    # An account owner is a sales manager (data sets built before roles were checked lack it).
    user.groups.add(Group.objects.get(name=SALES_MANAGERS))
    request.user = user
    # The throwaway bench database has no collected static files to name in the page.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    def render() -> object:
        with override_settings(STORAGES=plain_static):
            return timeline(request)

    return render


@figure("timeline_page_ms")
def timeline_page(data: BenchData) -> float:
    return timed(_timeline_year_page(), before=RECENT_CALENDARS.clear)


@figure("timeline_page_20k_ms", size=LARGE)
def timeline_page_20k(data: BenchData) -> float:
    return timed(_timeline_year_page(), before=RECENT_CALENDARS.clear)


@figure("timeline_page_queries", unit="queries")
def timeline_page_queries(data: BenchData) -> float:
    page = _timeline_year_page()
    RECENT_CALENDARS.clear()
    with CaptureQueriesContext(connection) as queries:
        page()
    return len(queries)


# The feed and reminder figures live with their code; importing a module registers them.
from calendarapp.devtools import bench_api, bench_feeds, bench_fresh, bench_imports, bench_reminders  # noqa: E402, F401, I001
from calendarapp.devtools import bench_calendars  # noqa: E402, F401, I001
