"""A typed request for views that only signed-in users reach (LoginRequiredMiddleware)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User
