"""Who gets a feed, how clients revalidate it, the Subscribe page and `feed_url`."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils.html import escape

from calendarapp.feeds import feeds, ical, subscriptions
from calendarapp.models import FeedToken
from tests import factories
from tests.calendarapp.feeds import support as fs


def assert_plain(response, status: int, *words: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.getvalue().decode()
    assert "<html" not in text.lower()
    for word in words:
        assert word in text


@pytest.mark.parametrize("feed", ["my-customers", "customer", "country", "plans-all"])
def test_an_unknown_token_is_404_in_plain_text(client, data, feed):
    path = fs.feed_paths(data)[feed].replace(data.token, "not-a-token")
    assert_plain(client.get(path), 404, "No feed")


def test_an_address_made_before_subscriptions_still_opens_every_feed(client, data):
    for path in fs.feed_paths(data).values():
        assert client.get(path).status_code == 200, path


def test_a_deactivated_users_feeds_are_gone(client, data, sales_manager):
    sales_manager.is_active = False
    sales_manager.save()
    assert_plain(client.get(fs.feed_paths(data)["all-customers"]), 410)


def test_a_user_without_access_gets_no_feed(client, data, nobody):
    token = fs.older_address(nobody)
    for path in fs.feed_paths(data).values():
        assert_plain(client.get(path.replace(data.token, token)), 404)


def test_a_logged_in_browser_is_not_needed_and_not_redirected(client, data):
    response = client.get(fs.feed_paths(data)["customer"])
    assert response.status_code == 200
    assert "Location" not in response


def test_missing_customer_and_country_are_404(client, data):
    assert_plain(client.get(f"/feeds/{data.token}/customers/999999.ics"), 404, "999999")
    assert_plain(client.get(f"/feeds/{data.token}/countries/XX.ics"), 404, "XX")


def test_a_lower_case_country_code_is_accepted(client, data):
    assert client.get(f"/feeds/{data.token}/countries/dk.ics").status_code == 200


@pytest.mark.parametrize("kinds", ["budget_close,birthday", "", ","])
def test_an_unknown_kind_is_400_naming_the_parameter(client, data, kinds):
    response = client.get(fs.feed_paths(data)["customer"], {"kinds": kinds})
    assert_plain(response, 400, "kinds", "budget_close")


def test_etag_and_if_none_match_answer_304(client, data):
    path = fs.feed_paths(data)["customer"]
    first = client.get(path)
    assert first["ETag"].startswith('"')
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.getvalue() == b""
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


def test_if_modified_since_answers_304_until_data_changes(client, data, clock):
    path = fs.feed_paths(data)["customer"]
    first = client.get(path)
    since = {"If-Modified-Since": first["Last-Modified"]}
    assert client.get(path, headers=since).status_code == 304
    clock.shift(datetime.timedelta(minutes=2))
    data.acme.traditions.create(
        title="Board meeting", kind="customer_event", start=fs.TODAY, end=fs.TODAY
    )
    changed = client.get(path, headers={**since, "If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert b"Board meeting" in changed.getvalue()


def test_head_answers_the_headers_of_get_without_a_body(client, data):
    path = fs.feed_paths(data)["all-customers"]
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == 200
    assert head.getvalue() == b""
    for header in ("Content-Type", "ETag", "Last-Modified", "Content-Disposition"):
        assert head[header] == got[header]
    assert head["Content-Length"] == str(len(got.getvalue()))
    assert client.get(path)["Content-Length"] == head["Content-Length"]


def test_a_cold_head_builds_the_body_to_count_it_and_the_next_get_is_cached(client, data):
    path = fs.feed_paths(data)["all-customers"]
    head = client.head(path)
    got = client.get(path)
    assert got.streaming and got["Content-Length"] == head["Content-Length"]
    assert int(head["Content-Length"]) == len(got.getvalue())


def test_a_large_feed_is_sent_and_cached_in_parts_and_rebuilt_when_a_part_is_lost(
    client, data, monkeypatch, sales_manager
):
    monkeypatch.setattr(ical, "PART_BYTES", 500)
    path = fs.feed_paths(data)["my-customers"]
    cold = client.get(path)
    parts = list(cold.streaming_content)
    assert len(parts) > 3
    assert "Content-Length" not in cold  # not known before it is all written
    warm = client.get(path)
    assert warm["Content-Length"] == str(len(b"".join(parts)))
    assert list(warm.streaming_content) == parts
    version = feeds.FEEDS["my-customers"].version(None, sales_manager, None)
    assert cache.delete(f"{version.cache_key}:1")  # a cache evicts the second part
    again = client.get(path)
    assert "Content-Length" not in again  # rebuilt, not sent with a hole
    assert again.getvalue() == b"".join(parts)


def test_the_all_customers_feed_is_sent_in_slices_and_renders_again_only_a_lost_one(
    client, data, sales_manager
):
    path = fs.feed_paths(data)["all-customers"]
    cold = client.get(path)
    assert "Content-Length" not in cold  # not known before it is all written
    body = cold.getvalue()
    warm = client.get(path)
    assert warm["Content-Length"] == str(len(body))
    assert warm.getvalue() == body
    version = feeds.FEEDS["all-customers"].version(None, sales_manager, None)
    manifest = cache.get(f"feed-slices:{version.base_key}")
    assert len(manifest.keys) > 1
    assert cache.delete(list(manifest.keys.values())[-1])  # a cache evicts a slice
    again = client.get(path)
    assert "Content-Length" not in again  # rendered again, not sent with a hole
    assert again.getvalue() == body


def test_a_client_that_takes_gzip_gets_the_same_calendar_gzipped_under_its_own_etag(
    client, data, monkeypatch
):
    monkeypatch.setattr(ical, "PART_BYTES", 500)  # several parts, one gzip stream
    path = fs.feed_paths(data)["all-customers"]
    plain = client.get(path)
    body = plain.getvalue()
    for attempt in ("cold", "warm"):
        if attempt == "cold":
            cache.clear()
        packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
        assert packed["Content-Encoding"] == "gzip", attempt
        assert "Accept-Encoding" in packed["Vary"]
        packed_body = packed.getvalue()
        assert gzip.decompress(packed_body) == body, attempt
    assert packed["Content-Length"] == str(len(packed_body))
    assert len(packed_body) < len(body) / 3
    assert packed["ETag"] != plain["ETag"]
    unchanged = client.get(
        path, headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]}
    )
    assert unchanged.status_code == 304
    assert client.get(path, headers={"If-None-Match": packed["ETag"]}).status_code == 200


def test_feeds_are_read_only(client, data):
    assert client.post(fs.feed_paths(data)["customer"]).status_code == 405


def test_the_window_follows_the_settings(client, data, settings):
    settings.FEED_PAST_DAYS = 0
    settings.FEED_FUTURE_DAYS = 30
    body = client.get(fs.feed_paths(data)["customer"]).getvalue()
    starts = [fs.parse_date(event["DTSTART"][1]) for event in fs.vevents(body)]
    assert starts, "the budget close on 30 June is in the window"
    assert all(day <= fs.TODAY + datetime.timedelta(days=30) for day in starts)
    ends = [fs.parse_date(event["DTEND"][1]) for event in fs.vevents(body)]
    assert all(day > fs.TODAY for day in ends)


def test_subscribe_page_shows_a_new_address_once_with_links_for_google_and_outlook(
    client, sales_manager, settings
):
    settings.SITE_URL = fs.SITE_URL
    client.force_login(sales_manager)
    page = client.get("/feeds/").content.decode()
    assert "You have no feeds yet" in page
    assert "/feeds/SECRET" not in page
    response = client.post("/feeds/", {"feed": "plans-mine", "name": "Outlook at work"})
    assert response.status_code == 302
    page = client.get("/feeds/").content.decode()
    subscription = FeedToken.objects.get(user=sales_manager)
    assert subscription.name == "Outlook at work" and subscription.feed == "plans-mine"
    url = page.split(f'value="{fs.SITE_URL}/feeds/', 1)[1].split('"', 1)[0]
    plain = url.split("/", 1)[0]
    assert url == f"{plain}/plans-mine.ics"
    assert subscription.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert len(plain) >= 22  # at least 128 bits in URL-safe base64
    webcal = f"webcal://{fs.HOST}/feeds/{url}"
    assert f'href="{webcal}"' in page
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    assert f'href="{google}"' in page
    outlook = "https://outlook.live.com/calendar/0/addfromweb?" + urlencode(
        {"url": f"{fs.SITE_URL}/feeds/{url}", "name": "Outlook at work"}
    )
    assert f'href="{escape(outlook)}"' in page
    again = client.get("/feeds/").content.decode()
    assert plain not in again
    assert "Outlook at work" in again and "only a fingerprint" in again


def test_adding_a_second_feed_leaves_the_first_working(client, data, sales_manager):
    client.force_login(sales_manager)
    client.post("/feeds/", {"feed": f"customer:{data.acme.pk}"})
    first = client.get("/feeds/").content.decode().split(f'value="{fs.SITE_URL}', 1)[1]
    first = first.split('"', 1)[0]
    client.post("/feeds/", {"feed": "country:DK", "kinds": ["public_holiday"]})
    second = client.get("/feeds/").content.decode().split(f'value="{fs.SITE_URL}', 1)[1]
    second = second.split('"', 1)[0]
    assert first.endswith(f"/customers/{data.acme.pk}.ics") and second.endswith("/DK.ics")
    assert client.get(first).status_code == 200
    assert client.get(second).status_code == 200
    assert client.get(fs.feed_paths(data)["all-customers"]).status_code == 200  # the older one
    listed = client.get("/feeds/").content.decode().split("your-feeds-title", 1)[1]
    assert listed.index("Denmark: Public holiday") < listed.index("Acme A/S")  # newest first
    assert listed.count(">Revoke</button>") == 3


def test_revoking_one_feed_on_the_page_makes_it_410_and_leaves_the_others(
    client, data, sales_manager
):
    client.force_login(sales_manager)
    _, kept = subscriptions.subscription_add(user=sales_manager, feed="plans-all")
    gone, token = subscriptions.subscription_add(user=sales_manager, feed="my-customers")
    response = client.post(f"/feeds/subscriptions/{gone.pk}/revoke", follow=True)
    assert "Revoked “My customers”" in response.content.decode()
    assert_plain(client.get(f"/feeds/{token}/my-customers.ics"), 410, "subscribe again")
    assert client.get(f"/feeds/{kept}/plans-all.ics").status_code == 200
    assert client.get(fs.feed_paths(data)["my-customers"]).status_code == 200
    assert "My customers" not in response.content.decode().split("your-feeds-title", 1)[1]


def test_nobody_revokes_another_users_feed(client, data, calendar_admin, sales_manager):
    theirs, token = subscriptions.subscription_add(user=sales_manager, feed="plans-all")
    client.force_login(calendar_admin)
    assert client.post(f"/feeds/subscriptions/{theirs.pk}/revoke").status_code == 404
    assert client.get(f"/feeds/subscriptions/{theirs.pk}/revoke").status_code == 405
    assert client.get(f"/feeds/{token}/plans-all.ics").status_code == 200


def test_the_page_shows_when_each_feed_was_last_fetched(client, data, sales_manager, clock):
    client.force_login(sales_manager)
    _, token = subscriptions.subscription_add(user=sales_manager, feed="plans-all", name="Phone")
    row = client.get("/feeds/").content.decode().split("Phone", 1)[1].split("</tr>", 1)[0]
    assert "never" in row
    client.get(f"/feeds/{token}/plans-all.ics")
    row = client.get("/feeds/").content.decode().split("Phone", 1)[1].split("</tr>", 1)[0]
    assert "15 Jun 2026, 11:00" in row  # 09:00 UTC in Copenhagen


def test_the_form_offers_own_customers_and_their_countries_and_kinds(client, data):
    client.force_login(data.acme.owner)
    page = client.get("/feeds/").content.decode()
    assert f'value="customer:{data.acme.pk}"' in page
    assert f'value="customer:{data.bavaria.pk}"' not in page  # not theirs
    assert 'value="country:DK"' in page and 'value="country:DE"' not in page
    assert 'type="checkbox" name="kinds" value="budget_close"' in page


@pytest.mark.parametrize(
    "post, field, message",
    [
        ({}, "feed", "This field is required."),
        ({"feed": "customer:999999"}, "feed", "Select a valid choice."),
        ({"feed": "plans-all", "kinds": ["birthday"]}, "kinds", "Select a valid choice."),
        ({"feed": "plans-all", "name": "x" * 101}, "name", "at most 100 characters"),
    ],
)
def test_a_bad_subscription_is_400_naming_the_field_and_saves_nothing(
    client, data, post, field, message
):
    client.force_login(data.acme.owner)
    response = client.post("/feeds/", post)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert FeedToken.objects.count() == 1  # the data's older address


def test_subscribe_page_needs_a_login(client, db):
    response = client.get("/feeds/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_feed_url_command_adds_a_working_address_and_leaves_the_older_ones(client, data):
    out, err = io.StringIO(), io.StringIO()
    call_command("feed_url", "sam", "--customer", str(data.acme.pk), stdout=out, stderr=err)
    url = out.getvalue().strip()
    assert url.startswith(f"{fs.SITE_URL}/feeds/") and url.endswith(
        f"/customers/{data.acme.pk}.ics"
    )
    assert "keep working" in err.getvalue()
    assert client.get(url.removeprefix(fs.SITE_URL)).status_code == 200
    assert client.get(fs.feed_paths(data)["customer"]).status_code == 200
    call_command("feed_url", "sam", "--country", "de", "--kinds", "public_holiday", stdout=out)
    country = out.getvalue().strip().splitlines()[-1]
    assert country.endswith("/countries/DE.ics")
    assert b"Budget" not in client.get(country.removeprefix(fs.SITE_URL)).getvalue()
    call_command("feed_url", "sam", stdout=out, stderr=err)
    assert out.getvalue().strip().endswith("/my-customers.ics")
    assert client.get(url.removeprefix(fs.SITE_URL)).status_code == 200
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 4


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["ghost"], "No user named 'ghost'"),
        (["sam", "--customer", "999999"], "--customer"),
        (["sam", "--country", "XX"], "--country"),
        (["sam", "--kinds", "birthday"], "--kinds: Unknown kinds: birthday"),
    ],
)
def test_feed_url_command_errors_name_the_problem(data, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("feed_url", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_customer_and_country_pages_link_to_their_feed_chosen_first(client, data):
    client.force_login(data.acme.owner)
    page_url = f"/feeds/?customer={data.bavaria.pk}"
    form = client.get(page_url).context["form"]
    assert form["feed"].value() == f"customer:{data.bavaria.pk}"  # any customer they may see
    assert form.fields["feed"].choices[0][0] == "This customer"
    response = client.post(page_url, {"feed": f"customer:{data.bavaria.pk}"})
    assert response["Location"] == page_url
    assert f"/customers/{data.bavaria.pk}.ics" in client.get(page_url).content.decode()
    form = client.get("/feeds/?country=de").context["form"]
    assert form["feed"].value() == "country:DE"
    assert form.fields["feed"].choices[0] == ("This country", [("country:DE", "Germany")])


@pytest.mark.parametrize(
    "query, message",
    [
        ("customer=abc", "The customer parameter names no customer: “abc”."),
        ("customer=999999", "The customer parameter names no customer: “999999”."),
        ("country=XX", "The country parameter:"),
    ],
)
def test_a_bad_customer_or_country_parameter_is_named(client, data, query, message):
    client.force_login(data.acme.owner)
    response = client.get(f"/feeds/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_user_without_access_is_not_shown_customer_names(client, data, nobody):
    client.force_login(nobody)
    client.post(f"/feeds/?customer={data.acme.pk}", {"feed": f"customer:{data.acme.pk}"})
    assert "Acme" not in client.get(f"/feeds/?customer={data.acme.pk}").content.decode()


def test_the_customer_page_links_to_its_feed_on_the_subscribe_page(sales_client, data):
    page = sales_client.get(f"/customers/{data.acme.pk}").content.decode()
    assert f'href="/feeds/?customer={data.acme.pk}"' in page
    assert f"/feeds/SECRET/customers/{data.acme.pk}.ics" in page


def test_a_feed_is_served_when_the_cache_is_unreachable(client, data, settings, caplog):
    """Web requests succeed without Redis; the cache only saves work."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get(fs.feed_paths(data)["all-customers"])
    assert response.status_code == 200
    assert response.getvalue().startswith(b"BEGIN:VCALENDAR")
    assert "Cache unreachable" in caplog.text


def test_the_subscribe_page_which_shows_a_secret_is_never_stored(sales_client):
    response = sales_client.post("/feeds/", {"feed": "plans-mine"}, follow=True)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_subscribe_page_costs_the_same_queries_for_more_feeds_and_customers(
    client, data, sales_manager, count, django_assert_max_num_queries
):
    client.force_login(sales_manager)
    for number in range(count):
        customer = factories.customer(f"Customer {number}", "SE", owner=sales_manager)
        subscriptions.subscription_add(user=sales_manager, feed="customer", customer=customer)
        subscriptions.subscription_add(user=sales_manager, feed="country", country="SE")
    # The same few queries for 2 or 20 feeds and customers: the page loads them whole.
    with django_assert_max_num_queries(7):
        page = client.get(f"/feeds/?customer={data.bavaria.pk}").content.decode()
    assert page.count(">Revoke</button>") == 2 * count + 1


def test_the_requested_customer_or_country_is_offered_once_at_the_top(client, data):
    client.force_login(data.acme.owner)
    groups = client.get(f"/feeds/?customer={data.acme.pk}").context["form"].fields["feed"].choices
    values = [value for _, options in groups for value, _ in options]
    assert groups[0] == ("This customer", [(f"customer:{data.acme.pk}", "Acme A/S")])
    assert values.count(f"customer:{data.acme.pk}") == 1
    groups = client.get("/feeds/?country=DK").context["form"].fields["feed"].choices
    values = [value for _, options in groups for value, _ in options]
    assert groups[0][0] == "This country"
    assert values.count("country:DK") == 1
