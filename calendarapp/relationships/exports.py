"""A customer's records as spreadsheets people read: names, not ids; sentences, not JSON."""

from __future__ import annotations

from typing import Any

from calendarapp.lib.names import display_name
from customers.models import Customer, Topic

TOUCH_HISTORY_HEADER = "date channel people our_people summary changes outcome follow_up_on".split()


def touch_history_rows(customer: Customer) -> list[list[Any]]:
    """The header and the customer's touches, newest first, as people read them.

    People by name, ours by full name (else username), each change a line such as
    "Budget: moved to March"; the customer page downloads them. Three queries.
    (`/api/touchpoints?format=` keeps its JSON columns instead, as every API table.)
    """
    topics = dict(Topic.choices)
    touches = customer.touchpoints.prefetch_related("people", "our_people").order_by("-date", "-id")
    rows: list[list[Any]] = [list(TOUCH_HISTORY_HEADER)]
    for touch in touches:
        people = sorted((person.name for person in touch.people.all()), key=str.casefold)
        ours = sorted(
            (display_name(user) for user in touch.our_people.all()),
            key=str.casefold,
        )
        changes = [f"{topics.get(c['topic'], c['topic'])}: {c['text']}" for c in touch.changes]
        rows.append(
            [
                touch.date,
                touch.get_channel_display(),
                "; ".join(people),
                "; ".join(ours),
                touch.summary,
                "\n".join(changes),
                touch.get_outcome_display(),
                touch.follow_up_on,
            ]
        )
    return rows
