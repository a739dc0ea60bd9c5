"""The Subscribe page's form: which feed, which kinds, and a name to recognise it by."""

from __future__ import annotations

from typing import Any

from django import forms

from calendarapp.kinds import KINDS
from calendarapp.lib import countries
from calendarapp.models import FeedKind
from customers.models import Customer

# The feeds every user has, in the order the form offers them.
OWN_FEEDS = [
    FeedKind.MY_CUSTOMERS,
    FeedKind.ALL_CUSTOMERS,
    FeedKind.PLANS_MINE,
    FeedKind.PLANS_ALL,
]


class SubscriptionForm(forms.Form):
    """Add a feed: the user's own feeds, each of their customers, their customers' countries.

    `requested` (a customer or a country code, from the customer and country
    pages) is offered first and chosen.
    """

    feed = forms.ChoiceField(label="Feed")
    kinds = forms.MultipleChoiceField(
        label="Only these kinds",
        required=False,
        choices=[(kind.value, kind.label) for kind in KINDS.values()],
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: everything the feed shows.",
    )
    name = forms.CharField(
        label="Name",
        max_length=100,
        required=False,
        help_text="Optional, to tell your feeds apart, e.g. “Outlook at work”.",
    )

    def __init__(
        self,
        *args: Any,
        customers: list[Customer],
        requested: Customer | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Each choice's value names its feed and target: "customer:12", "country:DK".
        self.targets: dict[str, dict[str, Any]] = {}
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if isinstance(requested, Customer):
            groups.append(("This customer", [self._customer(requested)]))
        elif requested:
            groups.append(("This country", [self._country(requested)]))
        groups.append(
            ("Your feeds", [self._target(feed.value, feed.label, {}) for feed in OWN_FEEDS])
        )
        # The requested one is offered once, at the top, not again in its list below.
        others = [c for c in customers if c != requested]
        if others:
            groups.append(("Your customers", [self._customer(c) for c in others]))
        codes = sorted(
            {c.country for c in customers if c.country != requested}, key=countries.country_name
        )
        if codes:
            groups.append(("Countries of your customers", [self._country(c) for c in codes]))
        self.fields["feed"].choices = groups  # type: ignore[attr-defined]
        self.fields["feed"].initial = groups[0][1][0][0]

    def _target(self, value: str, label: str, target: dict[str, Any]) -> tuple[str, str]:
        self.targets[value] = target
        return value, label

    def _customer(self, customer: Customer) -> tuple[str, str]:
        target = {"feed": FeedKind.CUSTOMER, "customer": customer}
        return self._target(f"customer:{customer.pk}", customer.name, target)

    def _country(self, code: str) -> tuple[str, str]:
        target = {"feed": FeedKind.COUNTRY, "country": code}
        return self._target(f"country:{code}", countries.country_name(code), target)

    def subscription_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `subscription_add` (besides the user)."""
        data = self.cleaned_data
        target = self.targets[data["feed"]] or {"feed": data["feed"]}
        return {**target, "kinds": data["kinds"], "name": data["name"]}
