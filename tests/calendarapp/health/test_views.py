"""/healthz for load balancers, and a database outage answering 503 in each client's format."""

import pytest
from django.db import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from calendarapp.health import views
from calendarapp.timeline import views as timeline_views


@pytest.mark.django_db
def test_healthz_answers_ok_for_both_parts_without_a_login_or_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_names_the_cache_when_it_does_not_answer(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Timeout connecting to server")

    monkeypatch.setattr(views.cache, "set", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"].startswith("unavailable")


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(views, "connection", HungConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("unavailable")
    assert response.json()["cache"] == "ok"


class HungConnection:
    def cursor(self):
        raise OperationalError("connection timeout expired")


def database_down(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection timed out")


@pytest.fixture
def outage_client(client):
    """A client that gets the 503 responses instead of re-raising the view's error."""
    client.raise_request_exception = False
    return client


def test_a_page_answers_the_503_page_when_the_database_is_down(
    outage_client, sales_manager, monkeypatch
):
    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", database_down)
    response = outage_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a minute" in response.content.decode()


def test_the_api_answers_503_in_its_json_error_shape(outage_client, sales_manager, monkeypatch):
    outage_client.force_login(sales_manager)
    monkeypatch.setattr("calendarapp.api.views.calendar_between", database_down)
    response = outage_client.get("/api/occurrences")
    assert response.status_code == 503
    assert response.json() == {"errors": {"detail": [views.UNAVAILABLE]}}


def test_a_feed_answers_503_in_plain_text(outage_client, monkeypatch):
    monkeypatch.setattr("calendarapp.feeds.subscriptions.subscription_for_token", database_down)
    response = outage_client.get("/feeds/some-token/all-customers.ics")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert views.UNAVAILABLE in response.content.decode()


def test_other_errors_still_answer_the_500_page(outage_client, sales_manager, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", bug)
    assert outage_client.get("/").status_code == 500
