"""How people are named on every page, and the order names sort in."""

from __future__ import annotations

import unicodedata
from typing import Any


def display_name(user: Any) -> str:
    """ "Mette Holm", or "mette" for a user without a name; "" for no user."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _letters_table() -> dict[int, str]:
    """Lower-case letters with accents (é, ü, ñ) folded to their base letter, and Danish's own
    three put after z in its order: æ (and ä), ø (and ö), å."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if bare != char and bare.isascii() and bare.isalpha():
            table[code] = bare.casefold()
    # Private-use characters sort after every letter of the Latin, Greek and Cyrillic scripts.
    table.update({ord("æ"): "\ue000", ord("ä"): "\ue000", ord("ø"): "\ue001", ord("ö"): "\ue001"})
    table.update({ord("å"): "\ue002", ord("ü"): "y"})
    return table


LETTERS = _letters_table()


def name_key(name: str) -> str:
    """The key a customer's name sorts by, in Danish order and without regard to case or the
    database's collation (SQLite and PostgreSQL order non-ASCII names differently):
    "Zealand" < "Ærø" < "Øster" < "Åbenrå"; "Émile" among the e's."""
    folded = name.casefold()
    # translate() with a table is slow per character: most names have nothing to translate.
    return folded if folded.isascii() else folded.translate(LETTERS)
