"""Secrets at rest: calendar addresses and passwords encrypted with the CALENDAR_SECRETS_KEY keys.

Fernet (AES-128-CBC with an HMAC, from `cryptography`) does the work; `MultiFernet` takes the
setting's comma-separated keys, the first encrypting and every one decrypting, so a key is
rotated by putting the new one first and dropping the old one once every row is saved again.
Each key may be any long random text: the Fernet key is derived from it with HKDF-SHA256.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

# The HKDF label: the same key text used elsewhere (SECRET_KEY in debug) gives another key here.
PURPOSE = b"customer-calendar: calendar connection secrets"


class SecretUnreadable(ImproperlyConfigured):
    """A stored secret none of the keys in CALENDAR_SECRETS_KEY opens (a key was dropped)."""


def _fernet_key(text: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE)
    return base64.urlsafe_b64encode(derived.derive(text.encode("utf-8")))


@functools.cache
def _keys(texts: tuple[str, ...]) -> MultiFernet:
    if not texts:
        raise ImproperlyConfigured("CALENDAR_SECRETS_KEY is empty: set at least one key")
    return MultiFernet([Fernet(_fernet_key(text)) for text in texts])


def _fernet() -> MultiFernet:
    # Read at each call (cached per key list), so a settings override in a test takes effect.
    return _keys(tuple(settings.CALENDAR_SECRETS_KEY))


def encrypt(text: str) -> str:
    """The text as a token only the CALENDAR_SECRETS_KEY keys open (new each time: salted)."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token `encrypt` made with any of the keys; SecretUnreadable otherwise."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise SecretUnreadable(
            "A stored calendar secret cannot be decrypted with any key in CALENDAR_SECRETS_KEY: "
            "put back the key it was saved with (after the new one), or enter the secret again."
        ) from None


def rotate(token: str) -> str:
    """The token encrypted again with the first key: run over every row before a key leaves."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError):
        return encrypt(decrypt(token))  # raises SecretUnreadable, naming the setting


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token and read back as the text; "" is stored as "".

    Tokens are salted, so the column cannot be filtered or made unique on: look rows up by
    another field. A token no key opens raises SecretUnreadable when the row is read.
    """

    description = "Text encrypted with CALENDAR_SECRETS_KEY"

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))
