"""Settings for the test suite: the real settings, with a throwaway key and fast hashing."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("CALENDAR_SECRETS_KEY", "tests-only-not-secret-calendar-key")
# The suite never depends on a developer's .env (tests of it name their own file).
os.environ.setdefault("ENV_FILE", "")
# Under pytest-xdist each worker (gw0, gw1, …) gets a Redis database of its own, as pytest-django
# gives it a database of its own, so one worker's cache and queues never reach another's.
if (worker := os.environ.get("PYTEST_XDIST_WORKER")) and (url := os.environ.get("REDIS_URL")):
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    os.environ["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{number}"))

from calendarapp.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
