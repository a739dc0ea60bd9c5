"""The import tests' web server, for URL sources."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Site:
    """A tiny web server on 127.0.0.1 that serves what a test puts in `pages`."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes, float, float, float, dict[str, str]]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
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


@pytest.fixture
def site(settings):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    server = Site()
    yield server
    server.server.shutdown()
    server.server.server_close()
