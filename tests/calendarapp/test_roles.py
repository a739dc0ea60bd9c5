"""The two roles: what a user outside both sees, and how migrate keeps the groups in step."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from calendarapp import migrations, roles
from tests import factories


@pytest.mark.parametrize(
    "path", ["/", "/plans/", "/plans/new", "/countries/DK", "/today/", "/feeds/"]
)
def test_pages_refuse_a_user_outside_both_roles(client, nobody, path):
    client.force_login(nobody)
    response = client.get(path)
    assert response.status_code == 403
    assert b"Acme" not in response.content


def test_customer_page_refuses_a_user_outside_both_roles(client, nobody):
    acme = factories.customer("Acme A/S", "DK")
    client.force_login(nobody)
    response = client.get(acme.get_absolute_url())
    assert response.status_code == 403
    assert b"Acme" not in response.content


def permission_names(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.django_db
def test_a_freshly_migrated_database_gives_each_role_exactly_the_permissions_roles_names():
    for group_name, names in roles.GROUP_PERMISSIONS.items():
        assert permission_names(Group.objects.get(name=group_name)) == set(names)


@pytest.mark.django_db
def test_granting_a_permission_is_one_line_in_roles_and_migrate_applies_it(monkeypatch):
    granted = {
        **roles.GROUP_PERMISSIONS,
        roles.SALES_MANAGERS: [*roles.GROUP_PERMISSIONS[roles.SALES_MANAGERS], "auth.view_user"],
    }
    monkeypatch.setattr(roles, "GROUP_PERMISSIONS", granted)
    call_command("migrate", verbosity=0)
    assert "auth.view_user" in permission_names(Group.objects.get(name=roles.SALES_MANAGERS))


@pytest.mark.django_db
def test_migrate_refuses_a_role_naming_a_permission_that_does_not_exist(monkeypatch):
    misspelt = {**roles.GROUP_PERMISSIONS, roles.CALENDAR_ADMINS: ["customers.edit_customer"]}
    monkeypatch.setattr(roles, "GROUP_PERMISSIONS", misspelt)
    with pytest.raises(ImproperlyConfigured, match="customers.edit_customer"):
        call_command("migrate", verbosity=0)


def test_migrations_carry_their_own_data_and_import_nothing_live_from_the_app():
    for path in Path(migrations.__file__).parent.glob("0*.py"):
        source = path.read_text()
        assert "calendarapp.roles" not in source, path.name
