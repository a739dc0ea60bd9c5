"""Health: `/healthz` for load balancers, and 503s instead of 500s when the database is away.

`/healthz` needs no login and no session, and runs only a `SELECT 1` and one
cache round trip, so it is cheap enough to ask every few seconds.
`server_error` is the site's 500 handler: Django calls it for any uncaught
exception, also one raised in a middleware (loading the session, say), so a
database outage answers 503 in each client's own format, with Retry-After:
the 503 page, the API's JSON error shape, and plain text for feeds. A failed
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
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from calendarapp.health.database import (
    DATABASE,
    connect_failed,
    outage_response,
    unavailable_response,
)
from calendarapp.lib.cache import CACHE_ERRORS

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
    """A 503 in the client's format when the database is away; Django's 500 page otherwise."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    if connect_failed():
        DATABASE.failed("connect", error)  # logged once a minute, not per request
        return outage_response(request)
    logger.error("Database unavailable for %s: %s", request.path, error)
    return unavailable_response(request)
