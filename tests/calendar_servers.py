"""Calendar servers for tests: a tiny web server serving .ics bodies, and a real CalDAV server.

The fixtures that start them live in tests/conftest.py (`site`, `caldav_server`); this module
holds the classes, as tests/support.py holds the shared helpers.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import icalendar


class Site:
    """A tiny web server on 127.0.0.1 that serves what a test puts in `pages`, to any method
    (GET for an iCal address; PROPFIND and REPORT when a CalDAV client comes to the wrong place).

    `hang(path)` accepts the connection and never answers; `huge(path, size)` answers a body of
    `size` bytes without announcing its length.
    """

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes, float, float, float, dict[str, str]]] = {}
        self.hung: set[str] = set()
        self.huge_bodies: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.stopped = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                site.requests.append((self.command, self.path, dict(self.headers)))
                if self.path in site.hung:
                    site.stopped.wait(120)
                    return
                if self.path in site.huge_bodies:
                    self._huge(site.huge_bodies[self.path])
                    return
                status, body, delay, trickle, header_trickle, headers = site.pages.get(
                    self.path, (404, b"", 0, 0, 0, {})
                )
                time.sleep(delay)
                self.send_response(status)
                if header_trickle:
                    self.flush_headers()
                    # Header lines, one every `header_trickle` seconds, for as long as it listens.
                    try:
                        for n in range(1000):
                            self.wfile.write(f"X-Pad-{n}: x\r\n".encode())
                            self.wfile.flush()
                            time.sleep(header_trickle)
                    except (BrokenPipeError, ConnectionResetError):
                        return
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                step = 16 if trickle else len(body) or 1
                try:
                    for start in range(0, len(body), step):
                        self.wfile.write(body[start : start + step])
                        self.wfile.flush()
                        time.sleep(trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_PROPFIND = do_REPORT = do_OPTIONS = do_GET  # noqa: N815

            def _huge(self, size: int) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Connection", "close")
                self.end_headers()
                line = b"X-PAD:" + b"x" * 1000 + b"\r\n"
                try:
                    self.wfile.write(b"BEGIN:VCALENDAR\r\n")
                    for _ in range(size // len(line) + 1):
                        self.wfile.write(line)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        delay: float = 0,
        trickle: float = 0,
        header_trickle: float = 0,
        **headers: str,
    ) -> str:
        """Serve `body` at `path`, after `delay` seconds, 16 bytes per `trickle` seconds.

        With `header_trickle`, the status line comes at once and then header lines
        one every `header_trickle` seconds, never ending.
        """
        self.pages[path] = (status, body, delay, trickle, header_trickle, headers)
        return self.base + path

    def hang(self, path: str) -> str:
        """A URL whose server accepts the connection and never answers."""
        self.hung.add(path)
        return self.base + path

    def huge(self, path: str, size: int) -> str:
        """A URL answering a calendar of `size` bytes, its length not announced."""
        self.huge_bodies[path] = size
        return self.base + path

    def close(self) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class CaldavServer:
    """Radicale, the CalDAV server from PyPI, run as its own process on a loopback port.

    Storage in a temporary folder, one user (`username`/`password`) in a plain htpasswd file.
    `calendar(*events)` makes a new calendar and PUTs each event (a VEVENT's lines, or a whole
    VCALENDAR) as its own object; it returns the calendar's CalDAV URL.
    """

    username = "sam"
    password = "radicale-test-password"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        users = folder / "users"
        users.write_text(f"{self.username}:{self.password}\n")
        config = folder / "config"
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            # No pause after the client's first request without a login (caldav asks for the
            # server's challenge first, which Radicale counts as a failed login).
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {folder / 'storage'}\n"
            "[logging]\n"
            "level = warning\n"
        )
        self.log = folder / "radicale.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )

    def wait_ready(self, seconds: float = 20) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _send(self, method: str, path: str, body: bytes = b"", **headers: str) -> int:
        login = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            self.base + path,
            data=body or None,
            method=method,
            headers={"Authorization": f"Basic {login}", **headers},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as response:
            return int(response.status)

    def calendar(self, *events: str, name: str = "") -> str:
        """A new calendar holding `events`; its CalDAV URL."""
        path = f"/{self.username}/{name or uuid.uuid4().hex}/"
        self._send("MKCALENDAR", path)
        for number, event in enumerate(events):
            self.put(path, event, name=f"event-{number}")
        return self.base + path

    def calendar_of(self, text: str) -> str:
        """A new calendar holding a whole .ics file's events, stored one object per UID (with the
        file's time zones), as a CalDAV client stores them; its CalDAV URL."""
        calendar = icalendar.Calendar.from_ical(text)
        zones = [c.to_ical().decode() for c in calendar.walk("VTIMEZONE")]
        by_uid: dict[str, list[str]] = {}
        for event in calendar.walk("VEVENT"):
            by_uid.setdefault(str(event["UID"]), []).append(event.to_ical().decode())
        return self.calendar(*(wrap(*zones, *events) for events in by_uid.values()))

    def put(self, calendar_path: str, event: str, *, name: str) -> None:
        """Store one object (a VEVENT's lines, wrapped, or a whole VCALENDAR) in a calendar."""
        if calendar_path.startswith(self.base):
            calendar_path = calendar_path[len(self.base) :]
        text = event if event.lstrip().startswith("BEGIN:VCALENDAR") else wrap(event)
        self._send(
            "PUT",
            f"{calendar_path}{name}.ics",
            text.encode(),
            **{"Content-Type": "text/calendar; charset=utf-8"},
        )

    def folder_url(self) -> str:
        """The user's own folder (Radicale makes it at the first login): not a calendar."""
        return f"{self.base}/{self.username}/"


def wrap(*events: str) -> str:
    """A VCALENDAR around VEVENTs given as their inner lines (or whole, with BEGIN:VEVENT)."""
    body = "".join(
        (e if e.lstrip().startswith("BEGIN:") else f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT")
        + "\r\n"
        for e in events
    )
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//calendar servers//EN\r\n"
        f"{body}END:VCALENDAR\r\n"
    )
