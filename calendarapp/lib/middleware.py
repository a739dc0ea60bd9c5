"""Site-wide request and response rules that no single view should have to repeat.

- A NUL byte in a query parameter is refused with a 400 naming the parameter
  (PostgreSQL cannot store or compare text with one, so any search or filter
  would fail with a 500).
- Content-Security-Policy and Permissions-Policy, when the environment sets
  them: Django 5.2 has no setting for either.
- Every request gets an id (the caller's X-Request-ID if sane, else a new one),
  sent back in X-Request-ID and put on every log line it causes, ending with
  one line saying method, path, status and duration (calendarapp/lib/logs.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from calendarapp.lib import logs

request_logger = logging.getLogger("calendarapp.request")

HEADERS = {
    "Content-Security-Policy": "CONTENT_SECURITY_POLICY",
    "Permissions-Policy": "PERMISSIONS_POLICY",
}


class PolicyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, setting in HEADERS.items():
            value = getattr(settings, setting, "")
            if value and header not in response:
                response[header] = value
        return response


class RefuseNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "\\0")
                return HttpResponseBadRequest(
                    f"Parameter “{shown}” contains a NUL byte, which no text may contain.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class RequestIdMiddleware:
    """First in the chain, so every line of the request, and the request line, has the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = logs.request_id_from(request.headers.get("X-Request-ID"))
        token = logs.request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            request_logger.info(
                "%s %s %s in %s ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            logs.request_id.reset(token)
