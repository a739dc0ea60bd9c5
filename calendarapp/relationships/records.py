"""Every record kept about a customer, declared once: read by its page, the API and the check
of who may change it.

A record hangs on one customer (`customer_path`), is written and deleted only by its functions
in `customers/`, and is changed by those with its permission in `roles.py` who own that customer
(or are calendar admins). A new record type is a model, its write functions, its `roles.py`
lines, a form, a template and one entry in `RECORDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.db import models

from calendarapp import roles
from customers import decisions, interests, services
from customers.models import (
    Competitor,
    Contract,
    Customer,
    CustomerInterest,
    DecisionFactor,
    DecisionStep,
    Person,
    Strategy,
    Touchpoint,
)
from traditions import services as tradition_services
from traditions.models import Tradition


@dataclass(frozen=True)
class Record:
    """One type of customer record: what it is, how it is written, who may change it, where."""

    key: str
    model: type[models.Model]
    # What its write function takes besides the record and its customer.
    fields: tuple[str, ...]
    save: Callable[..., Any]
    delete: Callable[..., None]
    # The keywords `save` and `delete` take the record by.
    argument: str
    delete_argument: str
    noun: str
    # Django's change permission of the model (roles.py), asked with the customer's ownership.
    permission: str
    # Its section on the customer page.
    anchor: str
    # The record's name in its page's heading.
    label: Callable[[Any], str] = attrgetter("name")
    # The relations loaded with one record (its customer always).
    related: tuple[str, ...] = ()
    prefetched: tuple[str, ...] = ()
    customer_path: str = "customer"

    @property
    def a_noun(self) -> str:
        """ "a competitor", "an interest"."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"

    def objects(self) -> models.QuerySet[Any]:
        """Its rows with what a page or an answer reads of each."""
        queryset = self.model._default_manager.select_related(self.customer_path, *self.related)
        return queryset.prefetch_related(*self.prefetched) if self.prefetched else queryset

    def customer_of(self, record: Any) -> Customer:
        customer = attrgetter(self.customer_path)(record)
        assert isinstance(customer, Customer)
        return customer

    def save_record(self, record: Any, *, customer: Customer, **fields: Any) -> Any:
        """Create a record of `customer` (`record` None) or update `record`, through `save`."""
        return self.save(**{self.argument: record}, customer=customer, **fields)

    def delete_record(self, record: Any) -> None:
        self.delete(**{self.delete_argument: record})

    def may_change(self, user: Any, customer: Customer) -> bool:
        return roles.can_change_record(user, customer, self.permission)


PERSON = Record(
    "person",
    Person,
    services.PERSON_FIELDS,
    services.person_save,
    services.person_delete,
    "person",
    "person",
    "person",
    roles.CHANGE_PERSON,
    "#people-title",
    related=("reports_to",),
)
TOUCHPOINT = Record(
    "touchpoint",
    Touchpoint,
    services.TOUCHPOINT_FIELDS,
    services.touchpoint_log,
    services.touchpoint_delete,
    "touchpoint",
    "touchpoint",
    "touch",
    roles.CHANGE_TOUCHPOINT,
    "#touches-title",
    label=attrgetter("date"),
    prefetched=("people", "our_people"),
)
FACTOR = Record(
    "factor",
    DecisionFactor,
    decisions.FACTOR_FIELDS,
    decisions.decision_factor_save,
    decisions.decision_record_delete,
    "factor",
    "record",
    "decision factor",
    roles.CHANGE_DECISION_FACTOR,
    "#decision-title",
)
STEP = Record(
    "step",
    DecisionStep,
    decisions.STEP_FIELDS,
    decisions.decision_step_save,
    decisions.decision_record_delete,
    "step",
    "record",
    "decision step",
    roles.CHANGE_DECISION_STEP,
    "#decision-title",
    label=attrgetter("title"),
    related=("contract",),
    prefetched=("people",),
)
COMPETITOR = Record(
    "competitor",
    Competitor,
    decisions.COMPETITOR_FIELDS,
    decisions.competitor_save,
    decisions.decision_record_delete,
    "competitor",
    "record",
    "competitor",
    roles.CHANGE_COMPETITOR,
    "#competitors-title",
)
CONTRACT = Record(
    "contract",
    Contract,
    decisions.CONTRACT_FIELDS,
    decisions.contract_save,
    decisions.decision_record_delete,
    "contract",
    "record",
    "contract",
    roles.CHANGE_CONTRACT,
    "#contracts-title",
)
INTEREST = Record(
    "interest",
    CustomerInterest,
    ("interest", *interests.EVIDENCE_FIELDS),
    interests.customer_interest_save,
    interests.customer_interest_delete,
    "evidence",
    "evidence",
    "interest",
    roles.CHANGE_INTEREST_EVIDENCE,
    "#interests-title",
    label=attrgetter("interest.name"),
    related=("interest",),
)
STRATEGY = Record(
    "strategy",
    Strategy,
    interests.STRATEGY_FIELDS,
    interests.strategy_save,
    interests.strategy_delete,
    "strategy",
    "strategy",
    "strategy",
    roles.CHANGE_STRATEGY,
    "#strategies-title",
    label=attrgetter("title"),
)

# A customer's own traditions (busy seasons, events, vacations); local ones are the country's.
TRADITION = Record(
    "tradition",
    Tradition,
    (*tradition_services.TRADITION_FIELDS, "confirm_often"),
    tradition_services.tradition_save,
    tradition_services.tradition_delete,
    "tradition",
    "tradition",
    "tradition",
    roles.CHANGE_TRADITION,
    "#traditions-title",
    label=attrgetter("title"),
)

RECORDS: dict[str, Record] = {
    record.key: record
    for record in (
        PERSON,
        TOUCHPOINT,
        FACTOR,
        STEP,
        COMPETITOR,
        CONTRACT,
        INTEREST,
        STRATEGY,
        TRADITION,
    )
}


def may_change(user: Any, customer: Customer) -> dict[str, bool]:
    """Which of the customer's records `user` may change, by key, for the customer page."""
    return {key: record.may_change(user, customer) for key, record in RECORDS.items()}
