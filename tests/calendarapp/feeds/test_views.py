"""Who gets a feed, how clients revalidate it, the Subscribe page and `feed_url`."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from calendarapp.feeds import feeds, ical
from calendarapp.models import FeedToken
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


def test_a_regenerated_token_revokes_the_old_one_with_410(client, data, sales_manager):
    path = fs.feed_paths(data)["my-customers"]
    new_token = FeedToken.regenerate(sales_manager)
    assert_plain(client.get(path), 410, "subscribe again")
    assert client.get(path.replace(data.token, new_token)).status_code == 200


def test_a_deactivated_users_feeds_are_gone(client, data, sales_manager):
    sales_manager.is_active = False
    sales_manager.save()
    assert_plain(client.get(fs.feed_paths(data)["all-customers"]), 410)


def test_a_user_without_access_gets_no_feed(client, data, nobody):
    token = FeedToken.regenerate(nobody)
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
    path = fs.feed_paths(data)["all-customers"]
    cold = client.get(path)
    parts = list(cold.streaming_content)
    assert len(parts) > 3
    assert "Content-Length" not in cold  # not known before it is all written
    warm = client.get(path)
    assert warm["Content-Length"] == str(len(b"".join(parts)))
    assert list(warm.streaming_content) == parts
    version = feeds.FEEDS["all-customers"].version(None, sales_manager, None)
    assert cache.delete(f"{version.cache_key}:1")  # a cache evicts the second part
    again = client.get(path)
    assert "Content-Length" not in again  # rebuilt, not sent with a hole
    assert again.getvalue() == b"".join(parts)


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


def test_subscribe_page_shows_new_addresses_once(client, sales_manager, settings):
    settings.SITE_URL = fs.SITE_URL
    client.force_login(sales_manager)
    page = client.get("/feeds/").content.decode()
    assert "Create my feed addresses" in page
    assert "/feeds/YOUR-FEED-TOKEN" not in page
    response = client.post("/feeds/")
    assert response.status_code == 302
    page = client.get("/feeds/").content.decode()
    token = FeedToken.objects.get(user=sales_manager)
    assert f"{fs.SITE_URL}/feeds/" in page
    assert f"webcal://{fs.HOST}/feeds/" in page
    url = page.split(f"{fs.SITE_URL}/feeds/", 1)[1].split('"', 1)[0]
    plain = url.split("/", 1)[0]
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert len(plain) >= 22  # at least 128 bits in URL-safe base64
    again = client.get("/feeds/").content.decode()
    assert plain not in again
    assert "cannot be shown again" in again


def test_subscribe_page_lists_each_own_customer_and_their_countries(client, settings, data):
    client.force_login(data.acme.owner)
    client.post("/feeds/")
    page = client.get("/feeds/").content.decode()
    assert f"/customers/{data.acme.pk}.ics" in page
    assert f"/customers/{data.bavaria.pk}.ics" not in page  # not theirs
    assert "/countries/DK.ics" in page
    assert "Copy" in page


def test_regenerating_on_the_page_revokes_the_old_addresses(client, data):
    client.force_login(data.acme.owner)
    client.post("/feeds/")
    assert client.get(fs.feed_paths(data)["customer"]).status_code == 410


def test_subscribe_page_needs_a_login(client, db):
    response = client.get("/feeds/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_feed_url_command_prints_a_working_https_address(client, data, settings):
    out, err = io.StringIO(), io.StringIO()
    call_command("feed_url", "sam", "--customer", str(data.acme.pk), stdout=out, stderr=err)
    url = out.getvalue().strip()
    assert url.startswith(f"{fs.SITE_URL}/feeds/") and url.endswith(
        f"/customers/{data.acme.pk}.ics"
    )
    assert "stop working" in err.getvalue()
    assert client.get(url.removeprefix(fs.SITE_URL)).status_code == 200
    assert client.get(fs.feed_paths(data)["customer"]).status_code == 410
    call_command("feed_url", "sam", "--country", "de", stdout=out, stderr=err)
    assert out.getvalue().strip().endswith("/countries/DE.ics")
    call_command("feed_url", "sam", stdout=out, stderr=err)
    assert out.getvalue().strip().endswith("/my-customers.ics")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["ghost"], "No user named 'ghost'"),
        (["sam", "--customer", "999999"], "--customer"),
        (["sam", "--country", "XX"], "--country"),
    ],
)
def test_feed_url_command_errors_name_the_problem(data, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("feed_url", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_customer_and_country_pages_link_to_their_feed_first(client, data):
    client.force_login(data.acme.owner)
    page_url = f"/feeds/?customer={data.bavaria.pk}"
    response = client.post(page_url)
    assert response["Location"] == page_url
    page = client.get(page_url).content.decode()
    assert page.index("This customer") < page.index("Your feeds")
    assert f"/customers/{data.bavaria.pk}.ics" in page  # any customer the user may see
    client.post("/feeds/?country=de")
    page = client.get("/feeds/?country=de").content.decode()
    assert "This country" in page and "/countries/DE.ics" in page


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
    client.post(f"/feeds/?customer={data.acme.pk}")
    assert "Acme" not in client.get(f"/feeds/?customer={data.acme.pk}").content.decode()


def test_the_customer_page_links_to_its_feed_on_the_subscribe_page(sales_client, data):
    page = sales_client.get(f"/customers/{data.acme.pk}").content.decode()
    assert f'href="/feeds/?customer={data.acme.pk}"' in page
    assert f"/feeds/YOUR-FEED-TOKEN/customers/{data.acme.pk}.ics" in page


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
    response = sales_client.post("/feeds/", follow=True)
    assert "no-store" in response["Cache-Control"]
