"""`make bench`'s floor under the stream: the same rows, turned into dates by a plain loop.

`expand_floor_ratio` divides the cold `calendar_between` of a year over every
active customer by `floor_dates` of the same year, measured in the same run:
what the stream costs beyond reading its rows and doing the date arithmetic
(occurrence objects, ids, the sort, the indexes). The floor reads what the
sources read (each source's rows with the columns its occurrences carry, in
one query each, dates as ISO text), computes every item's days and only
counts them: no occurrence objects, no sorting. A test holds its count to the
stream's on a small data set, so the floor cannot silently read or date less.
Regional holidays come from the `holidays` package's years the sources cache,
not from a table; the floor counts those the same way.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from calendarapp.devtools.bench import BenchData, figure, year_window
from calendarapp.lib import dates, evidence, renewals
from calendarapp.models import ImportedEvent, Plan, PlanStatus
from calendarapp.occurrences.scope import fetch_rows
from calendarapp.occurrences.sources import contracts, public_holidays, school_holidays
from calendarapp.occurrences.sources import traditions as traditions_source
from calendarapp.occurrences.stream import calendar_between
from customers.models import (
    Contract,
    Customer,
    CustomerInterest,
    DecisionStep,
    current_interest_evidence,
)
from traditions.models import Tradition, TraditionKind

# Runs of each side, alternated so that a shared machine's load falls on both alike.
FLOOR_RUNS = 7


def _text(field: str) -> Cast:
    return Cast(field, output_field=TextField())


def _day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text[:10])


def floor_dates(start: datetime.date, end: datetime.date) -> int:
    """Count the dated items of every active customer from `start` to `end`, plainly.

    The same rows as `calendar_between(start, end)` reads (nine queries), each item's days
    computed as the sources compute them; returns how many items touch the window.
    """
    found = 0
    active = Customer.objects.filter(active=True)
    interested = CustomerInterest.objects.filter(
        current_interest_evidence(timezone.localdate()), customer__in=active.values("id")
    )
    interests = {i for _, i in fetch_rows(interested.values_list("customer_id", "interest_id"))}
    customers = fetch_rows(
        active.order_by()
        .annotate(
            own_close=Exists(
                Tradition.objects.filter(customer=OuterRef("pk"), kind=TraditionKind.BUDGET_CLOSE)
            )
        )
        .values_list(
            "id",
            "country",
            "subdivision",
            "budget_close_month",
            "own_close",
            "strategy_weeks_before_start",
            "strategy_weeks_before_end",
        )
    )
    ids = {row[0] for row in customers}
    regions = {(c, "") for _, c, *_ in customers} | {(c, s) for _, c, s, *_ in customers}
    countries = {country for country, _ in regions}
    years = range(start.year, end.year + 1)
    # Budget closes (unless the customer has its own) and strategy seasons.
    for _, _, _, month, own_close, before_start, before_end in customers:
        for year in years:
            close = evidence.budget_close_day(year, month)
            found += not own_close and start <= close <= end
        for year in range(start.year, end.year + 2):
            first, last = evidence.strategy_season(year, month, before_start, before_end)
            found += first <= end and last >= start
    # Traditions: the customers' own and their countries' local ones.
    selected = Q(customer__in=active.values("id")) | Q(customer__isnull=True, country__in=countries)
    traditions = fetch_rows(traditions_source.rows_between(selected, start, end))
    zone = timezone.get_default_timezone()
    # Many traditions share a rule and dates: each distinct one is dated once, as plain code would.
    counts: dict[tuple[str, str, str], int] = {}
    for _, customer_id, country, subdivision, *_, first, last, rule, _, _, _ in traditions:
        if customer_id is None and (country, subdivision) not in regions:
            continue
        key = (rule, first, last)
        if (count := counts.get(key)) is None:
            text = dates.with_local_instants(rule or "", zone)
            count = counts[key] = len(dates.expand(text, _day(first), _day(last), start, end))
        found += count
    # Contracts: three phases each.
    rows = Contract.objects.filter(
        customer__in=active.values("id"),
        end_date__gte=start,
        end_date__lte=end + contracts.LONGEST_PRE_SHOPPING,
    ).values_list(
        "id",
        "customer_id",
        "name",
        _text("end_date"),
        "notice_period_days",
        "pre_shopping_days",
        _text("updated_at"),
    )
    for _, _, _, end_text, notice_days, pre_shopping_days, _ in fetch_rows(rows):
        ends = _day(end_text)
        notice = renewals.notice_deadline(ends, notice_days)
        opens = renewals.pre_shopping_start(ends, pre_shopping_days)
        found += opens <= end and max(opens, notice - dates.ONE_DAY) >= start
        found += start <= notice <= end
        found += start <= ends <= end
    # Regional holidays: from the package's cached years, read from no table.
    for country, subdivision in regions:
        found += len(public_holidays.public_holidays(country, subdivision, start, end))
        found += len(school_holidays.school_holidays(country, subdivision, start, end))
    # Imported events of the customers and of their regions.
    events = ImportedEvent.objects.filter(
        Q(source__customer__isnull=True, source__country__in=countries)
        | Q(source__customer__in=active.values("id")),
        start__lte=end,
        end__gte=start,
    ).values_list(
        "id",
        _text("start"),
        _text("end"),
        "title",
        _text("updated_at"),
        "source__kind",
        "source__customer_id",
        "source__country",
        "source__subdivision",
    )
    for *_, customer_id, country, subdivision in fetch_rows(events):
        found += customer_id is not None or (country, subdivision) in regions
    # Plans that reach a customer: chosen, by country or by a current interest.
    plans = Plan.objects.filter(start__lte=end, end__gte=start).exclude(status=PlanStatus.CANCELLED)
    reach: dict[int, bool] = {}
    chosen = Plan.customers.through.objects.filter(plan__in=plans.values("id"))
    for plan_id, customer_id in fetch_rows(chosen.values_list("plan_id", "customer_id")):
        reach[plan_id] = reach.get(plan_id, False) or customer_id in ids
    targeted = Plan.interests.through.objects.filter(plan__in=plans.values("id"))
    for plan_id, interest_id in fetch_rows(targeted.values_list("plan_id", "interest_id")):
        reach[plan_id] = reach.get(plan_id, False) or interest_id in interests
    # Through Django's converters: the countries are JSON (a few hundred plans).
    plan_rows = plans.values_list("id", "kind", "title", "start", "end", "countries", "updated_at")
    for pk, *_, plan_countries, _ in plan_rows:
        found += reach.get(pk, False) or bool(countries.intersection(plan_countries or ()))
    # Decision steps: one-off, or repeating by their rule.
    steps = (
        DecisionStep.objects.filter(customer__in=active.values("id"))
        .filter(
            Q(date__gte=start, date__lte=end) | Q(recurrence__isnull=False, repeats_from__lte=end)
        )
        .order_by()
        .values_list(
            "id",
            "customer_id",
            "title",
            _text("date"),
            _text("recurrence"),
            _text("repeats_from"),
            "done",
            _text("updated_at"),
            "contract__name",
        )
    )
    for _, _, _, day, rule, repeats_from, *_ in fetch_rows(steps):
        if rule:
            first = _day(day or repeats_from)
            rule = dates.with_local_instants(rule, zone)
            found += len(dates.expand(rule, first, first, start, end))
        elif day is not None:
            found += start <= _day(day) <= end
    return found


def _median_ratio(engine: Callable[[], object], floor: Callable[[], object]) -> float:
    """The median of `engine`'s times over `floor`'s, run alternately after one warm-up each."""
    engine()
    floor()
    ratios = []
    for _ in range(FLOOR_RUNS):
        started = time.perf_counter()
        floor()
        between = time.perf_counter()
        engine()
        ratios.append((time.perf_counter() - between) / (between - started))
    return round(statistics.median(ratios), 2)


@figure("expand_floor_ratio", unit="x")
def expand_floor_ratio(data: BenchData) -> float:
    """The cold year of every customer (`expand_year_all_ms`) over its floor, same run."""
    window = year_window()
    return _median_ratio(
        lambda: calendar_between(*window, reuse=False), lambda: floor_dates(*window)
    )
