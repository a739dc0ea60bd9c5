"""Structured logs: one JSON object a line, every line of a request with the id sent back."""

import io
import json
import logging
import os
import subprocess
import sys
import threading

import psycopg
import pytest
from django.db import OperationalError

from calendarapp.lib import logs
from calendarapp.timeline import views as timeline_views


@pytest.fixture
def log_output():
    """What the site's configured log handler writes during the test, as text."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(found, logs.RequestIdFilter) for found in handler.filters)
    )
    buffer = io.StringIO()
    # Only this test's thread: a thread an earlier test left running may log meanwhile.
    this_thread = threading.get_ident()

    def only_this_thread(record: logging.LogRecord) -> bool:
        return record.thread == this_thread

    handler.addFilter(only_this_thread)
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)
    handler.removeFilter(only_this_thread)


def json_lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_request_logs_one_json_line_with_method_path_status_duration_and_the_id_sent_back(
    client, db, log_output
):
    response = client.get("/healthz")
    [line] = json_lines(log_output)
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32  # a new random id: the caller sent none
    assert line["logger"] == "calendarapp.request"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0
    assert line["message"].startswith("GET /healthz 200 in ")
    assert line["time"].endswith("+00:00")


def test_every_line_a_request_causes_carries_its_id(client, sales_manager, log_output, monkeypatch):
    def database_down(*args, **kwargs):
        cause = psycopg.errors.ConnectionFailure("connection timeout expired")
        raise OperationalError("connection timeout expired") from cause

    client.raise_request_exception = False
    client.force_login(sales_manager)
    monkeypatch.setattr(timeline_views, "build_timeline", database_down)
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response.status_code == 503
    lines = json_lines(log_output)
    # The outage (logged by the 503 handler), Django's own error line, and the request line.
    assert {line["logger"] for line in lines} >= {
        "calendarapp.health.views",
        "django.request",
        "calendarapp.request",
    }
    assert {line["request_id"] for line in lines} == {"lb-7f3a.42"}
    assert response["X-Request-ID"] == "lb-7f3a.42"
    assert any("connection timeout expired" in line.get("exception", "") for line in lines)


@pytest.mark.parametrize("header", ["two words", "x" * 129, 'quote"and\nnewline', "ünicode", ""])
def test_a_request_id_that_is_not_short_and_plain_is_replaced(client, db, log_output, header):
    response = client.get("/healthz", headers={"X-Request-ID": header})
    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32
    assert json_lines(log_output)[0]["request_id"] == response["X-Request-ID"]


def test_two_requests_get_different_ids_and_lines_outside_a_request_have_none(
    client, db, log_output
):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    logging.getLogger("calendarapp.tasks").warning("between requests")
    assert first != second
    assert [line["request_id"] for line in json_lines(log_output)] == [first, second, "-"]


def test_text_format_puts_the_request_id_in_each_line():
    record = logging.LogRecord("calendarapp.x", logging.INFO, __file__, 1, "hello", None, None)
    token = logs.request_id.set("abc-123")
    try:
        logs.RequestIdFilter().filter(record)
    finally:
        logs.request_id.reset(token)
    assert logs.formatter(logs.TEXT).format(record).endswith("INFO calendarapp.x [abc-123] hello")


LOG_FORMAT = "import calendarapp.settings as s; print(s.LOG_FORMAT)"


def settings_log_format(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "LOG_FORMAT")}
    return subprocess.run(
        [sys.executable, "-c", LOG_FORMAT],
        env={**environment, "SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
    )


def test_logs_are_json_in_production_and_text_with_debug_unless_log_format_says():
    assert settings_log_format(DEBUG="0").stdout.strip() == "json"
    assert settings_log_format(DEBUG="1").stdout.strip() == "text"
    assert settings_log_format(DEBUG="1", LOG_FORMAT="json").stdout.strip() == "json"


def test_an_unknown_log_format_stops_start_up_naming_the_variable():
    result = settings_log_format(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text, not 'xml'" in result.stderr
