"""Content-Security-Policy and Permissions-Policy headers, when the environment sets them.

Django 5.2 has no setting for either; this sends the configured value on every
response that does not already carry one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
