"""Settings for Customer Calendar, read from the environment.

Every setting a deployment may change is read here through the small strict
helpers below, which fail loudly on a bad value instead of guessing.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from calendarapp.lib import email_domains, envfile, logs

BASE_DIR = Path(__file__).resolve().parent.parent

# A development `.env` of NAME=value lines (written by `make run`, git-ignored), read before
# anything below; the environment wins over it. ENV_FILE names another file, empty for none.
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    try:
        envfile.load_env_file(Path(ENV_FILE))
    except envfile.EnvFileError as error:
        raise ImproperlyConfigured(str(error)) from None


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from `name`, or from the file `name`_FILE names (Docker and systemd secrets)."""
    value, path = env_str(name), env_str(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if not path:
        return value
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        message = f"{name}_FILE names {path}, which cannot be read: {error}"
        raise ImproperlyConfigured(message) from None


def env_days(name: str, default: str) -> dict[str, int]:
    """`name=days` pairs, comma-separated, e.g. `event=28,webinar=14`."""
    found = {}
    for item in env_list(name, default):
        key, _, days = item.partition("=")
        if not (key.strip() and days.strip().isdigit()):
            raise ImproperlyConfigured(f"{name} must be name=days pairs, not {item!r}")
        found[key.strip()] = int(days)
    return found


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"
# Keys that encrypt the calendar addresses and passwords the sales managers connect
# (calendarapp/lib/secrets.py), comma-separated: the first encrypts, every one decrypts, so a
# new key goes first and an old one may leave once every stored secret is saved again.
# Only in debug mode does it fall back to SECRET_KEY (the tests set their own).
CALENDAR_SECRETS_KEY = [key.strip() for key in env_secret("CALENDAR_SECRETS_KEY").split(",")]
CALENDAR_SECRETS_KEY = [key for key in CALENDAR_SECRETS_KEY if key]
if not CALENDAR_SECRETS_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CALENDAR_SECRETS_KEY (or CALENDAR_SECRETS_KEY_FILE) must be set when DEBUG is off: "
            "it encrypts the calendar addresses and passwords people connect"
        )
    CALENDAR_SECRETS_KEY = [SECRET_KEY]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public base URL, used in feed links and reminder emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# HTTPS=1 turns on everything an HTTPS deployment needs; each can also be set alone,
# under Django's own name. Behind a TLS-terminating proxy, it must set X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
if env_bool("SECURE_PROXY_SSL_HEADER", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off unless set: the headers' values as they should be sent (README suggests them).
CONTENT_SECURITY_POLICY = env_str("CONTENT_SECURITY_POLICY")
PERMISSIONS_POLICY = env_str("PERMISSIONS_POLICY")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "recurrence",
    "customers",
    "traditions",
    "calendarapp",
    "axes",
]

MIDDLEWARE = [
    # First: the request id is on every log line, the request's own line times everything.
    "calendarapp.lib.middleware.RequestIdMiddleware",
    # Right after a failed connect, answer 503 before anything waits on the database.
    "calendarapp.health.database.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "calendarapp.lib.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login; feeds and the API opt out and authenticate themselves.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "calendarapp.lib.middleware.PolicyHeadersMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the login page saying so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "calendarapp.urls"
WSGI_APPLICATION = "calendarapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
# A database that accepts connections but never answers must not hold a worker for
# its whole timeout: connecting and each statement are bounded (PostgreSQL only).
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 3)
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30_000)
# After a failed connect, each process answers 503 at once this long before trying again.
DATABASE_RETRY_SECONDS = env_float("DATABASE_RETRY_SECONDS", 5)
# /healthz waits this long for the database's SELECT 1: a server frozen with its connections
# open still acknowledges TCP, so nothing else would bound the wait.
HEALTHZ_TIMEOUT_SECONDS = env_float("HEALTHZ_TIMEOUT_SECONDS", 2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DATABASE_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# The throttle comes first, so a locked-out login is refused before its password is hashed.
AUTHENTICATION_BACKENDS = [
    "calendarapp.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are throttled per account and per address (django-axes): this many failures
# within the cool-off lock the account, and the address, for the cool-off after the last one.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be at least 1")
# Proxies in front that append the client's address to X-Forwarded-For (the TLS proxy that
# HTTPS=1 expects); without them every login would come from the proxy's one address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if HTTPS else 0)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the request log already
AXES_VERBOSE = False  # no banner on every manage.py command (scripts read their output)
AXES_CLIENT_IP_CALLABLE = "calendarapp.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "calendarapp.accounts.throttle.locked_out"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Redis is optional: without it caching is in-process and Celery tasks run eagerly.
REDIS_URL = env_str("REDIS_URL")
# A Redis that accepts connections but never answers costs each call at most this long,
# and after a failure the cache is skipped for CACHE_RETRY_SECONDS (calendarapp/lib/cache.py).
REDIS_TIMEOUT_SECONDS = env_float("REDIS_TIMEOUT_SECONDS", 0.5)
CACHE_RETRY_SECONDS = env_float("CACHE_RETRY_SECONDS", 30)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TIMEZONE = TIME_ZONE
# When Redis is down, queueing a task gives up within a few seconds (the caller logs it)
# instead of hanging a web request; the next beat run catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Connecting is bounded; reads are not, since a worker waits on the queue with blocking reads.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# With late acknowledgement a worker reserves one task at a time, so a crash loses nothing.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers and beat log through LOGGING (JSON lines with LOG_FORMAT=json), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The hour (team time zone) at which account owners get their daily reminder.
REMINDER_HOUR = env_int("REMINDER_HOUR", 7)
if not 0 <= REMINDER_HOUR <= 23:
    raise ImproperlyConfigured(f"REMINDER_HOUR must be an hour from 0 to 23, not {REMINDER_HOUR}")
# Every user's calendar connections are synced this often, over this window around now.
CALENDAR_SYNC_MINUTES = env_int("CALENDAR_SYNC_MINUTES", 30)
if not 1 <= CALENDAR_SYNC_MINUTES <= 24 * 60:
    raise ImproperlyConfigured(
        f"CALENDAR_SYNC_MINUTES must be from 1 to 1440 minutes, not {CALENDAR_SYNC_MINUTES}"
    )
CALENDAR_SYNC_PAST_DAYS = env_int("CALENDAR_SYNC_PAST_DAYS", 90)
CALENDAR_SYNC_FUTURE_DAYS = env_int("CALENDAR_SYNC_FUTURE_DAYS", 90)
for _name, _days in (
    ("CALENDAR_SYNC_PAST_DAYS", CALENDAR_SYNC_PAST_DAYS),
    ("CALENDAR_SYNC_FUTURE_DAYS", CALENDAR_SYNC_FUTURE_DAYS),
):
    if not 0 <= _days <= 3 * 366:
        raise ImproperlyConfigured(f"{_name} must be from 0 to 1098 days, not {_days}")
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "calendarapp.tasks.send_daily_reminders",
        "schedule": crontab(hour=REMINDER_HOUR, minute=0),
    },
    "refresh-ics-sources": {
        "task": "calendarapp.tasks.refresh_ics_sources",
        "schedule": crontab(hour="*/6", minute=20),
    },
    "warm-holiday-cache": {
        "task": "calendarapp.tasks.warm_holiday_cache",
        "schedule": crontab(hour=3, minute=40),
    },
    "purge-once-keys": {
        "task": "calendarapp.tasks.purge_once_keys",
        "schedule": crontab(hour=4, minute=10),
    },
    "prune-change-log": {
        "task": "calendarapp.tasks.prune_change_log",
        "schedule": crontab(hour=3, minute=50),
    },
    "sync-calendar-connections": {
        "task": "calendarapp.tasks.connections_sync_all",
        "schedule": datetime.timedelta(minutes=CALENDAR_SYNC_MINUTES),
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Customer Calendar <calendar@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "calendarapp.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["calendarapp.api.permissions.CalendarPermission"],
    "DEFAULT_SCHEMA_CLASS": "calendarapp.api.schema.CalendarAutoSchema",
    "EXCEPTION_HANDLER": "calendarapp.api.errors.exception_handler",
    # Every list a page of `{"count", "next", "previous", "results"}` (api/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "calendarapp.api.pagination.PagePagination",
    # JSON only (refusing a body nested too deep for the parser's stack): form encodings cannot
    # carry the nested lists and nulls the serializers take, so the schema offers JSON alone.
    # The .ics import takes its file as multipart (api/ics_sources.py).
    "DEFAULT_PARSER_CLASSES": ["calendarapp.api.parsers.DepthSafeJSONParser"],
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Customer Calendar API",
    "DESCRIPTION": "Customers, traditions, plans, occurrences and the conflict check.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response shapes: what a client sends (no read-only fields, no blank
    # text where it is refused) is not what it reads back.
    "COMPONENT_SPLIT_REQUEST": True,
    # Plans, traditions, occurrences and .ics sources each have a `kind` with their own choices.
    "ENUM_NAME_OVERRIDES": {
        "PlanKindEnum": "calendarapp.models.PlanKind",
        "TraditionKindEnum": "traditions.models.TraditionKind",
        "ImportKindEnum": "calendarapp.models.ImportKind",
        "ConnectionStatusEnum": "calendarapp.models.ConnectionStatus",
        # Every country field and list takes the same codes (api/schema.py).
        "CountryEnum": "calendarapp.lib.countries.country_codes",
    },
}

# The most customer ids one plan, check or search may name (whole countries reach more).
MAX_AUDIENCE_CUSTOMERS = env_int("MAX_AUDIENCE_CUSTOMERS", 5000)

# How early, in days, a sales manager should act before a customer's budget closes.
BUDGET_CLOSE_LEAD_DAYS = env_int("BUDGET_CLOSE_LEAD_DAYS", 60)
# Days between touches with a customer unless the customer says otherwise (7-365).
CONTACT_EVERY_DAYS = env_int("CONTACT_EVERY_DAYS", 30)
if not 7 <= CONTACT_EVERY_DAYS <= 365:
    raise ImproperlyConfigured(
        f"CONTACT_EVERY_DAYS must be between 7 and 365 days, not {CONTACT_EVERY_DAYS}"
    )

# An interest not confirmed for this many days is stale: the audience no longer counts it.
INTEREST_STALE_DAYS = env_int("INTEREST_STALE_DAYS", 180)
if INTEREST_STALE_DAYS < 1:
    raise ImproperlyConfigured(f"INTEREST_STALE_DAYS must be 1 or more, not {INTEREST_STALE_DAYS}")
# A customer's strategy season, in weeks before its budget close (each customer may differ).
STRATEGY_WEEKS_BEFORE_START = env_int("STRATEGY_WEEKS_BEFORE_START", 10)
STRATEGY_WEEKS_BEFORE_END = env_int("STRATEGY_WEEKS_BEFORE_END", 4)
if not 0 <= STRATEGY_WEEKS_BEFORE_END < STRATEGY_WEEKS_BEFORE_START <= 52:
    raise ImproperlyConfigured(
        "STRATEGY_WEEKS_BEFORE_START and STRATEGY_WEEKS_BEFORE_END must satisfy"
        f" 0 <= end < start <= 52, not {STRATEGY_WEEKS_BEFORE_START} and"
        f" {STRATEGY_WEEKS_BEFORE_END}"
    )

# The date finder never offers a start before today plus this many days, per plan kind.
PLAN_MIN_LEAD_DAYS = env_days(
    "PLAN_MIN_LEAD_DAYS", "campaign=0,event=28,trade_fair=28,webinar=14,meeting=2,visit=2"
)
# With no search range given, the finder looks this many weeks either side of the plan's start.
SUGGEST_AROUND_WEEKS = env_int("SUGGEST_AROUND_WEEKS", 6)

# iCal feeds cover this many days back and ahead of today.
FEED_PAST_DAYS = env_int("FEED_PAST_DAYS", 365)
FEED_FUTURE_DAYS = env_int("FEED_FUTURE_DAYS", 2 * 365)
# Each process remembers the calendars it built until the data changes, up to this many
# occurrences in all (about 250 bytes each: 1,000,000 is about 250 MB; 0 turns it off).
CALENDAR_CACHE_OCCURRENCES = env_int("CALENDAR_CACHE_OCCURRENCES", 1_000_000)
# .ics import: largest file or download, total download time, and hosts on private
# networks that may be fetched anyway (everything else private or loopback is refused).
ICS_IMPORT_MAX_BYTES = env_int("ICS_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
ICS_IMPORT_TIMEOUT_SECONDS = env_int("ICS_IMPORT_TIMEOUT_SECONDS", 10)
ICS_IMPORT_ALLOW_PRIVATE_HOSTS = env_list("ICS_IMPORT_ALLOW_PRIVATE_HOSTS")
# Our own email domains: addresses there are our people, never a customer's (a customer's
# `email_domains` may not name them); with the users' own emails, how a calendar tells our side.
OUR_EMAIL_DOMAINS = [domain.lower().rstrip(".") for domain in env_list("OUR_EMAIL_DOMAINS")]
for _domain in OUR_EMAIL_DOMAINS:
    if _problem := email_domains.domain_problem(_domain):
        raise ImproperlyConfigured(f"OUR_EMAIL_DOMAINS: {_problem}")
# Spreadsheet imports (customers, contracts, traditions, people): the largest file accepted.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)

# One JSON object a line on stdout in production, readable text while developing; every
# line of a request carries its id (calendarapp/lib/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", logs.TEXT if DEBUG else logs.JSON)
if LOG_FORMAT not in logs.FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logs.logging_config(LOG_FORMAT, LOG_LEVEL)
# django-axes logs every successful login and clean-up at INFO; failures and lockouts are WARNING.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
# During a database outage each 503 would log a traceback; the outage is logged once a minute.
LOGGING["filters"]["quiet_during_outage"] = {"()": "calendarapp.health.database.QuietDuringOutage"}
LOGGING["loggers"]["django.request"] = {"filters": ["quiet_during_outage"]}
