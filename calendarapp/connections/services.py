"""Writing a user's calendar connections: the checks of their address and login, and the save
and delete every caller (the "Your calendars" page, the API) goes through.

The address and password are secrets (stored encrypted, never shown again): an edit that sends
back the masked address it was shown (`mask_url`) leaves the stored one as it is, and a new
address or login forgets the old one's status and error, which said nothing about the new one.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from calendarapp.connections.reading import mask_url
from calendarapp.lib import fetching
from calendarapp.lib.writes import deleted, locked, retried_once, save_changes, stored_values
from calendarapp.models import CalendarConnection, ConnectionStatus

# What a client may write; the rest (status, last sync, error, touches) the sync writes.
FIELDS = ("name", "url", "username", "password", "metadata_only")
# A new address or login has not been read yet: its status and error start again.
LOGIN_FIELDS = ("url", "username", "password")
URL_MAX = 2000
SCHEMES = ("https", "webcal", "http")
WRONG_SCHEME = (
    "The address must start with https:// or webcal:// (the secret iCal address from Google, "
    "Outlook or Apple, or a CalDAV calendar's address)."
)
HTTP_NOT_ALLOWED = (
    "Only https:// or webcal:// addresses are read: http:// sends the calendar unencrypted "
    "(it is taken only for a host in ICS_IMPORT_ALLOW_PRIVATE_HOSTS)."
)
UNREADABLE_URL = "The address cannot be read as a web address"
PRIVATE_HOST = (
    "The address points to a private or local address ({host}); only calendars on the internet "
    "can be connected."
)
PASSWORD_NEEDS_USERNAME = "A password needs its username: give both, or neither."


def connection_url_error(url: str) -> str | None:
    """Why `url` cannot be a calendar's address, or None.

    Checked without the network: a host name is looked up, and refused if private, when the
    calendar is read (`reading.events_between`), as the .ics import does.
    """
    if len(url) > URL_MAX:
        return f"The address is longer than {URL_MAX:,} characters."
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (reading it checks it: "Port out of range")
    except ValueError as error:
        return f"{UNREADABLE_URL} ({error})."
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or "://" not in url:
        return WRONG_SCHEME
    if not host:
        return f"{UNREADABLE_URL}: it names no host."
    allowed = set(settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS)
    if scheme == "http" and host not in allowed:
        return HTTP_NOT_ALLOWED
    if host not in allowed and _private(host):
        return PRIVATE_HOST.format(host=host)
    return None


def _private(host: str) -> bool:
    """A host that is plainly private or local by its name or address (no lookup)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return fetching.is_private(ip)


def _masked_sent_back(connection: CalendarConnection, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields without a `url` that is the stored address's mask: what a read showed."""
    if (
        connection.pk is not None
        and "url" in fields
        and connection.url
        and fields["url"].strip() == mask_url(connection.url)
    ):
        return {name: value for name, value in fields.items() if name != "url"}
    return fields


@retried_once("calendar connection")
def connection_save(
    *, connection: CalendarConnection | None, owner: Any, **fields: Any
) -> CalendarConnection:
    """Add a calendar connection of `owner` (`connection` None), or change the fields given of
    theirs; the others stay as they are now. A masked `url` sent back changes nothing."""
    if unknown := sorted(set(fields) - set(FIELDS)):
        raise ValidationError({name: "Not a field of a calendar connection." for name in unknown})
    with transaction.atomic():
        if connection is None:
            row, before = CalendarConnection(owner=owner), None
        else:
            row = locked(connection)
            before = stored_values(row)
            fields = _masked_sent_back(row, fields)
        for name, value in fields.items():
            setattr(row, name, value.strip() if name in ("name", "url", "username") else value)
        errors: dict[str, list[str]] = {}
        if ("url" in fields or before is None) and (problem := connection_url_error(row.url)):
            errors["url"] = [problem]
        if row.password and not row.username:
            errors["username"] = [PASSWORD_NEEDS_USERNAME]
        try:
            row.full_clean(exclude=["url", "password", "owner"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        if before is not None and any(
            getattr(row, name) != before[name] for name in LOGIN_FIELDS if name in before
        ):
            row.status, row.last_error = ConnectionStatus.NEVER, ""
        save_changes(row, before)
    return row


def connection_delete(*, connection: CalendarConnection) -> None:
    """Delete a calendar connection; the touches it logged stay (people may have edited them)."""
    deleted(connection)
