"""Today's ranked list as HTML: `{% today_items digest base_url actions action_url %}`.

Built here rather than by a template loop: a sales manager's list has a hundred items
or more, and the template's lookups and escapes per item cost more than the list itself.
The page and the morning email both show it (templates/calendarapp/_today.html).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from calendarapp.templatetags.display import day_on

register = template.Library()


@register.simple_tag(takes_context=True)
def today_items(
    context: template.Context, digest: Any, base_url: str, actions: bool, action_url: str = ""
) -> SafeString:
    """Each item with its group heading when the rank changes; with `actions`, the Done and
    Snooze buttons posting to `action_url` and an attendee suggestion's Add and Not theirs
    (the page only, never the email)."""
    csrf = CsrfTokenNode().render(context) if actions else ""
    attendee_url = escape(reverse("today-attendee")) if actions else ""
    base = escape(base_url)
    parts = []
    rank = None
    for item in digest.items:
        parts.append("\n  ")
        if item.rank != rank:
            rank = item.rank
            heading = escape(item.group_label)
            parts.append(f'<li class="today-group" aria-hidden="true">{heading}</li>')
        text = escape(item.text)
        new = ' <span class="tag new-tag">New</span>' if item.new else ""
        when = "Today" if item.day == digest.today else escape(day_on(item.day, digest.today))
        buttons = ""
        if actions:
            buttons = (
                f'<form method="post" action="{escape(action_url)}" class="item-actions">{csrf}'
                f'<input type="hidden" name="item" value="{escape(item.key)}">\n'
                f'        <button type="submit" name="action" value="done" '
                f'aria-label="Done: {text}">Done</button>\n'
                f'        <button type="submit" name="action" value="snooze-day" '
                f'aria-label="Snooze a day: {text}">+1 day</button>\n'
                f'        <button type="submit" name="action" value="snooze" '
                f'aria-label="Snooze a week: {text}">+1 week</button></form>'
            )
        if actions and item.kind == "attendee_suggestion":
            name = escape(item.name)
            main_action = (
                f'<form method="post" action="{attendee_url}" '
                f'class="item-actions attendee-actions">'
                f'{csrf}<input type="hidden" name="customer" value="{item.customer}">'
                f'<input type="hidden" name="email" value="{escape(item.email)}">'
                f'<input type="hidden" name="name" value="{name}">\n'
                f'        <button type="submit" name="action" value="accept" class="primary" '
                f'aria-label="Add {name} as a person">{escape(item.action)}</button>\n'
                f'        <button type="submit" name="action" value="dismiss" '
                f'aria-label="Not one of their people: {escape(item.email)}">'
                "Not theirs</button></form>"
            )
        else:
            main_action = (
                f'<a class="button" href="{base}{escape(item.action_href)}">'
                f"{escape(item.action)}</a>"
            )
        parts.append(
            f'\n  <li class="today-item rank-{item.rank}">\n'
            '    <div class="today-text">\n'
            f'      <a href="{base}{escape(item.url)}" class="today-title">{text}</a>{new}\n'
            f'      <div class="today-reason">{escape(item.reason)}</div>\n'
            "    </div>\n"
            f'    <div class="today-due"><time datetime="{item.day.isoformat()}">{when}</time>'
            "</div>\n"
            '    <div class="today-actions">\n'
            f"      {main_action}\n"
            f"      {buttons}\n"
            "    </div>\n"
            "  </li>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value from data is escaped
