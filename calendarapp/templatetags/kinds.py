"""`{% kind_styles %}`: the kinds' colours as CSS, from the one table of kinds."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from calendarapp.kinds import kind_css

register = template.Library()


@register.simple_tag
def kind_styles() -> SafeString:
    # Values and colours are our own constants, never user input.
    return mark_safe(f"<style>{kind_css()}</style>")  # noqa: S308
