"""Personal API tokens: create, revoke, list, and check one on each API request.

A token is 256 random bits shown once; only its SHA-256 hash is stored (`ApiToken`), so a
lost token is revoked and replaced, never shown again. The page, the admin, the commands
and the API's bearer authentication all go through these functions.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from calendarapp.lib.stamps import stamp_at_most_every
from calendarapp.models import ApiToken, hash_token

# Scripts call the API many times a minute; when a token was last used is worth a write a minute.
USED_STAMP_EVERY = datetime.timedelta(minutes=1)
ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


class TokenRefused(Exception):
    """The token is unknown, revoked or expired; the message says which, for a 401."""


def api_token_create(
    *, user: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it and the token's only plain-text copy."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    plain = secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken(
        user=user, token_hash=hash_token(plain), name=name.strip(), expires_at=expires_at
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
    return token, plain


def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke a token: the API refuses it from now on. False if it already was revoked."""
    now = timezone.now()
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
    if revoked:
        token.revoked_at = now
    return bool(revoked)


def status_of(token: ApiToken, now: datetime.datetime | None = None) -> str:
    """`revoked`, `expired` or `active`."""
    if token.revoked_at is not None:
        return REVOKED
    if token.expires_at is not None and token.expires_at <= (now or timezone.now()):
        return EXPIRED
    return ACTIVE


@dataclass(frozen=True)
class ListedToken:
    """A token as the API tokens page and `manage.py api_tokens` list it."""

    token: ApiToken
    status: str

    @property
    def title(self) -> str:
        return self.token.name or "(no name)"

    @property
    def works_until(self) -> str:
        """The last day it works ("4 Mar 2027"), with the time when it ends within a day."""
        if self.token.expires_at is None:
            return "no end date"
        ends = timezone.localtime(self.token.expires_at)
        if ends.time() == datetime.time.min:  # made on the page: the start of the next day
            return dateformat.format(ends - datetime.timedelta(days=1), "j M Y")
        return dateformat.format(ends, "j M Y, H:i")


def tokens_of(user: User | None = None) -> list[ListedToken]:
    """Tokens newest first with their status: one user's, or everybody's."""
    rows = ApiToken.objects.select_related("user")
    if user is not None:
        rows = rows.filter(user=user)
    now = timezone.now()
    return [ListedToken(token, status_of(token, now)) for token in rows]


def api_token_authenticate(plain: str) -> ApiToken:
    """The live token (its user loaded) for a bearer token, noting its use; else TokenRefused."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(plain), user__is_active=True)
        .first()
    )
    if token is None:
        raise TokenRefused("This API token is unknown.")
    now = timezone.now()
    status = status_of(token, now)
    if status == REVOKED:
        day = timezone.localdate(token.revoked_at).isoformat()
        raise TokenRefused(
            f"This API token was revoked on {day}; create a new one on the API tokens page."
        )
    if status == EXPIRED:
        day = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        raise TokenRefused(
            f"This API token expired at {day}; create a new one on the API tokens page."
        )
    stamp_at_most_every(
        ApiToken.objects.filter(pk=token.pk),
        "last_used_at",
        last=token.last_used_at,
        now=now,
        every=USED_STAMP_EVERY,
    )
    return token
