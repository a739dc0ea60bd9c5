"""Create the two roles, "Sales managers" and "Calendar admins", with their first permissions.

Frozen history: the permission lists are written out as they were when this
migration was made. Later grants are one line in `calendarapp/roles.py`, which
a `post_migrate` handler keeps the groups in step with.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SALES_MANAGERS = "Sales managers"
CALENDAR_ADMINS = "Calendar admins"
EDITED_BY_ADMINS = [
    ("customers", "customer"),
    ("customers", "contract"),
    ("customers", "interest"),
    ("traditions", "tradition"),
    ("traditions", "localtradition"),
    ("calendarapp", "plan"),
]
GROUP_PERMISSIONS = {
    SALES_MANAGERS: [
        "customers.view_customer",
        "customers.view_contract",
        "customers.view_interest",
        "traditions.view_tradition",
        "traditions.view_localtradition",
        "calendarapp.view_plan",
        "calendarapp.add_plan",
        "calendarapp.change_plan",
        "calendarapp.delete_plan",
    ],
    CALENDAR_ADMINS: [
        f"{app}.{action}_{model}"
        for app, model in EDITED_BY_ADMINS
        for action in ("view", "add", "change", "delete")
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permission_names in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for name in permission_names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calendarapp", "0001_initial"),
        ("customers", "0001_initial"),
        ("traditions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
