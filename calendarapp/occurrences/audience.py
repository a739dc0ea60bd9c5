"""Whom an occurrence concerns, and whom a plan reaches: the audience rules in one place.

A customer's own items concern that customer; a region's items concern every
customer in the country (no subdivision), in that subdivision or, marked
`unsubdivided`, those in the country without a subdivision; a plan
concerns the customers it reaches: the chosen customers, every active
customer in the chosen countries, and every active customer with one of the
chosen interests. "Interested" means current evidence: an interest noted or
confirmed within `INTEREST_STALE_DAYS` and not ended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from calendarapp.occurrences.customers import CustomerRef
from calendarapp.occurrences.value import UNSUBDIVIDED, Occurrence
from customers.models import Customer, CustomerInterest, current_interest_evidence


def audience_queryset(
    customer_ids: Iterable[int], countries: Iterable[str], interest_ids: Iterable[int]
) -> QuerySet[Customer]:
    """The active customers reached by any of the given customers, countries or interests."""
    with_interest = CustomerInterest.objects.filter(
        current_interest_evidence(timezone.localdate()), interest_id__in=list(interest_ids)
    )
    return Customer.objects.filter(
        Q(pk__in=list(customer_ids))
        | Q(country__in=list(countries))
        | Q(pk__in=with_interest.values("customer_id")),
        active=True,
    )


def stale_only_count(
    customer_ids: Iterable[int], countries: Iterable[str], interest_ids: Iterable[int]
) -> int:
    """Active customers the audience would reach too if stale evidence counted: "5 more"."""
    interest_ids = list(interest_ids)
    if not interest_ids:
        return 0
    noted = CustomerInterest.objects.filter(no_longer_on__isnull=True, interest_id__in=interest_ids)
    reached = audience_queryset(customer_ids, countries, interest_ids)
    return (
        Customer.objects.filter(active=True, pk__in=noted.values("customer_id"))
        .exclude(pk__in=reached.values("id"))
        .count()
    )


class Audience:
    """Resolves a plan's audience (customers, countries, interests) to loaded customer ids."""

    def __init__(self, customers: Iterable[CustomerRef]):
        self.ids: set[int] = set()
        self.by_country: dict[str, set[int]] = defaultdict(set)
        self.by_interest: dict[int, set[int]] = defaultdict(set)
        for customer in customers:
            self.ids.add(customer.id)
            self.by_country[customer.country].add(customer.id)
            for interest_id in customer.interest_ids:
                self.by_interest[interest_id].add(customer.id)

    def resolve(
        self,
        customer_ids: Iterable[int] = (),
        countries: Iterable[str] = (),
        interest_ids: Iterable[int] = (),
    ) -> frozenset[int]:
        reached = self.ids.intersection(customer_ids)
        for country in countries:
            reached |= self.by_country.get(country, set())
        for interest_id in interest_ids:
            reached |= self.by_interest.get(interest_id, set())
        return frozenset(reached)


class AudienceIndex:
    """Which of the loaded customers an occurrence concerns."""

    def __init__(self, customers: Iterable[CustomerRef]):
        self.by_id = {customer.id: customer for customer in customers}
        self.by_region: dict[tuple[str, str], list[CustomerRef]] = defaultdict(list)
        for customer in self.by_id.values():
            self.by_region[customer.country, ""].append(customer)
            self.by_region[customer.country, customer.subdivision or UNSUBDIVIDED].append(customer)

    def concerned(
        self, occurrence: Occurrence, audience: frozenset[int] | None = None
    ) -> list[CustomerRef]:
        """The loaded customers whose calendar has the occurrence (within `audience`, if given)."""
        if occurrence.ours:
            found = [self.by_id[i] for i in occurrence.audience if i in self.by_id]
        elif occurrence.customer_id is not None:
            customer = self.by_id.get(occurrence.customer_id)
            found = [customer] if customer else []
        else:
            found = self.by_region.get(occurrence.region, [])
        if audience is None:
            return found
        return [customer for customer in found if customer.id in audience]
