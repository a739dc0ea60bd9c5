"""The development .env: `make run` writes it, settings read it strictly, the environment wins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from calendarapp.lib.envfile import EnvFileError, load_env_file, read_env_file

ROOT = Path(__file__).resolve().parents[3]


def test_names_and_values_are_read_past_comments_and_blank_lines(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# for development\n\nDEBUG=1\nSITE_URL=http://127.0.0.1:8001\nEMPTY=\n")
    assert read_env_file(env) == {
        "DEBUG": "1",
        "SITE_URL": "http://127.0.0.1:8001",
        "EMPTY": "",
    }


def test_no_file_is_no_variables(tmp_path):
    assert read_env_file(tmp_path / ".env") == {}


@pytest.mark.parametrize("line", ["DEBUG", "export DEBUG=1", "debug=1", "=1", "MY VAR=1"])
def test_a_line_that_is_not_name_equals_value_is_refused_naming_the_line(tmp_path, line):
    env = tmp_path / ".env"
    env.write_text(f"DEBUG=1\n{line}\n")
    with pytest.raises(EnvFileError, match=r"\.env, line 2: expected NAME=value"):
        read_env_file(env)


def test_the_environment_wins_over_the_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DEBUG=1\nSITE_URL=http://from-file\n")
    environ = {"DEBUG": "0"}
    load_env_file(env, environ)
    assert environ == {"DEBUG": "0", "SITE_URL": "http://from-file"}


def _settings(env_file: Path | str, **env: str) -> subprocess.CompletedProcess:
    """Import the real settings in a fresh process, without DEBUG or SECRET_KEY set."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import calendarapp.settings as s; print(s.DEBUG, s.SITE_URL)"],
        env={**environ, "ENV_FILE": str(env_file), **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_settings_read_debug_from_the_env_file_so_manage_py_works_without_it(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# Written by make run\nDEBUG=1\n")
    shown = _settings(env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split()[0] == "True"
    assert _settings(env, DEBUG="0").returncode != 0  # DEBUG off needs a SECRET_KEY
    assert "SECRET_KEY" in _settings(tmp_path / "missing.env").stderr


def test_a_broken_env_file_stops_start_up_naming_the_file_and_line(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DEBUG=1\nexport SECRET_KEY=x\n")
    shown = _settings(env)
    assert shown.returncode != 0
    assert "ImproperlyConfigured" in shown.stderr and ".env, line 2" in shown.stderr


def test_make_run_serves_on_port_and_writes_the_env_file_for_development():
    shown = subprocess.run(
        ["make", "-n", "run", "PORT=8001"], capture_output=True, text=True, cwd=ROOT
    )
    assert shown.returncode == 0, shown.stderr
    assert "runserver 127.0.0.1:8001" in shown.stdout
    assert "http://127.0.0.1:8001" in shown.stdout  # feed and email links follow the port
    assert "test -f .env || printf" in shown.stdout and "DEBUG=1" in shown.stdout
    assert "/.env" in (ROOT / ".gitignore").read_text().splitlines()
