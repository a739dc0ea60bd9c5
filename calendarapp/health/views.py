"""Health: `/healthz` for load balancers, and 503s instead of 500s when the database is away.

`/healthz` needs no login and no session, and runs only a `SELECT 1` and one
cache round trip, so it is cheap enough to ask every few seconds.
`server_error` is the site's 500 handler: Django calls it for any uncaught
exception, also one raised in a middleware (loading the session, say), so a
database out of reach answers 503 in each client's own format, with Retry-After:
the 503 page, the API's JSON error shape, and plain text for feeds. Two writes
that crossed (a deadlock, retried once already) answer 409; any other error,
any other database error included, is the 500 it is. A failed
connect also makes the next requests answer 503 at once for a while
(calendarapp/health/database.py).
"""

from __future__ import annotations

import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from calendarapp.health.database import (
    DATABASE,
    connect_failed,
    connection_failed,
    outage_response,
    unavailable_response,
)
from calendarapp.lib.cache import CACHE_ERRORS
from calendarapp.lib.writes import RecordGone, WriteConflict, conflict_message, is_conflict

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz"


# One thread asks the database for every /healthz of this process, so a probe can be given
# up on: a frozen server never answers and no client timeout tells it from
# a slow statement. A probe still hung makes the next ones wait their turn, and answer 503 too.
_PROBE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")


def _database() -> str:
    if not DATABASE.available():
        return "unavailable: a connect failed moments ago"
    seconds = settings.HEALTHZ_TIMEOUT_SECONDS
    try:
        return _PROBE.submit(_select_one).result(timeout=seconds)
    except FutureTimeout:
        return f"unavailable: no answer within {seconds:g} s"


def _select_one() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        if connect_failed():
            DATABASE.failed("connect", error)
        return f"unavailable: {error}".strip()
    finally:
        # The thread's own connection, not kept: a kept one would outlive the database it
        # opened (a restart, a test database being dropped). A connect costs a few ms.
        connection.close()
    return "ok"


def _cache() -> str:
    try:
        cache.set(PROBE_KEY, "ok", 10)
        if cache.get(PROBE_KEY) != "ok":
            return "unavailable: a value set was not read back"
    except CACHE_ERRORS as error:
        return f"unavailable: {error}".strip()
    return "ok"


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when both parts answer; 503 naming the part that did not."""
    parts = {"database": _database(), "cache": _cache()}
    healthy = all(state == "ok" for state in parts.values())
    return JsonResponse(parts, status=200 if healthy else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 409 for two writes that crossed, a 503 in the client's format when the database is out
    of reach, Django's 500 page for anything else (any other database error included)."""
    error = sys.exc_info()[1]
    if error is not None and (isinstance(error, WriteConflict) or is_conflict(error)):
        return conflict_response(request, error)
    if error is None or not connection_failed(error):
        return defaults.server_error(request)
    if connect_failed():
        DATABASE.failed("connect", error)  # logged once a minute, not per request
        return outage_response(request)
    logger.error("Database unavailable for %s: %s", request.path, error)
    return unavailable_response(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page; a record deleted meanwhile (`RecordGone`) says so and that nothing
    was saved."""
    if isinstance(exception, RecordGone):
        return render(request, "404.html", {"message": str(exception)}, status=404)
    return defaults.page_not_found(request, exception)


def conflict_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 409 of two writes that crossed (retried once already), in the client's format."""
    message = str(error) if isinstance(error, WriteConflict) else conflict_message("record")
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": {"detail": [message]}}, status=409)
    # The form's own address (pages post to it): opened again, it shows what is saved now.
    page = render_to_string("409.html", {"message": message, "path": request.path})
    return HttpResponse(page, status=409)
