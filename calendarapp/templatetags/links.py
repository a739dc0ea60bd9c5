"""`{% url_for_id 'touchpoint-edit' touchpoint.pk %}`: `{% url %}` for a record's page, reversed
once a process per page name instead of once a link."""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf

from calendarapp.lib.urls import path_for_ids

register = template.Library()

# Why: a customer's page links to each touch, change, tradition, person and contract, some 70
# reverses (about 0.1 ms each); a name's path is the same for every id, so it is reversed once.
_PATHS: dict[tuple[str, str, str | None, str], Callable[[int], str]] = {}


@register.simple_tag
def url_for_id(name: str, pk: int) -> str:
    """The path `{% url name pk %}` gives, for url patterns whose one argument is an id."""
    key = (name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    path = _PATHS.get(key)
    if path is None:
        path = _PATHS[key] = path_for_ids(name)
    return path(pk)
