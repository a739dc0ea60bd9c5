"""The reading tests run each rule through both transports: a secret iCal address and CalDAV."""

from __future__ import annotations

from pathlib import Path

import pytest

FILES = Path(__file__).parent / "files"


@pytest.fixture(params=["ical", "caldav"])
def transport(request, site):
    """A function serving a calendar's text through one transport; it returns the keyword
    arguments `events_between` takes to read it (`url`, and for CalDAV a login)."""
    if request.param == "ical":

        def serve(text: str) -> dict[str, str]:
            return {"url": site.put(f"/{len(site.pages)}/basic.ics", text.encode())}

    else:
        server = request.getfixturevalue("caldav_server")

        def serve(text: str) -> dict[str, str]:
            return {
                "url": server.calendar_of(text),
                "username": server.username,
                "password": server.password,
            }

    serve.name = request.param
    return serve


@pytest.fixture
def export():
    """The text of a client's export under files/ (google, outlook, icloud)."""
    return lambda name: (FILES / f"{name}.ics").read_text(encoding="utf-8")
