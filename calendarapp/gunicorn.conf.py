"""Gunicorn settings for the web processes: `gunicorn -c calendarapp/gunicorn.conf.py`.

Read from the environment, with defaults for a 2-4 core machine:
GUNICORN_BIND (`0.0.0.0:8000`), GUNICORN_WORKERS (4), GUNICORN_TIMEOUT (30 s a
request may take before its worker is replaced), GUNICORN_GRACEFUL_TIMEOUT (30 s
to finish requests on a restart), GUNICORN_KEEPALIVE (5 s) and GUNICORN_ACCESS_LOG
(off: the app logs one line per request with its id; `-` adds gunicorn's access
log on stdout). Gunicorn's own lines and its access log use the site's format
(LOG_FORMAT, LOG_LEVEL), so every line on stdout is one JSON object in production.

With LOADTEST_CPU_DIR set (by `make loadtest` only), each worker also appends one line per
request to `<dir>/cpu-<pid>.tsv`: the time it ended, its method, path and the worker's CPU
milliseconds (`time.process_time()`) spent on it. Unset, no hook is defined: no cost.
"""

import logging
import os
import sys
import time
from pathlib import Path

from gunicorn import glogging

# Run as `-c calendarapp/gunicorn.conf.py` from anywhere: the project root must be importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from calendarapp import settings as app_settings  # noqa: E402
from calendarapp.lib import logs  # noqa: E402

wsgi_app = "calendarapp.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]
workers = app_settings.env_int("GUNICORN_WORKERS", 4)
timeout = app_settings.env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = app_settings.env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = app_settings.env_int("GUNICORN_KEEPALIVE", 5)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = app_settings.LOG_LEVEL.lower()
# Restarts go through signals (HUP, TERM); a control socket at one fixed path would be
# shared by every gunicorn on the machine (the load test runs several).
control_socket_disable = True


class Logger(glogging.Logger):
    """Gunicorn's logger writing the site's format, its access lines with the request fields."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if type(handler) is logging.StreamHandler:
                    handler.setStream(sys.stdout)  # all lines on stdout, as the app's
                handler.setFormatter(logs.formatter(app_settings.LOG_FORMAT))
                handler.addFilter(logs.RequestIdFilter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = int(str(resp.status).split(None, 1)[0])
        duration_ms = round(request_time.total_seconds() * 1000, 1)
        headers = {name.lower(): value for name, value in resp.headers}
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "-")
        self.access_log.info(
            "%s %s %s in %s ms",
            method,
            path,
            status,
            duration_ms,
            extra={
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "request_id": headers.get("x-request-id", "-"),
            },
        )


logger_class = Logger

# The load test's CPU per request, measured in the worker around the whole request (the
# response streamed included); the sync worker serves one request at a time, so the
# process's CPU time between the two hooks is that request's.
CPU_DIR = os.environ.get("LOADTEST_CPU_DIR")
if CPU_DIR:

    def pre_request(worker, req) -> None:
        req.cpu_started = time.process_time()

    def post_request(worker, req, environ, resp) -> None:
        cpu_ms = (time.process_time() - req.cpu_started) * 1000
        line = f"{time.time():.3f}\t{req.method}\t{req.path}\t{cpu_ms:.3f}\n"
        with open(Path(CPU_DIR) / f"cpu-{os.getpid()}.tsv", "a") as figures:
            figures.write(line)
