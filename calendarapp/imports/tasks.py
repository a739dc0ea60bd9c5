"""The background spreadsheet import: a large file is checked and written by a worker.

Registered with the worker by `calendarapp.tasks`; it takes a token (the file
waits in the cache) and records its progress there for the Import page.
"""

from __future__ import annotations

from celery import shared_task

from calendarapp.imports import spreadsheet


# Not retried: the import is all or nothing and its outcome is reported on the page.
@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def import_spreadsheet(token: str) -> None:
    spreadsheet.job_run(token)
