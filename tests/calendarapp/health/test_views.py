"""/healthz for load balancers, and a database outage answering 503 in each client's format."""

import threading

import psycopg
import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from calendarapp.health import database, views
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

    def close(self):
        pass


@pytest.mark.django_db
def test_healthz_gives_up_on_a_database_that_never_answers_and_says_so(
    client, monkeypatch, settings
):
    # A server frozen with its connections open acknowledges TCP and never answers.
    released = threading.Event()

    def frozen():
        released.wait(10)
        return "ok"

    monkeypatch.setattr(views, "_select_one", frozen)
    settings.HEALTHZ_TIMEOUT_SECONDS = 0.05
    try:
        response = client.get("/healthz")
    finally:
        released.set()
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable: no answer within 0.05 s"
    assert response.json()["cache"] == "ok"


def database_down(*args, **kwargs):
    """As psycopg reports a connection lost mid-request (SQLSTATE 08006)."""
    raise OperationalError("server closed the connection unexpectedly") from (
        psycopg.errors.ConnectionFailure("server closed the connection unexpectedly")
    )


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
    assert response.json() == {"errors": {"detail": [database.UNAVAILABLE]}}


def test_a_feed_answers_503_in_plain_text(outage_client, monkeypatch):
    monkeypatch.setattr("calendarapp.feeds.subscriptions.subscription_for_token", database_down)
    response = outage_client.get("/feeds/some-token/all-customers.ics")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert database.UNAVAILABLE in response.content.decode()


def test_other_errors_still_answer_the_500_page(outage_client, sales_manager, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", bug)
    assert outage_client.get("/").status_code == 500


def test_a_database_error_on_a_working_connection_is_a_500_not_an_outage(
    outage_client, sales_manager, monkeypatch, caplog
):
    """SQLite's "too many SQL variables" is a bug in the query: answered and logged as one."""

    def too_many(*args, **kwargs):
        raise OperationalError("too many SQL variables")

    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", too_many)
    monkeypatch.setattr("calendarapp.api.views.calendar_between", too_many)
    assert outage_client.get("/").status_code == 500
    assert outage_client.get("/api/occurrences").status_code == 500
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert len(logged) == 2
    assert database.DATABASE.available(), "the next requests still ask the database"


@pytest.mark.parametrize(
    ("error", "answer"),
    [
        (psycopg.errors.DeadlockDetected("deadlock detected"), 409),
        (psycopg.errors.SerializationFailure("could not serialize access"), 409),
        (psycopg.errors.AdminShutdown("terminating connection"), 503),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), 500),
        (psycopg.errors.UndefinedColumn("column does not exist"), 500),
    ],
)
def test_each_database_error_answers_by_what_it_is(
    outage_client, sales_manager, monkeypatch, error, answer
):
    """Two writes crossing are a 409 naming what to do, only a lost connection is a 503."""

    def failing(*args, **kwargs):
        raise OperationalError(str(error)) from error

    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", failing)
    monkeypatch.setattr("calendarapp.api.views.calendar_between", failing)
    page, api = outage_client.get("/"), outage_client.get("/api/occurrences")
    assert (page.status_code, api.status_code) == (answer, answer)
    if answer == 409:
        assert "Someone else was saving this too" in page.content.decode()
        assert api.json() == {
            "errors": {
                "detail": ["This record was changed by someone else at the same time; try again."]
            }
        }


def test_sqlite_s_busy_database_is_a_409_not_an_outage(outage_client, sales_manager, monkeypatch):
    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", busy)
    assert outage_client.get("/").status_code == 409


class Unconnected:
    """The connection as a failed connect leaves it: no connection made."""

    connection = None


@pytest.fixture
def connect_fails(monkeypatch):
    """Every view raises as a database that cannot be reached does; counts the calls."""
    calls = []

    def down(*args, **kwargs):
        calls.append(1)
        raise OperationalError("connection timeout expired")

    monkeypatch.setattr(database, "connection", Unconnected())
    monkeypatch.setattr(timeline_views, "build_timeline", down)
    monkeypatch.setattr("calendarapp.api.views.calendar_between", down)
    return calls


def test_after_a_failed_connect_the_site_answers_503_at_once_in_each_format(
    outage_client, sales_manager, connect_fails, django_assert_num_queries
):
    outage_client.force_login(sales_manager)
    assert outage_client.get("/").status_code == 503
    with django_assert_num_queries(0):
        page = outage_client.get("/")
        api = outage_client.get("/api/occurrences")
        feed = outage_client.get("/feeds/some-token/all-customers.ics")
        health = Client().get("/healthz")  # a load balancer's, with no session
    assert connect_fails == [1], "only the first request waited on the database"
    assert (page.status_code, page["Retry-After"]) == (503, "30")
    assert "Back in a minute" in page.content.decode()
    assert api.json() == {"errors": {"detail": [database.UNAVAILABLE]}}
    assert feed["Content-Type"].startswith("text/plain")
    assert health.status_code == 503
    assert health.json()["database"].startswith("unavailable")


def test_after_the_retry_time_requests_ask_the_database_again(
    outage_client, sales_manager, connect_fails, settings
):
    settings.DATABASE_RETRY_SECONDS = 0
    outage_client.force_login(sales_manager)
    assert outage_client.get("/").status_code == 503
    assert outage_client.get("/").status_code == 503
    assert connect_fails == [1, 1]


def test_an_outage_is_logged_once_a_minute_without_a_traceback_per_request(
    outage_client, sales_manager, connect_fails, settings, caplog
):
    settings.DATABASE_RETRY_SECONDS = 0  # every request tries, and fails, again
    outage_client.force_login(sales_manager)
    for _ in range(3):
        assert outage_client.get("/").status_code == 503
    warnings = [r for r in caplog.records if "Database unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert not [r for r in caplog.records if r.name == "django.request" and r.exc_info]


def test_a_failing_statement_on_a_working_connection_does_not_close_the_site(
    outage_client, sales_manager, monkeypatch
):
    outage_client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", database_down)
    assert outage_client.get("/").status_code == 503
    monkeypatch.undo()
    outage_client.force_login(sales_manager)
    assert outage_client.get("/").status_code == 200
