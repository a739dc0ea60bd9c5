"""The Celery app, configured from Django settings (the CELERY_* names).

Broker and result backend are the Redis at REDIS_URL. Without REDIS_URL tasks
run in-process where they are queued, so the web app needs nothing but Python;
a worker or beat started that way would wait on an in-memory broker that no
other process can reach, so they refuse to start instead.

    celery -A calendarapp worker    # runs the tasks
    celery -A calendarapp beat      # queues the scheduled ones (CELERY_BEAT_SCHEDULE); one only
"""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendarapp.settings")

app = Celery("calendarapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@celeryd_init.connect
@beat_init.connect
def require_a_shared_broker(sender=None, **kwargs) -> None:
    """Stop a worker or beat that no other process could send tasks to."""
    if app.conf.broker_url.startswith("memory://"):
        raise SystemExit(
            "REDIS_URL is not set: tasks run inside the web process, and a separate worker "
            "or beat would never see them. Set REDIS_URL to start one."
        )
