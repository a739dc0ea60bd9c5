"""Failed logins are throttled per account and per address by django-axes; this is our side.

Settings (`LOGIN_FAILURE_LIMIT`, `LOGIN_COOLOFF_MINUTES`, `TRUSTED_PROXY_COUNT`) are read in
settings.py; here are the backend that asks axes first, the client's address as axes counts
it, and the login page that says why a login was refused.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_message() -> str:
    minutes = settings.LOGIN_COOLOFF_MINUTES
    return (
        f"Too many failed attempts: try again in {minutes} minute{'s' if minutes != 1 else ''} "
        "or ask an admin to unlock your account."
    )


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out login before any password is checked.

    A call without a request (the shell, a script, a test) comes from no address and is
    not a web login: it is left to the next backend instead of failing.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The address a login came from, as the throttle counts it.

    Behind `TRUSTED_PROXY_COUNT` proxies it is the entry the outermost one appended to
    X-Forwarded-For, counted from the right: a client can prepend anything it likes.
    """
    remote = request.META.get("REMOTE_ADDR")
    if settings.TRUSTED_PROXY_COUNT <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < settings.TRUSTED_PROXY_COUNT:
        return remote
    candidate = forwarded[-settings.TRUSTED_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login page again, saying the account or address is locked and for how long (429)."""
    username = request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out": lockout_message(),
    }
    return render(request, "registration/login.html", context, status=429)
