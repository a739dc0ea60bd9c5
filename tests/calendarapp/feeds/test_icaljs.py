"""Parse every feed with Mozilla's ical.js (Thunderbird's parser) under Node.

ical.js comes from the npm registry, pinned in tests/js/package.json and its
lock file, and is installed into tests/js/node_modules (git-ignored) on first
use. Without node or npm the test skips, or fails when CI requires services.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.calendarapp.feeds import support as fs
from tests.support import skip_or_fail

JS_DIR = Path(__file__).resolve().parents[2] / "js"
FEEDS = ["my-customers", "all-customers", "customer", "country", "plans-mine", "plans-all"]


@pytest.fixture(scope="session")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        skip_or_fail("node and npm are needed to run ical.js")
    if not (JS_DIR / "node_modules" / "ical.js" / "package.json").exists():
        try:
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=JS_DIR,
                check=True,
                capture_output=True,
                timeout=180,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            skip_or_fail(f"npm could not install ical.js from the registry: {error}")
    return node


def run_icaljs(node: str, path: Path, start: datetime.date, end: datetime.date) -> dict:
    """Expand a feed file with ical.js; return its events and problems."""
    result = subprocess.run(
        [node, "parse_feed.mjs", str(path), start.isoformat(), end.isoformat()],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("feed", FEEDS)
def test_icaljs_expands_the_engines_occurrences_with_no_floating_time(
    client, data, node, tmp_path, feed
):
    body = client.get(fs.feed_paths(data)[feed]).getvalue()
    path = tmp_path / f"{feed}.ics"
    path.write_bytes(body)
    report = run_icaljs(node, path, *fs.WINDOW)
    assert report["problems"] == []
    found = {
        (
            event["uid"],
            datetime.date.fromisoformat(event["start"]),
            datetime.date.fromisoformat(event["end"]),
        )
        for event in report["events"]
    }
    assert found == fs.expected(fs.engine_occurrences(feed, data))


def test_icaljs_reads_an_empty_feed(client, data, node, tmp_path):
    path = tmp_path / "empty.ics"
    path.write_bytes(client.get(fs.feed_paths(data)["customer"] + "?kinds=other").getvalue())
    assert run_icaljs(node, path, *fs.WINDOW) == {"events": [], "problems": []}
