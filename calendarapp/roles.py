"""The two roles and what each may do, asked in one place by views, the API and feeds."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required

SALES_MANAGERS = "Sales managers"
CALENDAR_ADMINS = "Calendar admins"

# Model permissions per group, as "app_label.codename"; the data migration grants them.
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
        for app, model in [
            ("customers", "customer"),
            ("customers", "contract"),
            ("customers", "interest"),
            ("traditions", "tradition"),
            ("traditions", "localtradition"),
            ("calendarapp", "plan"),
        ]
        for action in ("view", "add", "change", "delete")
    ],
}


def can_edit_customers(user) -> bool:
    return user.has_perm("customers.change_customer")


def can_edit_plan(user, plan) -> bool:
    """Sales managers edit their own plans; calendar admins edit all."""
    if plan.owner_id == user.pk:
        return user.has_perm("calendarapp.change_plan")
    return user.has_perm("calendarapp.change_plan") and can_edit_customers(user)


def can_read_calendar(user) -> bool:
    """Both roles read the shared calendar; a user in neither group sees nothing."""
    return user.has_perm("customers.view_customer")


# For views: a logged-in user outside both roles gets 403, not the team's customer data.
calendar_reader_required = permission_required("customers.view_customer", raise_exception=True)
