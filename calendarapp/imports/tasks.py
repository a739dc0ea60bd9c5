"""The background spreadsheet work: a large file is previewed, or checked and written, by a worker.

Registered with the worker by `calendarapp.tasks`; it takes a token (the file
waits in the cache) and records its progress there for the Import page.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from calendarapp.imports import spreadsheet


# Not retried: the import is all or nothing and its outcome is reported on the page.
@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def import_spreadsheet(token: str) -> None:
    spreadsheet.job_run(token)


# A preview only reads: it may take at most this long before the page says so.
PREVIEW_SOFT_LIMIT_SECONDS = 120


@shared_task(acks_late=True, soft_time_limit=PREVIEW_SOFT_LIMIT_SECONDS, time_limit=150)
def preview_spreadsheet(token: str) -> None:
    try:
        spreadsheet.job_preview(token)
    except SoftTimeLimitExceeded:
        spreadsheet.job_failed(
            token,
            f"The preview took longer than {PREVIEW_SOFT_LIMIT_SECONDS // 60} minutes and was "
            "stopped; split the file into smaller ones and preview each.",
        )
