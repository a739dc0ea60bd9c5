"""Gunicorn settings for the web processes: `gunicorn -c calendarapp/gunicorn.conf.py`.

Read from the environment, with defaults for a 2-4 core machine:
GUNICORN_BIND (`0.0.0.0:8000`), GUNICORN_WORKERS (4), GUNICORN_TIMEOUT (30 s a
request may take before its worker is replaced), GUNICORN_GRACEFUL_TIMEOUT (30 s
to finish requests on a restart), GUNICORN_KEEPALIVE (5 s) and GUNICORN_ACCESS_LOG
(off: the app logs one line per request with its id; `-` adds gunicorn's access
log on stdout). Gunicorn's own lines and its access log use the site's format
(LOG_FORMAT, LOG_LEVEL), so every line on stdout is one JSON object in production.
"""

import logging
import os
import sys
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
