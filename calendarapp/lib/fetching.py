"""Download a calendar from a URL someone typed, safely: the server-side fetch every reader uses.

The .ics import and the reading of a sales manager's own calendar share it: a size limit
(`ICS_IMPORT_MAX_BYTES`), one time limit for the whole exchange (`ICS_IMPORT_TIMEOUT_SECONDS`:
connecting, status line, headers, redirects and body), and never a private or loopback address
(a server-side request forgery guard) unless `ICS_IMPORT_ALLOW_PRIVATE_HOSTS` lists the host;
each redirect passes the same checks and connects to the address that was checked.
Every problem raises `FetchError` with a message a user can act on.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

CHUNK = 64 * 1024


class FetchError(ValueError):
    """A URL that could not be read; the message says why, in words a user can act on."""


def too_big_message() -> str:
    limit_mb = settings.ICS_IMPORT_MAX_BYTES / (1024 * 1024)
    return f"The calendar is larger than the limit of {limit_mb:g} MB."


def too_slow_message(timeout: float) -> str:
    return (
        f"The server did not send the calendar within {timeout:g} s "
        "(the limit is ICS_IMPORT_TIMEOUT_SECONDS)."
    )


def is_private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is off the public internet (private, loopback, link-local, reserved)
    or multicast: never fetched unless its host is allowed."""
    return not ip.is_global or ip.is_multicast


def public_address(host: str, port: int) -> str | None:
    """Resolve a host and return the address to connect to; refuse private and local ones.

    None means "resolve as usual": the host itself is listed in
    ICS_IMPORT_ALLOW_PRIVATE_HOSTS.
    """
    allowed = set(settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS)
    if host in allowed:
        return None
    try:
        addresses = [
            str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        ]
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"The host {host} could not be found.") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if address not in allowed and is_private(ip):
            raise FetchError(
                f"The URL points to a private or local address ({address}); "
                "only public calendars can be imported."
            )
    return addresses[0]


def webcal_as_https(url: str) -> str:
    """webcal:// is https:// that opens a calendar app; stored and fetched as https."""
    if url.lower().startswith("webcal://"):
        return "https://" + url[len("webcal://") :]
    return url


def check_url(url: str) -> str:
    """Return the URL to fetch (webcal:// becomes https://); refuse other schemes, private hosts."""
    url = webcal_as_https(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("The URL must start with https://, http:// or webcal://.")
    public_address(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    return url


class Deadline:
    """Cuts every connection of one download when its total time is up.

    The socket timeout limits each read alone: a server that sends a header
    line every few seconds, or the body 16 bytes at a time, would keep a
    worker for hours. Shutting the sockets down from a timer ends any read
    under way, whether of the status line, the headers or the body.
    """

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _cut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _cut(sock)


def _cut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown: on a TLS socket it ends the reading thread's
        # recv without touching the TLS state that thread is using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _PinnedConnection(http.client.HTTPConnection):
    """A connection that connects to the address `public_address` checked.

    Resolving once for the check and again for the connection would let a
    host answer with a public address first and a private one next.
    """

    def __init__(
        self, host: str, *args: Any, deadline: Deadline | None = None, **kwargs: Any
    ) -> None:
        super().__init__(host, *args, **kwargs)
        self._deadline = deadline
        address = public_address(self.host, self.port)
        if address is not None:
            port = self.port

            def connect_to_checked_address(_: Any, *args: Any, **kwargs: Any) -> socket.socket:
                return socket.create_connection((address, port), *args, **kwargs)

            self._create_connection = connect_to_checked_address

    def connect(self) -> None:
        super().connect()
        if self._deadline is not None:
            self._deadline.watch(self.sock)


class _PinnedHTTPSConnection(_PinnedConnection, http.client.HTTPSConnection):
    pass


class _PublicHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_PinnedConnection, req, deadline=self.deadline)


class _PublicHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # typeshed leaves out the handler's private `_context`, which HTTPSHandler.https_open
        # passes the same way.
        context = self._context  # type: ignore[attr-defined]
        return self.do_open(_PinnedHTTPSConnection, req, context=context, deadline=self.deadline)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an http(s) URL that passes the same checks."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        return super().redirect_request(req, fp, code, msg, headers, check_url(newurl))


def fetch(url: str) -> bytes:
    """Download an .ics URL within the size limit and the total time limit.

    The time limit covers the whole exchange: connecting, the status line,
    the headers, redirects and the body.
    """
    url = check_url(url)
    limit = settings.ICS_IMPORT_MAX_BYTES
    timeout = settings.ICS_IMPORT_TIMEOUT_SECONDS
    request = urllib.request.Request(
        url, headers={"User-Agent": "CustomerCalendar/1.0", "Accept": "text/calendar, */*"}
    )
    chunks: list[bytes] = []
    size = 0
    deadline = Deadline(timeout)
    try:
        with deadline:
            # No proxies from the environment: the address checks apply to the calendar's host.
            opener = urllib.request.build_opener(
                urllib.request.ProxyHandler({}),
                _PublicHTTPHandler(deadline),
                _PublicHTTPSHandler(deadline),
                _CheckedRedirects,
            )
            with opener.open(request, timeout=timeout) as response:
                while chunk := response.read1(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(too_big_message())
                    chunks.append(chunk)
            if deadline.expired:
                raise TimeoutError  # a cut connection ends like a short body
    except urllib.error.HTTPError as error:
        raise FetchError(f"The server answered {error.code} {error.reason}.") from None
    except (OSError, http.client.HTTPException) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if deadline.expired or isinstance(reason, TimeoutError):
            raise FetchError(too_slow_message(timeout)) from None
        raise FetchError(f"The calendar could not be downloaded: {reason}.") from None
    return b"".join(chunks)
