"""The demo team: believable customers, contracts, traditions and logins.

`load_demo` is safe to run again and again: every row is found by its natural
key (username, interest name, customer name, contract name per customer,
tradition title per customer or per region) and updated in place, so nothing
doubles. Every row goes through `full_clean()`, the same validation as the
admin and the API. Dates are computed from `today`: contracts sit in their
renewal windows whenever the demo is loaded, and yearly traditions start in
an earlier year so the past is populated too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TypeVar

import holidays
import recurrence
from dateutil import rrule
from django.contrib.auth.models import Group, User
from django.db import models, transaction

from calendarapp.devtools.demo_data import (
    CAST,
    CUSTOMERS,
    DECISIONS,
    INTERESTS,
    LOCAL_TRADITIONS,
    LOGINS,
    NAMES,
    PLANS,
    STALE_INTERESTS,
    STRATEGIES,
    TOUCH_STORIES,
    DemoDecision,
    DemoPlan,
    Login,
    Touch,
    Yearly,
)
from calendarapp.models import Plan
from calendarapp.planning.services import plan_save
from customers.decisions import competitor_save, decision_factor_save, decision_step_save
from customers.interests import strategy_save
from customers.models import Contract, Customer, Interest, Person
from customers.services import person_save, touchpoint_log
from traditions.models import Tradition, TraditionKind

M = TypeVar("M", bound=models.Model)


@dataclass
class Summary:
    """What the demo holds after loading, and who can log in."""

    customers: int = 0
    contracts: int = 0
    traditions: int = 0
    local_traditions: int = 0
    people: int = 0
    plans: int = 0
    logins: list[Login] = field(default_factory=list)


def load_demo(*, today: datetime.date) -> Summary:
    """Create or update the demo team in one transaction."""
    with transaction.atomic():
        users = {login.username: _upsert_user(login) for login in LOGINS}
        interests = {name: _upsert(Interest, {"name": name}, {}) for name in INTERESTS}
        first_year = today.year - 2
        summary = Summary(logins=LOGINS)
        for spec in CUSTOMERS:
            customer = _upsert(
                Customer,
                {"name": spec.name},
                {
                    "country": spec.country,
                    "subdivision": spec.subdivision,
                    "timezone": "",
                    "owner": users[spec.owner],
                    "budget_close_month": spec.budget_close_month,
                    "notes": spec.notes,
                    "active": True,
                },
            )
            customer.interests.set([interests[name] for name in spec.interests])
            summary.customers += 1
            for renewal in spec.contracts:
                _upsert(
                    Contract,
                    {"customer": customer, "name": renewal.name},
                    {
                        "end_date": today + datetime.timedelta(days=renewal.ends_in),
                        "notice_period_days": renewal.notice_period_days,
                        "pre_shopping_days": renewal.pre_shopping_days,
                    },
                )
                summary.contracts += 1
            for yearly in spec.traditions:
                _upsert_yearly({"customer": customer, "title": yearly.title}, yearly, first_year)
                summary.traditions += 1
            if spec.spring_festival_shutdown:
                summary.traditions += _upsert_spring_festival(customer, today)
            story = TOUCH_STORIES[(summary.customers - 1) % len(TOUCH_STORIES)]
            summary.people += _upsert_contacts(customer, story, users, today)
            if spec.name in DECISIONS:
                _upsert_decisions(customer, DECISIONS[spec.name], today)
            _upsert_strategies(customer, today)
        for local in LOCAL_TRADITIONS:
            lookup = {
                "customer": None,
                "country": local.country,
                "subdivision": local.subdivision,
                "title": local.title,
            }
            _upsert_yearly(lookup, local, first_year)
            summary.local_traditions += 1
        for plan in PLANS:
            _upsert_plan(plan, users, interests, today)
            summary.plans += 1
    return summary


def _upsert_plan(
    spec: DemoPlan, users: dict[str, User], interests: dict[str, Interest], today: datetime.date
) -> Plan:
    """Save a demo plan through `plan_save`, found again by its owner and title."""
    owner = users[spec.owner]
    start = demo_plan_start(spec, today)
    return plan_save(
        plan=Plan.objects.filter(owner=owner, title=spec.title).first(),
        owner=owner,
        kind=spec.kind,
        title=spec.title,
        start=start,
        end=start + datetime.timedelta(days=spec.days - 1),
        customers=Customer.objects.filter(name__in=spec.customers),
        countries=spec.countries,
        interests=[interests[name] for name in spec.interests],
        notes=spec.notes,
        status=spec.status,
    )


def demo_plan_start(spec: DemoPlan, today: datetime.date) -> datetime.date:
    """The first day of a demo plan, by its weeks from now, its ISO week or its day of the year."""
    monday = today - datetime.timedelta(days=today.weekday())
    if spec.iso_week:
        year = today.year
        while (day := datetime.date.fromisocalendar(year, spec.iso_week, spec.weekday)) < (
            today + datetime.timedelta(weeks=4)
        ):
            year += 1
        return day
    if spec.month_day:
        month, day_of_month = spec.month_day
        day = datetime.date(today.year, month, day_of_month)
        return day if day >= today + datetime.timedelta(days=14) else day.replace(year=day.year + 1)
    return monday + datetime.timedelta(weeks=spec.in_weeks, days=spec.weekday - 1)


def _upsert_contacts(
    customer: Customer, story: tuple[Touch, ...], users: dict[str, User], today: datetime.date
) -> int:
    """The cast, named for the customer's country, and the story's touches (once)."""
    names = NAMES.get(customer.country, NAMES["GB"])
    decision = DECISIONS.get(customer.name)
    people: list[Person] = []
    for number, (role, name) in enumerate(zip(CAST, names, strict=True)):
        person = Person.objects.filter(customer=customer, name=name).first()
        if person is None and decision and decision.earlier_stances[number]:
            # Their stance before, so the map shows a dated change (on first load only).
            person = person_save(
                customer=customer,
                name=name,
                decision_role=role.decision_role,
                influence=role.influence,
                stance=decision.earlier_stances[number],
            )
        started = role.started_days_ago
        people.append(
            person_save(
                person=person,
                customer=customer,
                name=name,
                job_title=role.job_title,
                reports_to=people[0] if role.reports_to_first and people else None,
                started_on=today - datetime.timedelta(days=started) if started else None,
                decision_role=role.decision_role,
                influence=role.influence,
                stance=decision.stances[number] if decision else "unknown",
                personal_stake=decision.stakes[number] if decision else "",
            )
        )
    if not customer.touchpoints.exists():  # loading again keeps what was logged
        for touch in story:
            day = today - datetime.timedelta(days=touch.days_ago)
            touchpoint_log(
                customer=customer,
                date=day,
                channel=touch.channel,
                people=[people[i] for i in touch.met],
                our_people=[customer.owner] if customer.owner else [],
                summary=touch.summary,
                changes=[{"topic": topic, "text": text} for topic, text in touch.changes],
                outcome=touch.outcome,
                follow_up_on=(
                    today + datetime.timedelta(days=touch.follow_up_in)
                    if touch.follow_up_in
                    else None
                ),
            )
    return len(people)


def _upsert_decisions(customer: Customer, spec: DemoDecision, today: datetime.date) -> None:
    """Factors, steps and competitors, found again by name or title and updated in place."""
    for name, weight, note in spec.factors:
        decision_factor_save(
            factor=customer.decision_factors.filter(name=name).first(),
            customer=customer,
            name=name,
            weight=weight,
            note=note,
        )
    contract = customer.contracts.order_by("end_date").first()
    for step in spec.steps:
        day = None
        if not step.rule and contract is not None:
            day = contract.notice_deadline + datetime.timedelta(days=step.after_notice)
        decision_step_save(
            step=customer.decision_steps.filter(title=step.title).first(),
            customer=customer,
            title=step.title,
            contract=contract,
            date=day,
            recurrence=recurrence.deserialize(step.rule) if step.rule else None,
        )
    for rival in spec.competitors:
        competitor_save(
            competitor=customer.competitors.filter(name=rival.name).first(),
            customer=customer,
            name=rival.name,
            incumbent=rival.incumbent,
            offering=rival.offering,
            value_proposition=rival.value_proposition,
            strengths=rival.strengths,
            weaknesses=rival.weaknesses,
            noted_on=today - datetime.timedelta(days=rival.noted_days_ago),
        )


def _upsert(model: type[M], lookup: dict, values: dict) -> M:
    """Like `update_or_create`, but validate with `full_clean()` before saving."""
    obj = model._default_manager.filter(**lookup).first() or model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj


def _upsert_user(login: Login) -> User:
    """Create a login, or update its name and role; the password is only set on creation."""
    user = User.objects.filter(username=login.username).first()
    if user is None:
        user = User(username=login.username)
        user.set_password(login.password)
    user.first_name = login.first_name
    user.last_name = login.last_name
    user.email = f"{login.username}@example.com"
    user.is_staff = login.is_staff
    user.is_superuser = False
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=login.group))
    return user


def _upsert_yearly(lookup: dict, yearly: Yearly, first_year: int) -> Tradition:
    start = first_date_of_rule(yearly.rule, first_year)
    return _upsert(
        Tradition,
        lookup,
        {
            "kind": yearly.kind,
            "start": start,
            "end": start + datetime.timedelta(days=yearly.days - 1),
            "recurrence": recurrence.deserialize(yearly.rule),
            "lead_time_days": yearly.lead_time_days,
            "notes": yearly.notes,
        },
    )


def first_date_of_rule(rule: str, year: int) -> datetime.date:
    """Return the first date a rule gives on or after 1 January of `year`."""
    new_year = datetime.datetime(year, 1, 1)
    first = rrule.rrulestr(rule, dtstart=new_year).after(new_year, inc=True)
    assert first is not None, f"{rule} gives no date in or after {year}"
    return first.date()


def _upsert_spring_festival(customer: Customer, today: datetime.date) -> int:
    """Add one shutdown per year around the lunar new year, taken from the `holidays` package."""
    count = 0
    for year in range(today.year - 1, today.year + 3):
        new_year = spring_festival(year)
        start = new_year - datetime.timedelta(days=3)
        _upsert(
            Tradition,
            {"customer": customer, "title": f"Spring Festival shutdown {year}"},
            {
                "kind": TraditionKind.VACATION,
                "start": start,
                "end": start + datetime.timedelta(days=13),
                "recurrence": None,
                "lead_time_days": 45,
                "notes": "The plant closes around Chinese New Year; orders must be in before.",
            },
        )
        count += 1
    return count


def spring_festival(year: int) -> datetime.date:
    """Return the Chinese New Year day of a year, as the `holidays` package knows it."""
    calendar = holidays.country_holidays("CN", years=year, language="en_US")
    return min(calendar.get_named("Spring Festival", lookup="contains"))


def _upsert_strategies(customer: Customer, today: datetime.date) -> None:
    """The customer's strategies (once each) and its stale interests, as `STRATEGIES` says."""
    for spec in STRATEGIES.get(customer.name, ()):
        if not customer.strategies.filter(title=spec.title).exists():
            strategy_save(
                customer=customer,
                title=spec.title,
                stage=spec.stage,
                noted_on=today - datetime.timedelta(days=spec.noted_days_ago),
                how_we_help=spec.how_we_help,
            )
    for (name, interest), days in STALE_INTERESTS.items():
        if name == customer.name:
            customer.interest_evidence.filter(interest__name=interest).update(
                noted_on=today - datetime.timedelta(days=days), confirmed_on=None
            )
