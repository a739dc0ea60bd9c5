"""WSGI entry point: `gunicorn calendarapp.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "calendarapp.settings")
application = get_wsgi_application()
