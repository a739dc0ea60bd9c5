"""Finding customers: search, filters and sorting of `/customers/` and `GET /api/customers`.

Each customer's touch state, risk level and strategy season are computed for the whole
list at once, so a list costs the same queries for 20 customers or 2,000. A list sorted but
not filtered by them (a page of the API) computes only what it sorts by for every customer,
and the rest for the page's customers alone. Names sort in Danish order, whatever the
database (`lib/names.py`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from calendarapp.kinds import STRATEGY_SEASON
from calendarapp.lib import cadence
from calendarapp.lib.names import name_key
from calendarapp.occurrences.decision_checks import HIGH, LOW, MEDIUM, risks
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.touch_states import TouchState, touch_calendar, touch_states
from calendarapp.occurrences.value import Occurrence
from customers.models import Customer, Person

RISK_LEVELS = (LOW, MEDIUM, HIGH)
# What the list sorts by; each also reversed with a leading "-".
ORDERS = ("next_touch", "risk", "name", "budget_close_month")
ORDERINGS = (*ORDERS, *(f"-{order}" for order in ORDERS))
# The touch statuses the list filters by, `needs` being any that asks for a touch.
TOUCH_FILTERS = {
    "needs": "Needs a touch (due, overdue or never)",
    cadence.TouchStatus.OVERDUE: "Overdue",
    cadence.TouchStatus.DUE: "Due",
    cadence.TouchStatus.NEVER: "Never in touch",
    cadence.TouchStatus.OK: "On track",
}
ORDERING_ERROR = "Sort by one of: " + ", ".join(ORDERINGS) + "."
ORDERING_LABELS = {
    "name": "Name, A to Z",
    "-name": "Name, Z to A",
    "next_touch": "Next touch, soonest first",
    "-next_touch": "Next touch, latest first",
    "-risk": "Risk, highest first",
    "risk": "Risk, lowest first",
    "budget_close_month": "Budget close, January first",
    "-budget_close_month": "Budget close, December first",
}


def search(customers: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """Customers whose name, or a person's name or email there, contains `text` (any case)."""
    text = text.strip()
    if not text:
        return customers
    people = Person.objects.filter(Q(name__icontains=text) | Q(email__icontains=text))
    return customers.filter(Q(name__icontains=text) | Q(pk__in=people.values("customer_id")))


@dataclass(frozen=True, slots=True)
class Found:
    """A person whose name or email matched the search, shown under their customer."""

    name: str
    email: str
    job_title: str


@dataclass(frozen=True, slots=True)
class Row:
    """One customer of the list, with what the list shows and sorts by."""

    customer: Customer
    touch: TouchState
    risk: str
    strategy_season: Occurrence | None
    people: list[Found] = field(default_factory=list)

    @property
    def sort_keys(self) -> dict[str, tuple[object, ...]]:
        customer = self.customer
        keys = _column_keys(customer.pk, customer.name, customer.budget_close_month)
        return {
            "next_touch": _next_touch_key(customer.pk, customer.name, self.touch.next_touch),
            "risk": _risk_key(customer.pk, customer.name, self.risk),
            **keys,
        }


def _column_keys(pk: int, name: str, budget_close_month: int) -> dict[str, tuple[object, ...]]:
    """The sort keys of `COLUMN_ORDERS`, from a customer's own columns."""
    folded = name_key(name)
    return {"name": (folded, pk), "budget_close_month": (budget_close_month, folded, pk)}


def _next_touch_key(pk: int, name: str, next_touch: datetime.date) -> tuple[object, ...]:
    return (next_touch, name_key(name), pk)


def _risk_key(pk: int, name: str, risk: str) -> tuple[object, ...]:
    return (RISK_LEVELS.index(risk), name_key(name), pk)


def customer_ids_in_order(
    customers: QuerySet[Customer],
    today: datetime.date,
    *,
    text: str = "",
    ordering: str = "name",
) -> list[int]:
    """The ids of the customers matching `text`, sorted as `customer_rows` sorts them, computing
    for each customer only what it sorts by, so a page's rows are built for it alone: three
    columns; the next touch from the process's remembered calendar of next touches (renewed
    per customer after an edit, as `touch_states` reads it); the risk level alone."""
    order = ordering.removeprefix("-")
    assert order in ORDERS, ordering
    selected = search(customers, text)
    keys: dict[int, tuple[object, ...]]
    if order == "next_touch":
        calendar = touch_calendar(selected)
        names = {customer.id: customer.name for customer in calendar.customers}
        keys = {
            pk: _next_touch_key(pk, names[pk], occurrence.start)
            for occurrence in calendar.occurrences
            if (pk := occurrence.customer_id) is not None
        }
    elif order == "risk":
        levels = risk_levels(selected, today)
        names = dict(selected.values_list("pk", "name"))
        keys = {pk: _risk_key(pk, names[pk], level) for pk, level in levels.items()}
    else:
        columns = selected.values_list("pk", "name", "budget_close_month")
        keys = {pk: _column_keys(pk, name, month)[order] for pk, name, month in columns}
    return sorted(keys, key=keys.__getitem__, reverse=ordering.startswith("-"))


def risk_levels(customers: QuerySet[Customer], today: datetime.date) -> dict[int, str]:
    """Each selected customer's level of the "are we just a data point?" check."""
    return {pk: risk.level for pk, risk in risks(customers, today).items()}


def page_rows(
    customers: QuerySet[Customer],
    today: datetime.date,
    ids: list[int],
    *,
    text: str = "",
    ordering: str = "name",
) -> list[Row]:
    """The rows of a page of `customer_ids_in_order`, in its order; by next touch, the states
    come from the calendar the sort read (remembered), so none is built for the page."""
    among = None
    if ordering.removeprefix("-") == "next_touch":
        among = touch_calendar(search(customers, text))
    found = customer_rows(customers.filter(pk__in=ids), today, touches=among)
    by_pk = {row.customer.pk: row for row in found}
    return [by_pk[pk] for pk in ids]


def customer_rows(
    customers: QuerySet[Customer],
    today: datetime.date,
    *,
    text: str = "",
    ordering: str = "name",
    touch: str = "",
    risk: str = "",
    in_strategy_season: bool = False,
    touches: Calendar | None = None,
) -> list[Row]:
    """The customers selected and matching `text`, filtered and sorted by `ordering`.

    `touch` is a status (`never`, `ok`, `due`, `overdue`) or `needs` (any but ok). `touches`
    may be a `touch_calendar` of more customers that holds these.
    """
    selected = search(customers, text)
    levels = risk_levels(selected, today)
    states = touch_states(selected, among=touches)
    seasons = calendar_between(
        today, today, customers=selected, kinds=[STRATEGY_SEASON], include_plans=False
    )
    open_season = {o.customer_id: o for o in seasons.occurrences}
    found = _people_found(selected, text)
    rows = [
        Row(c, states[c.pk], levels[c.pk], open_season.get(c.pk), found.get(c.pk, []))
        for c in selected.select_related("owner")
    ]
    if touch == "needs":
        rows = [row for row in rows if row.touch.needs_touch]
    elif touch:
        rows = [row for row in rows if row.touch.status == touch]
    if risk:
        rows = [row for row in rows if row.risk == risk]
    if in_strategy_season:
        rows = [row for row in rows if row.strategy_season is not None]
    order = ordering.removeprefix("-")
    rows.sort(key=lambda row: row.sort_keys[order], reverse=ordering.startswith("-"))
    return rows


def _people_found(customers: QuerySet[Customer], text: str) -> dict[int, list[Found]]:
    """The people whose name or email contains `text`, by customer, in one query."""
    text = text.strip()
    if not text:
        return {}
    found: dict[int, list[Found]] = defaultdict(list)
    people = Person.objects.filter(
        Q(name__icontains=text) | Q(email__icontains=text), customer__in=customers.values("id")
    ).order_by("name", "id")
    for customer_id, name, email, job_title in people.values_list(
        "customer_id", "name", "email", "job_title"
    ):
        found[customer_id].append(Found(name, email, job_title))
    return found
