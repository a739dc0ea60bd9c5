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
        "customers.view_interest",
        "traditions.view_tradition",
        "traditions.view_localtradition",
        "calendarapp.view_plan",
        "calendarapp.add_plan",
        "calendarapp.change_plan",
        "calendarapp.delete_plan",
        # Every record kept about a customer: object-level, only of their own customers
        # (can_change_record); the admin shows these to calendar admins only.
        *(
            f"customers.{action}_{model}"
            for model in (
                "person",
                "touchpoint",
                "decisionfactor",
                "decisionstep",
                "competitor",
                "contract",
                "customerinterest",
                "strategy",
            )
            for action in ("view", "add", "change", "delete")
        ),
        # Their customers' own traditions; local ones stay the calendar admins'.
        *(f"traditions.{action}_tradition" for action in ("add", "change", "delete")),
        "customers.view_personchange",
        # The facts of their own customers (can_change_facts) and the history of every one.
        "customers.change_customer_facts",
        "customers.view_customerchange",
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
    + ["calendarapp.view_apitoken", "calendarapp.change_apitoken"]
    # Every customer's facts; their history is written only with a change.
    + ["customers.change_customer_facts", "customers.view_customerchange"],
}


READ_CALENDAR = "customers.view_customer"
EDIT_CUSTOMERS = "customers.change_customer"
READ_PLANS = "calendarapp.view_plan"
ADD_PLAN = "calendarapp.add_plan"
CHANGE_PLAN = "calendarapp.change_plan"
# One per record type kept about a customer (relationships/records.py), each Django's own change
# permission of its model, asked together with the customer's ownership (can_change_record).
CHANGE_PERSON = "customers.change_person"
CHANGE_TOUCHPOINT = "customers.change_touchpoint"
CHANGE_DECISION_FACTOR = "customers.change_decisionfactor"
CHANGE_DECISION_STEP = "customers.change_decisionstep"
CHANGE_COMPETITOR = "customers.change_competitor"
CHANGE_CONTRACT = "customers.change_contract"
CHANGE_INTEREST_EVIDENCE = "customers.change_customerinterest"
CHANGE_STRATEGY = "customers.change_strategy"
CHANGE_TRADITION = "traditions.change_tradition"
# The facts sales learns in calls (budget close, cadence, …): the account owner's, by ownership.
CHANGE_FACTS = "customers.change_customer_facts"


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


def can_edit_customers(user: Any) -> bool:
    return bool(user.has_perm(EDIT_CUSTOMERS))


def can_edit_plan(user: Any, plan: Any) -> bool:
    """Sales managers edit their own plans; calendar admins edit all."""
    if plan.owner_id == user.pk:
        return bool(user.has_perm(CHANGE_PLAN))
    return bool(user.has_perm(CHANGE_PLAN)) and can_edit_customers(user)


def can_change_record(user: Any, customer: Any, permission: str) -> bool:
    """A record kept about `customer`: its account owner or a calendar admin, with `permission`."""
    if not user.has_perm(permission):
        return False
    return bool(customer.owner_id == user.pk or can_edit_customers(user))


def can_change_facts(user: Any, customer: Any) -> bool:
    """A customer's facts (`FACT_FIELDS` in customers/facts.py): its owner or a calendar admin."""
    return can_change_record(user, customer, CHANGE_FACTS)


def can_read_calendar(user: Any) -> bool:
    """Both roles read the shared calendar; a user in neither group sees nothing."""
    return bool(user.has_perm(READ_CALENDAR))


def can_plan(user: Any) -> bool:
    """Both roles make plans of their own."""
    return bool(user.has_perm(ADD_PLAN))


def can_read_plans(user: Any) -> bool:
    return bool(user.has_perm(READ_PLANS))


# For views: a logged-in user outside both roles gets 403, not the team's customer data.
calendar_reader_required = permission_required(READ_CALENDAR, raise_exception=True)
