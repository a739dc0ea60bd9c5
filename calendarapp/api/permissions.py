"""Who may do what through the API: the same roles as the pages."""

from __future__ import annotations

from rest_framework import permissions

from calendarapp.models import Plan
from calendarapp.roles import (
    can_change_facts,
    can_edit_customers,
    can_edit_plan,
    can_plan,
    can_read_calendar,
)


class CalendarPermission(permissions.BasePermission):
    """Both roles may read; customer data is written by calendar admins only, but a customer's
    facts also by its account owner (the view's `writes_facts`).

    Plans are written by their owners (sales managers) and by calendar admins; the records
    kept about a customer by its account owner and calendar admins (the view's `record`); a
    user's own things (the view's `writes_own`: calendar connections) by that user alone, whose
    queryset holds nothing of anyone else's.
    """

    message = "Your role may not change this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if not can_read_calendar(request.user):
            return False
        if request.method in permissions.SAFE_METHODS or getattr(view, "read_only_post", False):
            return True
        if getattr(view, "writes_own", False):
            return True  # the view's queryset holds only the user's own
        if getattr(view, "writes_plans", False):
            return can_plan(request.user)
        if getattr(view, "writes_records", False):
            return True  # whose customer it is decides: below, and on create in the view
        if getattr(view, "writes_facts", False) and request.method == "PATCH":
            return True  # whose customer it is decides: below
        if getattr(view, "writes_traditions", False):
            return True  # whose tradition it is decides: in the view
        return can_edit_customers(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "writes_own", False):
            return bool(obj.owner_id == request.user.pk)
        if isinstance(obj, Plan):
            return can_edit_plan(request.user, obj)
        if getattr(view, "writes_records", False):
            return view.record.may_change(request.user, view.record.customer_of(obj))
        if getattr(view, "writes_facts", False) and request.method == "PATCH":
            return can_change_facts(request.user, obj)
        if getattr(view, "writes_traditions", False):
            return True  # the view asks whose it is
        return can_edit_customers(request.user)
