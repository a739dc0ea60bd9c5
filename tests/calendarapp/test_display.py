"""How people and days read on every page: `person` and `day` (calendarapp/templatetags/display.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from calendarapp.roles import SALES_MANAGERS
from calendarapp.templatetags.display import day
from tests import factories

D = datetime.date


def render(text: str, **context) -> str:
    return Template("{% load display %}" + text).render(Context(context))


@pytest.mark.django_db
def test_a_person_reads_as_their_full_name_or_else_their_username():
    named = factories.user("mette", first_name="Mette", last_name="Hansen")
    unnamed = factories.user("kenji")
    assert render(
        "{{ a|person }} / {{ b|person }} / {{ c|person }}", a=named, b=unnamed, c=None
    ) == ("Mette Hansen / kenji / ")


@pytest.mark.django_db
def test_the_navigation_names_the_user_as_every_page_does(client):
    user = factories.user("mette", SALES_MANAGERS, first_name="Mette", last_name="Hansen")
    client.force_login(user)
    assert ">Mette Hansen</a>" in client.get("/customers/").content.decode()


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False)
@given(value=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_a_day_carries_its_year_only_when_it_is_not_this_year(value):
    said = day(value)
    assert said.startswith(f"{value.day} {value:%b}")
    assert said.endswith(str(value.year)) == (value.year != 2026)


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False)
def test_a_day_with_its_weekday_carries_its_year_only_when_it_is_not_this_year():
    assert day(D(2026, 12, 7), "weekday") == "Mon 7 Dec"
    assert day(D(2027, 1, 4), "weekday") == "Mon 4 Jan 2027"
