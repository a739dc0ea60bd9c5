"""calendarapp/lib/urls.py: a path reversed once serves every id."""

from django.urls import reverse, set_script_prefix

from calendarapp.lib.urls import STAND_IN_ID, path_for_ids


def test_a_path_for_ids_is_the_path_reverse_gives_for_each_id():
    for name in ("customer-detail", "touchpoint-create", "plan-edit"):
        path = path_for_ids(name)
        for pk in (1, 42, 10**9, STAND_IN_ID):
            assert path(pk) == reverse(name, args=[pk])


def test_a_path_for_ids_follows_the_script_prefix(settings):
    settings.FORCE_SCRIPT_NAME = "/calendar"
    set_script_prefix("/calendar/")
    try:
        assert path_for_ids("customer-detail")(7) == "/calendar/customers/7"
    finally:
        set_script_prefix("/")
