"""Absolute URLs of this site, for feeds and emails that leave the browser."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

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
