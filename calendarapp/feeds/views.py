"""The feed endpoints and the Subscribe page. Thin: the feeds themselves are in feeds.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from calendarapp.feeds import feeds, subscriptions
from calendarapp.feeds.forms import SubscriptionForm
from calendarapp.lib import countries
from calendarapp.lib.forms import add_refusal
from calendarapp.lib.http import AuthenticatedHttpRequest
from calendarapp.models import FeedToken
from calendarapp.roles import calendar_reader_required, can_read_calendar
from customers.models import Customer

# The session holds a new subscription's id and secret until the page has shown them once.
FRESH_KEY = "fresh_feed_subscription"


def _plain(status: int, message: str) -> HttpResponse:
    """Feed errors are plain text: a calendar client shows them, a browser too, no login page."""
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@login_not_required
@require_safe
def feed(request: HttpRequest, token: str, slug: str, **kwargs) -> HttpResponseBase:
    """Serve one feed as text/calendar, answering conditional requests with 304."""
    try:
        subscription = subscriptions.subscription_for_token(token, slug, kwargs)
        user = subscription.user
        feed = feeds.FEEDS[slug]
        obj = feed.get_object(user, **kwargs)
        requested = feeds.parse_kinds(request.GET.get("kinds"))
    except Http404 as error:
        return _plain(404, str(error))
    except subscriptions.FeedGone as error:
        return _plain(410, str(error))
    except feeds.BadParameter as error:
        return _plain(400, str(error))
    subscriptions.subscription_fetched(subscription)  # a 304 is a fetch too
    kinds = subscriptions.subscription_kinds(subscription, requested)
    version = feed.version(obj, user, kinds)
    gzipped = feeds.accepts_gzip(request.headers.get("Accept-Encoding", ""))
    # The gzipped bytes are another representation, so they carry another ETag.
    etag = version.etag[:-1] + '-gzip"' if gzipped else version.etag
    validators = {
        "ETag": etag,
        "Last-Modified": http_date(version.last_modified.timestamp()),
        "Cache-Control": "private, max-age=0, must-revalidate",
        "Vary": "Accept-Encoding",
    }
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(version.last_modified.timestamp())
    )
    if not_modified is not None:
        return _with_headers(not_modified, validators)  # a 304 repeats the 200's validators
    body = feed.body(obj, user, kinds, version, gzipped=gzipped)
    content_type = "text/calendar; charset=utf-8"
    length = body.length
    if request.method == "HEAD":
        if length is None:  # built now: write it out (and so into the cache) to count it
            length = sum(len(part) for part in body.parts)
        response: HttpResponseBase = HttpResponse(b"", content_type=content_type)
    else:
        # Sent part by part: a large feed is never held whole. A body built for this
        # request has no length yet and goes out chunked; cached bodies carry theirs.
        response = StreamingHttpResponse(body.parts, content_type=content_type)
    if length is not None:
        response["Content-Length"] = str(length)
    if body.gzipped:
        response["Content-Encoding"] = "gzip"
    response["Content-Disposition"] = f'inline; filename="{feed.filename(obj)}"'
    return _with_headers(response, validators)


def _with_headers(response: HttpResponseBase, headers: dict[str, str]) -> HttpResponseBase:
    for name, value in headers.items():
        response[name] = value
    return response


# The page shows a new secret once: no browser or proxy may keep a copy.
@never_cache
@calendar_reader_required
def subscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the user's feed subscriptions and add one; a new address is shown once.

    `?customer=ID` or `?country=CODE` (the customer and country pages link so)
    offers that feed first.
    """
    own = list(
        Customer.objects.filter(owner=request.user, active=True).only("id", "name", "country")
    )
    form = SubscriptionForm(
        request.POST if request.method == "POST" else None,
        customers=own,
        requested=_requested_feed(request),
    )
    if form.is_valid():
        try:
            subscription, token = subscriptions.subscription_add(
                user=request.user, **form.subscription_arguments()
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            request.session[FRESH_KEY] = {"id": subscription.pk, "token": token}
            return redirect(request.get_full_path())
    fresh = request.session.pop(FRESH_KEY, None) if request.method == "GET" else None
    listed = subscriptions.live_subscriptions(request.user)
    new = next((s.row for s in listed if fresh and s.row.pk == fresh["id"]), None)
    context = {
        "form": form,
        "subscriptions": listed,
        "new": subscriptions.links_of(new, fresh["token"]) if new and fresh else None,
        "new_id": new.pk if new else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "calendarapp/subscribe.html", context, status=status)


@require_POST
@calendar_reader_required
def revoke(request: AuthenticatedHttpRequest, subscription_id: int) -> HttpResponse:
    """Revoke one of the user's subscriptions; the others keep working."""
    subscription = get_object_or_404(FeedToken, pk=subscription_id, user=request.user)
    subscriptions.subscription_revoke(subscription=subscription)
    title = subscription.name or subscriptions.OLDER_ADDRESS
    messages.success(
        request,
        f"Revoked “{title}”: calendars subscribed to it stop updating. "
        "Your other feeds keep working.",
    )
    return redirect("feed-subscribe")


def _requested_feed(request: HttpRequest) -> Customer | str | None:
    """The customer or country named in the query, with a message naming a bad parameter."""
    customer_id, code = request.GET.get("customer"), request.GET.get("country")
    report = request.method == "GET"  # once: a POST redirects to the same query
    if not can_read_calendar(request.user):
        return None  # their feeds answer 404 anyway; do not reveal customer names
    if customer_id is not None:
        customer = (
            Customer.objects.filter(pk=customer_id).first() if customer_id.isdigit() else None
        )
        if customer is None and report:
            messages.error(request, f"The customer parameter names no customer: “{customer_id}”.")
        return customer
    if code is not None:
        if error := countries.validate_country(code.upper()):
            if report:
                messages.error(request, f"The country parameter: {error}")
            return None
        return code.upper()
    return None
