"""Absolute URLs of this site, for feeds and emails that leave the browser; `path_for_ids`
for pages that link to hundreds of records."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

# An id no table reaches, reversed in its place: the one number in the path that is the id.
STAND_IN_ID = 987654321

LOCAL_HOSTS = ("localhost", "127.0.0.1", "testserver")


def site_host() -> str:
    """The host of SITE_URL: the part of every feed UID that makes it unique across sites."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def site_url(*, https: bool = False) -> str:
    """SITE_URL; with `https`, forced to https as subscription links must be (not locally)."""
    parts = urlsplit(settings.SITE_URL)
    if not https or parts.hostname in LOCAL_HOSTS:
        return settings.SITE_URL
    return parts._replace(scheme="https").geturl()


def absolute_url(path: str, *, https: bool = False) -> str:
    """The address of a path on this site, as a link in an email or a calendar shows it."""
    return site_url(https=https) + path


def path_for_ids(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many pks at the cost of one: a page listing a hundred
    customers reversed each link on its own, a few percent of its time.

    For url patterns whose one argument is an `<int:…>` id; the path is reversed once with
    `STAND_IN_ID` and the id put in its place (reverse writes an int as `str()` does).
    """
    head, found, tail = reverse(name, args=[STAND_IN_ID]).partition(str(STAND_IN_ID))
    if not found or str(STAND_IN_ID) in tail:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{head}{int(pk)}{tail}"
