"""How a user is named on every page: the full name, or the username where none is recorded."""

from __future__ import annotations

from typing import Any


def display_name(user: Any) -> str:
    """ "Mette Holm", or "mette" for a user without a name; "" for no user."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
