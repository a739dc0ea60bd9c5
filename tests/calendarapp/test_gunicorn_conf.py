"""calendarapp/gunicorn.conf.py: settings from the environment, gunicorn's lines in the site's format."""

import datetime
import json
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from gunicorn.config import Config

CONFIG = Path(__file__).resolve().parents[2] / "calendarapp" / "gunicorn.conf.py"
VARIABLES = ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG")


@pytest.fixture
def environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_four_workers_on_port_8000_with_30_second_timeouts_by_default(environment):
    config = runpy.run_path(str(CONFIG))
    assert config["bind"] == ["0.0.0.0:8000"]
    assert config["workers"] == 4
    assert (config["timeout"], config["graceful_timeout"]) == (30, 30)
    assert config["accesslog"] is None


def test_the_environment_sets_bind_workers_timeout_and_the_access_log(environment):
    environment.setenv("GUNICORN_BIND", "127.0.0.1:9000")
    environment.setenv("GUNICORN_WORKERS", "2")
    environment.setenv("GUNICORN_TIMEOUT", "10")
    environment.setenv("GUNICORN_ACCESS_LOG", "-")
    config = runpy.run_path(str(CONFIG))
    assert (config["bind"], config["workers"], config["timeout"]) == (["127.0.0.1:9000"], 2, 10)
    assert config["accesslog"] == "-"


def test_a_bad_worker_count_stops_start_up_naming_the_variable(environment):
    environment.setenv("GUNICORN_WORKERS", "four")
    with pytest.raises(ImproperlyConfigured, match="GUNICORN_WORKERS"):
        runpy.run_path(str(CONFIG))


def test_the_access_log_is_one_json_line_with_the_request_fields_and_id(environment, capsys):
    config = runpy.run_path(str(CONFIG))
    settings = Config()
    settings.set("accesslog", "-")
    logger = config["Logger"](settings)
    response = SimpleNamespace(status="503 Service Unavailable", headers=[("X-Request-ID", "lb-1")])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/feeds/x/all-customers.ics"}
    logger.access(response, None, environ, datetime.timedelta(milliseconds=1234.5))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["logger"] == "gunicorn.access"
    assert line["request_id"] == "lb-1"
    assert (line["method"], line["path"], line["status"]) == (
        "GET",
        "/feeds/x/all-customers.ics",
        503,
    )
    assert line["duration_ms"] == 1234.5


def test_without_the_load_tests_folder_no_request_hook_costs_production_anything(environment):
    environment.delenv("LOADTEST_CPU_DIR", raising=False)
    config = runpy.run_path(str(CONFIG))
    assert "pre_request" not in config and "post_request" not in config


def test_with_the_load_tests_folder_each_request_appends_its_cpu_milliseconds(
    environment, tmp_path
):
    environment.setenv("LOADTEST_CPU_DIR", str(tmp_path))
    config = runpy.run_path(str(CONFIG))
    request = SimpleNamespace(method="GET", path="/today/")
    config["pre_request"](None, request)
    sum(range(200_000))  # some CPU the request spends
    config["post_request"](None, request, {}, None)
    (figures,) = tmp_path.glob("cpu-*.tsv")
    ended, method, path, cpu_ms = figures.read_text().splitlines()[0].split("\t")
    assert (method, path) == ("GET", "/today/")
    assert float(cpu_ms) > 0
    assert abs(float(ended) - datetime.datetime.now().timestamp()) < 60
