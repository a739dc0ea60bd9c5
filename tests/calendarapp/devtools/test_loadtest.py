"""`make loadtest`'s arithmetic and report: percentiles, the JSON shape, what fails it, the hung socket."""

import json
import socket
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from calendarapp.devtools import loadtest
from calendarapp.devtools.loadtest import Sample
from calendarapp.management.commands import loadtest as loadtest_command

NAMES = ["timeline", "today", "customer", "feed", "occurrences", "plans_check"]
# Each endpoint's figures, in the table's column order.
FIGURES = (
    "requests",
    "rps",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "errors",
    "cpu_ms",
    "cpu_p50_ms",
)


def test_percentiles_are_nearest_rank_over_the_sorted_times():
    times = [float(ms) for ms in range(1, 101)]  # 1..100 ms
    assert loadtest.percentile(times, 50) == 50
    assert loadtest.percentile(times, 95) == 95
    assert loadtest.percentile(times, 99) == 99
    assert loadtest.percentile(times, 100) == 100
    assert loadtest.percentile([7.0], 99) == 7
    assert loadtest.percentile([], 50) == 0


def test_a_slow_tail_shows_in_p99_and_max_but_not_in_the_median():
    samples = [Sample("timeline", 200, 10.0)] * 98 + [Sample("timeline", 200, 4000.0)] * 2
    figures = loadtest.summarise(samples, 10, frozenset({200}), ["timeline"])["timeline"]
    assert figures == {
        "requests": 100,
        "rps": 10.0,
        "p50_ms": 10.0,
        "p95_ms": 10.0,
        "p99_ms": 4000.0,
        "max_ms": 4000.0,
        "errors": 0,
        "cpu_ms": 0.0,
        "cpu_p50_ms": 0.0,
    }


def test_cpu_per_request_is_read_per_endpoint_from_the_workers_files_for_the_load_only(tmp_path):
    endpoints = [
        loadtest.Endpoint("timeline", "GET", "/"),
        loadtest.Endpoint("occurrences", "GET", "/api/occurrences?start=2026-01-01"),
        loadtest.Endpoint("plans_check", "POST", "/api/plans/check"),
    ]
    (tmp_path / "cpu-101.tsv").write_text(
        "99.0\tGET\t/\t500.0\n"  # the warm-up, before the load began: not counted
        "100.5\tGET\t/\t10.0\n"
        "101.0\tGET\t/api/occurrences\t4.0\n"
    )
    (tmp_path / "cpu-102.tsv").write_text(
        "100.7\tGET\t/\t20.0\n"
        "100.8\tGET\t/\t60.0\n"
        "100.9\tGET\t/static/css/app.css\t1.0\n"  # no endpoint's
        "101.2\tGET\t/api/plans/check\t9.0\n"  # a GET, where the endpoint POSTs
        "101.3\tGET\t/"  # torn: its worker was killed while writing it
    )
    cpu = loadtest.read_cpu(tmp_path, 100.0, endpoints)
    assert cpu == {"timeline": [10.0, 20.0, 60.0], "occurrences": [4.0], "plans_check": []}
    samples = [Sample("timeline", 200, 900.0)] * 3
    figures = loadtest.summarise(samples, 1, frozenset({200}), ["timeline"], cpu)["timeline"]
    assert (figures["cpu_ms"], figures["cpu_p50_ms"]) == (30.0, 20.0)


def test_errors_are_answers_the_run_does_not_expect_and_requests_without_an_answer():
    samples = [
        Sample("feed", 200, 5.0),
        Sample("feed", 500, 5.0),
        Sample("feed", None, 6000.0),
        Sample("feed", 503, 3000.0),
    ]
    healthy = loadtest.summarise(samples, 1, loadtest.EXPECTED[loadtest.HEALTHY], ["feed"])
    database_hung = loadtest.summarise(
        samples, 1, loadtest.EXPECTED[loadtest.DATABASE_HUNG], ["feed"]
    )
    assert healthy["feed"]["errors"] == 3
    # With the database hung a 503 is the right answer; a 500 or no answer is not.
    assert database_hung["feed"]["errors"] == 2


def test_the_report_has_one_entry_per_run_with_every_figure_per_endpoint():
    samples = [Sample(name, 200, 12.5) for name in NAMES]
    endpoints = loadtest.summarise(samples, 2, frozenset({200}), NAMES)
    result = loadtest.report([("healthy", endpoints), ("redis_hung", endpoints)])
    assert [run["name"] for run in result["runs"]] == ["healthy", "redis_hung"]
    for run in result["runs"]:
        assert list(run["endpoints"]) == NAMES
        assert all(set(figures) == set(FIGURES) for figures in run["endpoints"].values())
    assert json.loads(json.dumps(result)) == result
    # An endpoint nobody reached still has every figure, as zeros.
    assert loadtest.summarise([], 2, frozenset({200}), ["feed"])["feed"]["requests"] == 0


def test_the_load_test_fails_on_an_error_or_a_request_over_five_seconds_in_the_healthy_run_only():
    def run(name, errors=0, max_ms=100.0):
        figures = dict.fromkeys(FIGURES, 0) | {"errors": errors, "max_ms": max_ms}
        return (name, {"timeline": figures})

    assert loadtest.healthy_failures(loadtest.report([run("healthy")])) == []
    assert loadtest.healthy_failures(loadtest.report([run("healthy", errors=1)])) == [
        "healthy: timeline had 1 errors"
    ]
    slow = loadtest.healthy_failures(loadtest.report([run("healthy", max_ms=5000.1)]))
    assert slow == ["healthy: timeline took 5000.1 ms (over 5000)"]
    assert loadtest.healthy_failures(loadtest.report([run("database_hung", errors=9)])) == []


def test_the_table_prints_each_endpoint_with_its_figures():
    endpoints = loadtest.summarise([Sample("feed", 200, 12.5)], 1, frozenset({200}), ["feed"])
    header, row = loadtest.table(endpoints).splitlines()
    assert header.split() == ["endpoint", *FIGURES]
    assert row.split() == ["feed", "1", "1.0", "12.5", "12.5", "12.5", "12.5", "0", "0.0", "0.0"]


def test_the_hung_server_accepts_a_connection_on_loopback_and_never_answers():
    with loadtest.HungServer() as hung:
        with socket.create_connection((loadtest.HOST, hung.port), timeout=0.3) as client:
            client.sendall(b"PING\r\n")
            with pytest.raises(TimeoutError):
                client.recv(1)


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_loadtest_seconds_must_be_a_positive_number(monkeypatch, value):
    monkeypatch.setenv("LOADTEST_SECONDS", value)
    with pytest.raises(ValueError, match="LOADTEST_SECONDS"):
        loadtest.seconds_from_environment()


def test_loadtest_seconds_default_to_a_minute(monkeypatch):
    monkeypatch.delenv("LOADTEST_SECONDS", raising=False)
    assert loadtest.seconds_from_environment() == 60


def test_the_load_test_refuses_to_run_on_sqlite(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")  # as in a run without DATABASE_URL
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("loadtest")


@pytest.fixture
def echo_server():
    """A server on loopback that sends back what it is sent, until the test ends."""
    with socket.create_server((loadtest.HOST, 0)) as listener:
        listener.settimeout(0.2)
        stopped = threading.Event()

        def serve():
            while not stopped.is_set():
                try:
                    connection = listener.accept()[0]
                except TimeoutError:
                    continue
                with connection:
                    while data := connection.recv(1024):
                        connection.sendall(data)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        yield listener.getsockname()[1]
        stopped.set()
        thread.join(timeout=2)


def test_the_freezing_proxy_relays_then_answers_nothing_and_keeps_every_socket_open(echo_server):
    with loadtest.FreezingProxy((loadtest.HOST, echo_server)) as proxy:
        client = socket.create_connection((loadtest.HOST, proxy.port), timeout=2)
        client.sendall(b"SELECT 1")
        assert client.recv(64) == b"SELECT 1"
        proxy.freeze()
        client.settimeout(0.5)
        client.sendall(b"SELECT 2")  # acknowledged by the kernel, never answered
        with pytest.raises(TimeoutError):
            client.recv(64)
        # A new connection is accepted and held, as a frozen server's listening socket does.
        with socket.create_connection((loadtest.HOST, proxy.port), timeout=0.5) as late:
            late.sendall(b"SELECT 3")
            with pytest.raises(TimeoutError):
                late.recv(64)
        client.close()


def test_the_frozen_run_fails_when_healthz_is_not_a_503_within_its_timeout():
    def frozen(errors=0, max_ms=100.0, requests=1):
        figures = dict.fromkeys(FIGURES, 0) | {
            "errors": errors,
            "max_ms": max_ms,
            "requests": requests,
        }
        return loadtest.report([("database_frozen", {"timeline": figures, "healthz": figures})])

    assert loadtest.frozen_failures(frozen(max_ms=4900.0), 2) == []
    assert loadtest.frozen_failures(frozen(max_ms=5100.0), 2) == [
        "database_frozen: /healthz took 5100.0 ms (over 5000)"
    ]
    assert loadtest.frozen_failures(frozen(errors=1), 2) == [
        "database_frozen: /healthz did not answer 503"
    ]


def test_with_the_database_frozen_no_answer_and_a_503_are_expected_but_a_500_is_not():
    samples = [Sample("feed", None, 10000.0), Sample("feed", 503, 30.0), Sample("feed", 500, 9.0)]
    expected = loadtest.EXPECTED[loadtest.DATABASE_FROZEN]
    assert loadtest.summarise(samples, 1, expected, ["feed"])["feed"]["errors"] == 1


def test_the_frozen_runs_database_url_keeps_its_credentials_and_name_through_the_relay():
    url = "postgres://calendar:secret@db.internal:5432/calendar_loadtest?sslmode=disable"
    assert loadtest_command._through(url, 40123) == (
        "postgres://calendar:secret@127.0.0.1:40123/calendar_loadtest?sslmode=disable"
    )
