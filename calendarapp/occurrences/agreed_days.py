"""Days agreed with a customer (a touch's follow-up or ask-again date), checked as a meeting.

A day the conflict check would block for a meeting with the customer (a public holiday, a
de-facto day off, their vacation: `RULES_FOR[PlanKind.MEETING]`) stays as agreed, since
people agreed on it, but comes with a warning naming the rule, so the user can ask again.
"""

from __future__ import annotations

import datetime

from calendarapp.kinds import CUSTOMER_CALENDAR
from calendarapp.lib import dates
from calendarapp.models import PlanKind
from calendarapp.occurrences.conflicts import RULES_FOR, Severity
from calendarapp.occurrences.decision_checks import Signal
from calendarapp.occurrences.stream import calendar_between
from customers.models import Customer


def agreed_day_warnings(customer: Customer, day: datetime.date) -> list[Signal]:
    """What blocks a meeting with `customer` on `day`, one warning per rule and occurrence."""
    calendar = calendar_between(
        day,
        day,
        customers=Customer.objects.filter(pk=customer.pk),
        kinds=CUSTOMER_CALENDAR,
        include_plans=False,
    )
    rules = RULES_FOR[PlanKind.MEETING]
    warnings = []
    for ref in calendar.customers:
        for occurrence in calendar.for_customer(ref):
            for rule in rules.applying_to(occurrence):
                span = rule.start_range(occurrence, 1)
                if rule.severity != Severity.BLOCKER or span is None:
                    continue
                if span[0] <= day <= span[1]:
                    text = rule.message.format(
                        customer=customer.name,
                        title=occurrence.title,
                        when=dates.format_span(occurrence.start, occurrence.end),
                        plan_kind=f"follow-up on {dates.format_day(day)}",
                    )
                    warnings.append(Signal(rule.name, text))
    return warnings
