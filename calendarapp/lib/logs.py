"""Structured logs: one JSON object a line (or plain text in development), with the request id.

The request id lives in a context variable that `RequestIdMiddleware`
(calendarapp/lib/middleware.py) sets for the length of a request;
`RequestIdFilter` copies it onto every record, so every line a request
causes, from any logger, carries it. Settings build `LOGGING` with
`logging_config`; the gunicorn config (calendarapp/gunicorn.conf.py) uses the
same formatters for gunicorn's own lines. Nothing here imports Django, so the
gunicorn master can load it before any app.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid
from typing import Any

JSON, TEXT = "json", "text"
FORMATS = (JSON, TEXT)

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# A caller's id is kept when it is short and plain (a proxy's or load balancer's id); anything
# else could forge log lines or bloat them, so it is replaced by a new one.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# The request fields a line may carry (set with `extra=`), in the order they are written.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID if sane, else a new random id."""
    if header and SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Put the current request's id (or "-" outside a request) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        # default=str: a stray non-JSON argument must never cost the line.
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == JSON else logging.Formatter(TEXT_FORMAT)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: everything through the root logger to stdout, in `log_format`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            JSON: {"()": JsonFormatter},
            TEXT: {"format": TEXT_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own console handler would print its records a second time, in its format.
        "loggers": {"django": {"handlers": [], "level": level, "propagate": True}},
    }
