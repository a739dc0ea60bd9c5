"""The two roles and what each may do, asked in one place by views, the API and feeds.

Permission strings are spelled only here. `sync_roles` runs after every
`migrate` and gives each group exactly the permissions listed, so granting a
new permission to a role is one line below.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ImproperlyConfigured

SALES_MANAGERS = "Sales managers"
CALENDAR_ADMINS = "Calendar admins"

# Model permissions per group, as "app_label.codename"; `sync_roles` grants exactly these.
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
        # People, touchpoints and how the customer decides: object-level, only of their own
        # customers (can_edit_contacts).
        *(
            f"customers.{a}_{m}"
            for m in ("person", "touchpoint", "decisionfactor", "decisionstep", "competitor")
            for a in ("view", "add", "change", "delete")
        ),
        "customers.view_personchange",
        # Interests as evidence and strategies: edited by the account owner (can_edit_contacts).
        "customers.view_customerinterest",
        "customers.view_strategy",
    ],
    CALENDAR_ADMINS: [
        f"{app}.{action}_{model}"
        for app, model in [
            ("customers", "customer"),
            ("customers", "contract"),
            ("customers", "interest"),
            ("customers", "person"),
            ("customers", "touchpoint"),
            ("customers", "decisionfactor"),
            ("customers", "decisionstep"),
            ("customers", "competitor"),
            ("customers", "personchange"),
            ("customers", "customerinterest"),
            ("customers", "strategy"),
            ("traditions", "tradition"),
            ("traditions", "localtradition"),
            ("calendarapp", "plan"),
        ]
        for action in ("view", "add", "change", "delete")
    ]
    # Who has which API token, and revoking one (tokens are made by their owners).
    + ["calendarapp.view_apitoken", "calendarapp.change_apitoken"],
}


READ_CALENDAR = "customers.view_customer"
EDIT_CUSTOMERS = "customers.change_customer"
READ_PLANS = "calendarapp.view_plan"
ADD_PLAN = "calendarapp.add_plan"
CHANGE_PLAN = "calendarapp.change_plan"
CHANGE_CONTACTS = "customers.change_touchpoint"


def sync_roles(**kwargs: Any) -> None:
    """Create the two groups and give each exactly the permissions listed above.

    Connected to `post_migrate` (see `CalendarConfig.ready`), after Django has
    created the permissions of every app. A name that matches no permission
    stops `migrate` with the name, instead of leaving a role short.
    """
    from django.contrib.auth.models import Group, Permission

    # `flush` sends post_migrate too, with no plan: an emptied database gets its
    # permissions back from Django but not the roles, which are data like any other.
    if kwargs.get("plan") is None:
        return
    wanted = {name for names in GROUP_PERMISSIONS.values() for name in names}
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    missing = sorted(wanted - set(found))
    if missing:
        raise ImproperlyConfigured(f"roles.py names permissions that do not exist: {missing}")
    for group_name, names in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([found[name] for name in names])


def can_edit_customers(user) -> bool:
    return user.has_perm(EDIT_CUSTOMERS)


def can_edit_plan(user, plan) -> bool:
    """Sales managers edit their own plans; calendar admins edit all."""
    if plan.owner_id == user.pk:
        return user.has_perm(CHANGE_PLAN)
    return user.has_perm(CHANGE_PLAN) and can_edit_customers(user)


def can_edit_contacts(user, customer) -> bool:
    """A customer's people and touchpoints: calendar admins, and the customer's account owner."""
    if not user.has_perm(CHANGE_CONTACTS):
        return False
    return customer.owner_id == user.pk or can_edit_customers(user)


def can_edit_person(user, person) -> bool:
    return can_edit_contacts(user, person.customer)


def can_edit_touchpoint(user, touchpoint) -> bool:
    return can_edit_contacts(user, touchpoint.customer)


def can_edit_decisions(user, record) -> bool:
    """How a customer decides (factors, steps, competitors, contracts): as its people."""
    return can_edit_contacts(user, record.customer)


def can_read_calendar(user) -> bool:
    """Both roles read the shared calendar; a user in neither group sees nothing."""
    return user.has_perm(READ_CALENDAR)


def can_plan(user) -> bool:
    """Both roles make plans of their own."""
    return user.has_perm(ADD_PLAN)


def can_read_plans(user) -> bool:
    return user.has_perm(READ_PLANS)


# For views: a logged-in user outside both roles gets 403, not the team's customer data.
calendar_reader_required = permission_required(READ_CALENDAR, raise_exception=True)
