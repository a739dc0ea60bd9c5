"""Feed subscriptions: one secret per feed, added and revoked alone.

A subscription (`FeedToken`) opens one feed (a customer's, a country's, My
plans…) narrowed to some kinds if its user chose so. Its secret is in the
address and stored only as a hash, so the address is shown once; adding a
feed never touches another, so the addresses already in Outlook keep working.
A row made before subscriptions has no feed and opens every feed of its user.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from calendarapp.feeds.feeds import feed_url
from calendarapp.kinds import ALL_KINDS, kind_of
from calendarapp.lib import countries
from calendarapp.lib.stamps import stamp_at_most_every
from calendarapp.models import FeedKind, FeedToken, hash_token
from customers.models import Customer

# A calendar asks every few minutes to hours; the last fetch is worth one write a minute at most.
FETCH_STAMP_EVERY = datetime.timedelta(minutes=1)
OLDER_ADDRESS = "Every feed (older address)"


class FeedGone(Exception):
    """The subscription was revoked (or its user deactivated): the feed answers 410."""


def subscription_add(
    *,
    user,
    feed: str,
    customer: Customer | None = None,
    country: str = "",
    kinds: Iterable[str] = (),
    name: str = "",
) -> tuple[FeedToken, str]:
    """Add a subscription with its own secret; return it and the secret's only plain copy.

    The user's other subscriptions are left as they are.
    """
    wanted = set(kinds)
    if unknown := sorted(wanted - set(ALL_KINDS)):
        raise ValidationError({"kinds": f"Unknown kinds: {', '.join(unknown)}."})
    token = secrets.token_urlsafe(32)  # 256 random bits
    subscription = FeedToken(
        user=user,
        token_hash=hash_token(token),
        feed=feed,
        customer=customer,
        country=country.upper(),
        kinds=",".join(kind for kind in ALL_KINDS if kind in wanted),
        name=name.strip(),
    )
    if not subscription.name and feed in FeedKind.values:
        subscription.name = default_name(subscription)[:100]
    subscription.full_clean()
    with transaction.atomic():
        subscription.save()
    return subscription, token


def subscription_revoke(*, subscription: FeedToken) -> bool:
    """Revoke one subscription; its address answers 410 from now on. False if it already was."""
    with transaction.atomic():
        revoked = FeedToken.objects.filter(pk=subscription.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return bool(revoked)


def subscription_for_token(token: str, slug: str, target: Mapping[str, Any]) -> FeedToken:
    """The live subscription whose address this is; Http404 (unknown) or FeedGone (revoked).

    `slug` and `target` (customer_id or code) are the feed the address names:
    a subscription opens only its own feed.
    """
    found = FeedToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
    if found is None or not _opens(found, slug, target):
        raise Http404("No feed has this address.")
    if found.revoked_at is not None or not found.user.is_active:
        raise FeedGone("This feed address was revoked; subscribe again on the Subscribe page.")
    return found


def _opens(subscription: FeedToken, slug: str, target: Mapping[str, Any]) -> bool:
    if not subscription.feed:
        return True  # made before subscriptions: every feed of its user
    if subscription.feed != slug:
        return False
    if slug == FeedKind.CUSTOMER:
        return subscription.customer_id == target.get("customer_id")
    if slug == FeedKind.COUNTRY:
        return subscription.country == str(target.get("code", "")).upper()
    return True


def subscription_kinds(
    subscription: FeedToken, requested: frozenset[str] | None
) -> frozenset[str] | None:
    """The kinds to show: the subscription's, narrowed further by a `?kinds=` in the request."""
    if not subscription.kinds:
        return requested
    chosen = frozenset(subscription.kinds.split(","))
    return chosen if requested is None else chosen & requested


def subscription_fetched(subscription: FeedToken) -> None:
    """Note that a calendar fetched the feed: one conditional write a minute at most."""
    stamp_at_most_every(
        FeedToken.objects.filter(pk=subscription.pk),
        "last_fetched_at",
        last=subscription.last_fetched_at,
        now=timezone.now(),
        every=FETCH_STAMP_EVERY,
    )


def default_name(subscription: FeedToken) -> str:
    """The feed's own name, and its kinds when narrowed: "Acme A/S: Budget close"."""
    if subscription.feed == FeedKind.CUSTOMER and subscription.customer is not None:
        title = subscription.customer.name
    elif subscription.feed == FeedKind.COUNTRY:
        title = countries.country_name(subscription.country)
    else:
        title = FeedKind(subscription.feed).label
    if subscription.kinds:
        title += ": " + ", ".join(kind_of(k).label for k in subscription.kinds.split(","))
    return title


@dataclass(frozen=True)
class Subscription:
    """A subscription as the Subscribe page lists it."""

    row: FeedToken
    title: str
    shows: str

    @property
    def created_at(self) -> datetime.datetime:
        return self.row.created_at

    @property
    def last_fetched_at(self) -> datetime.datetime | None:
        return self.row.last_fetched_at


def live_subscriptions(user) -> list[Subscription]:
    """The user's subscriptions that still work, newest first, each with what it shows."""
    rows = FeedToken.objects.filter(user=user, revoked_at__isnull=True).select_related("customer")
    return [Subscription(row, row.name or _older_title(row), _shows(row)) for row in rows]


def _older_title(row: FeedToken) -> str:
    return default_name(row) if row.feed else OLDER_ADDRESS


def _shows(row: FeedToken) -> str:
    if not row.feed:
        return "Every one of your feeds, all under one address made before separate subscriptions"
    if row.feed == FeedKind.CUSTOMER and row.customer is not None:
        what = f"{row.customer.name}'s calendar"
    elif row.feed == FeedKind.COUNTRY:
        what = f"{countries.country_name(row.country)}: public holidays and local traditions"
    else:
        what = FeedKind(row.feed).label
    kinds = [kind_of(kind).label for kind in row.kinds.split(",")] if row.kinds else []
    return what + (f"; only {', '.join(kinds)}" if kinds else "; every kind")


@dataclass(frozen=True)
class FeedLinks:
    """The addresses of a new subscription, for calendar apps, Google Calendar and Outlook."""

    title: str
    https_url: str

    @property
    def webcal_url(self) -> str:
        return "webcal://" + self.https_url.split("://", 1)[1]

    @property
    def google_url(self) -> str:
        # Google subscribes to the webcal address given as `cid`; the user confirms there.
        return "https://calendar.google.com/calendar/r?cid=" + quote(self.webcal_url, safe="")

    @property
    def outlook_url(self) -> str:
        query = urlencode({"url": self.https_url, "name": self.title})
        return "https://outlook.live.com/calendar/0/addfromweb?" + query


def links_of(subscription: FeedToken, token: str) -> FeedLinks:
    """The addresses of a subscription whose plain secret is known (right after it was added)."""
    url = feed_url(
        token, subscription.feed, customer_id=subscription.customer_id, country=subscription.country
    )
    return FeedLinks(subscription.name or default_name(subscription), url)
