"""The database as a dependency that can be away: after a failed connect, 503 at once for a while.

A database that accepts connections and never answers costs each request the
whole `DATABASE_CONNECT_TIMEOUT`, so a few requests tie up every worker and
the site stops answering at all. After a connect fails, each process answers
503 at once for `DATABASE_RETRY_SECONDS`, then tries again; the outage is
logged once a minute instead of a traceback per request. Only a failed or lost connection
is an outage (`connection_failed`); a statement that fails on a working connection (a timeout,
"too many SQL variables") is that request's error alone: a 500, logged as one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from calendarapp.lib.outages import Outage

DATABASE = Outage("Database", "DATABASE_RETRY_SECONDS", "answering 503 at once")
UNAVAILABLE = "The database is not answering; try again in a minute."
RETRY_AFTER_SECONDS = "30"
HEALTHZ_PATH = "/healthz"
OUTAGE_MARK = "answered_database_outage"


# SQLSTATEs of a connection that is gone: class 08 (connection exception) and the server
# shutting down or starting up (admin_shutdown, crash_shutdown, cannot_connect_now).
LOST_STATES = frozenset({"57P01", "57P02", "57P03"})


def connect_failed() -> bool:
    """Whether the error at hand came from connecting: the connection is still missing."""
    return connection.connection is None


def connection_failed(error: BaseException) -> bool:
    """Whether `error` means the database is out of reach (can't connect, connection lost).

    Only that is an outage; any other database error (a deadlock, "too many SQL variables",
    a statement cut by its timeout) is this request's own, on a database that answers.
    """
    if not isinstance(error, DatabaseError):
        return False
    if isinstance(error, InterfaceError) or connect_failed():
        return True
    state = getattr(error.__cause__, "sqlstate", None) or ""
    if state.startswith("08") or state in LOST_STATES:
        return True
    # psycopg marks a connection the server dropped (no SQLSTATE then: nobody answered).
    raw = connection.connection
    return bool(getattr(raw, "broken", False) or getattr(raw, "closed", False) is True)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """A 503 in the client's format: the API's JSON, a feed's text, or a page."""
    path = request.path
    response: HttpResponse
    if path.startswith("/api/"):
        response = JsonResponse({"errors": {"detail": [UNAVAILABLE]}}, status=503)
    elif path.startswith("/feeds/") and path.endswith(".ics"):
        plain = "text/plain; charset=utf-8"
        response = HttpResponse(UNAVAILABLE + "\n", status=503, content_type=plain)
    else:
        # Rendered without the request: its context processors would ask the database again.
        page = render_to_string("503.html", {"message": UNAVAILABLE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 of an outage, which Django's request log leaves to the once-a-minute line."""
    setattr(request, OUTAGE_MARK, True)  # read by QuietDuringOutage
    return unavailable_response(request)


class DatabaseOutageMiddleware:
    """While a connect failure is recent, answer 503 before anything asks the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not DATABASE.available() and request.path != HEALTHZ_PATH:
            return outage_response(request)
        return self.get_response(request)


class QuietDuringOutage(logging.Filter):
    """Drop Django's line and traceback for each outage 503; the outage is logged once a minute."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(getattr(record, "request", None), OUTAGE_MARK, False)
