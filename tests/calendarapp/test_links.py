"""`{% url_for_id %}` links as `{% url %}` does (calendarapp/templatetags/links.py)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix


def render(text: str, **context) -> str:
    return Template("{% load links %}" + text).render(Context(context))


@pytest.mark.parametrize("name", ["touchpoint-edit", "tradition-edit", "customer-facts"])
@pytest.mark.parametrize("pk", [1, 42, 987654321])
def test_a_link_to_a_record_is_the_path_the_url_tag_gives(name, pk):
    assert render(f"{{% url_for_id '{name}' pk %}}", pk=pk) == reverse(name, args=[pk])
    assert render(f"{{% url '{name}' pk %}}", pk=pk) == reverse(name, args=[pk])


def test_a_link_follows_the_prefix_the_site_is_served_under():
    assert render("{% url_for_id 'touchpoint-edit' 5 %}") == "/touches/5"
    set_script_prefix("/calendar/")
    try:
        assert render("{% url_for_id 'touchpoint-edit' 5 %}") == "/calendar/touches/5"
    finally:
        set_script_prefix("/")
