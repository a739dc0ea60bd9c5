"""Read a development `.env` file (`NAME=value` lines) into the environment, strictly.

`make run` writes one with `DEBUG=1`, so `manage.py` run by hand afterwards
behaves like `make run`. Variables already in the environment win. Anything
but blank lines, `#` comments and `NAME=value` stops start-up naming the line,
rather than guessing what was meant (no quoting, no `export`, no expansion).
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


class EnvFileError(ValueError):
    """A line of the file is not `NAME=value`."""


def read_env_file(path: Path) -> dict[str, str]:
    """The file's variables; an empty dict when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, equals, value = stripped.partition("=")
        if not equals or not NAME.fullmatch(name):
            raise EnvFileError(
                f"{path}, line {number}: expected NAME=value with NAME in capitals, "
                f"not {stripped!r}"
            )
        found[name] = value
    return found


def load_env_file(path: Path, environ: MutableMapping[str, str] = os.environ) -> None:
    """Put the file's variables into the environment, unless they are set there already."""
    for name, value in read_env_file(path).items():
        environ.setdefault(name, value)
