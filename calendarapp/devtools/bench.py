"""The figures `make bench` prints, on a fixed synthetic data set.

Each figure is a function registered with `@figure`; it gets the `BenchData`
and returns a number. Timed figures run once to warm up and report the median
of several runs. Tests never assert times; these figures are for people.
"""

from __future__ import annotations

import datetime
import functools
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import recurrence
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from calendarapp.lib import dates
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences.sources.public_holidays import holidays_in_year
from calendarapp.occurrences.stream import calendar_between
from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.panel import planner_panel
from calendarapp.planning.suggest import suggest_dates
from calendarapp.roles import SALES_MANAGERS
from customers.models import Contract, Customer, Interest
from traditions.models import Tradition, TraditionKind

D = datetime.date
SEED = 20261123
CUSTOMERS = 2000
TRADITIONS_PER_CUSTOMER = 12
PLANS = 300
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


Figure = Callable[[BenchData], float]
FIGURES: dict[str, tuple[str, Figure]] = {}


def figure(name: str, unit: str = "ms") -> Callable[[Figure], Figure]:
    def register(function: Figure) -> Figure:
        FIGURES[name] = (unit, function)
        return function

    return register


def timed(function: Callable[[], object], runs: int = 11) -> float:
    """Run once to warm up, then return the median of `runs` runs in milliseconds."""
    function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


@transaction.atomic
def build_data() -> BenchData:
    """Create the fixed data set (or reuse it when it is already there)."""
    if Customer.objects.count() >= CUSTOMERS:
        return BenchData(list(Customer.objects.order_by("pk").values_list("pk", flat=True)))
    rng = random.Random(SEED)
    users = [get_user_model().objects.create_user(f"owner{i}", password=None) for i in range(20)]
    Group.objects.get(name=SALES_MANAGERS).user_set.add(*users)
    interests = [Interest.objects.create(name=f"interest {i}") for i in range(10)]
    customers = Customer.objects.bulk_create(
        Customer(
            name=f"Customer {i:04d}",
            country=(country := COUNTRIES[i % len(COUNTRIES)]),
            subdivision=rng.choice(SUBDIVISIONS.get(country, [""])),
            owner=rng.choice(users),
            budget_close_month=rng.randint(1, 12),
        )
        for i in range(CUSTOMERS)
    )
    through = Customer.interests.through
    through.objects.bulk_create(
        through(customer=customer, interest=interest)
        for customer in customers
        for interest in rng.sample(interests, 2)
    )
    Tradition.objects.bulk_create(
        Tradition(
            customer=customer,
            kind=kind,
            title=f"{kind.label} {index}",
            start=start,
            end=start + datetime.timedelta(days=length - 1),
            recurrence=_parsed_rule(rule),
            lead_time_days=rng.choice([0, 14, 30, 60]),
        )
        for number, customer in enumerate(customers)
        for index, shape in enumerate(TRADITION_SHAPES)
        for kind, rule, start, length in [_vary(shape, number, rng)]
    )
    Contract.objects.bulk_create(
        Contract(
            customer=customer,
            name="Licence",
            end_date=D(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(0, 700)),
        )
        for customer in customers[::2]
    )
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
    return BenchData([customer.pk for customer in customers])


def year_window() -> tuple[datetime.date, datetime.date]:
    return D(YEAR, 1, 1), D(YEAR, 12, 31)


@figure("expand_year_all_ms")
def expand_year_all(data: BenchData) -> float:
    return timed(lambda: calendar_between(*year_window()))


@figure("queries_expand_year", unit="queries")
def queries_expand_year(data: BenchData) -> float:
    with CaptureQueriesContext(connection) as queries:
        calendar_between(*year_window())
    return len(queries)


@figure("check_plan_all_ms")
def check_plan_all(data: BenchData) -> float:
    start = D(YEAR, 10, 11)
    draft = Draft(
        kind=PlanKind.EVENT,
        start=start,
        end=start + datetime.timedelta(days=4),
        countries=frozenset(COUNTRIES),
    )
    return timed(lambda: check_plan(draft))


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
        )
    )


@figure("planner_panel_all_ms")
def planner_panel_all(data: BenchData) -> float:
    """The planner's live panel (check, five suggestions, heat map) for every customer."""
    start = D(YEAR, 3, 1)
    draft = Draft(
        kind=PlanKind.EVENT,
        start=start,
        end=start + datetime.timedelta(days=1),
        countries=frozenset(COUNTRIES),
    )
    return timed(lambda: planner_panel(draft, search_from=D(YEAR, 1, 4)))


def _all_regions_three_years() -> None:
    for country in COUNTRIES:
        for year in (YEAR - 1, YEAR, YEAR + 1):
            holidays_in_year(country, "", year)


@figure("holidays_cold_ms")
def holidays_cold(data: BenchData) -> float:
    holidays_in_year.cache_clear()
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
    return timed(_timeline_year_page())


@figure("timeline_page_queries", unit="queries")
def timeline_page_queries(data: BenchData) -> float:
    page = _timeline_year_page()
    with CaptureQueriesContext(connection) as queries:
        page()
    return len(queries)


# The feed and reminder figures live with their code; importing a module registers them.
from calendarapp.devtools import bench_feeds, bench_reminders  # noqa: E402, F401, I001
