"""The login page's landing (Today or the timeline) and the API tokens page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from calendarapp.accounts.forms import ApiTokenForm
from calendarapp.accounts.tokens import api_token_create, api_token_revoke, tokens_of
from calendarapp.lib.http import AuthenticatedHttpRequest
from calendarapp.models import ApiToken
from calendarapp.roles import calendar_reader_required, can_edit_customers


class LoginView(auth_views.LoginView):
    """Django's login; without a `next`, sales managers land on Today, calendar admins on `/`."""

    def get_default_redirect_url(self) -> str:
        return reverse("timeline" if can_edit_customers(self.request.user) else "today")


# The session holds a new token's id and plain text until the page has shown them once.
FRESH_KEY = "fresh_api_token"


# The page shows a new token once: no browser or proxy may keep a copy.
@never_cache
@calendar_reader_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the user's API tokens and create one; a new token is shown once."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            token, plain = api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error("expires_on" if field == "expires_at" else None, problems)
        else:
            request.session[FRESH_KEY] = {"id": token.pk, "token": plain}
            return redirect("api-tokens")
    fresh = request.session.pop(FRESH_KEY, None) if request.method == "GET" else None
    listed = tokens_of(request.user)
    new = next((row for row in listed if fresh and row.token.pk == fresh["id"]), None)
    context = {
        "form": form,
        "tokens": listed,
        "new": new,
        "new_token": fresh["token"] if new and fresh else None,
    }
    return render(
        request,
        "accounts/api_tokens.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@calendar_reader_required
def revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens; scripts using it get a 401 from now on."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    title = token.name or "(no name)"
    if api_token_revoke(token=token):
        messages.success(request, f"Revoked “{title}”: the API refuses it from now on.")
    else:
        messages.info(request, f"“{title}” was already revoked.")
    return redirect("api-tokens")
