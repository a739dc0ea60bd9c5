"""Plans in the admin; customers and traditions register their own."""

from django.contrib import admin

from calendarapp.models import Plan
from calendarapp.roles import can_edit_customers, can_edit_plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Calendar admins see and correct every plan; sales managers plan in the planner."""

    list_display = ["title", "kind", "start", "end", "owner"]
    list_filter = ["kind", "owner"]
    search_fields = ["title", "notes"]
    date_hierarchy = "start"
    list_select_related = ["owner"]
    autocomplete_fields = ["customers", "interests"]
    fields = [
        ("kind", "title"),
        ("start", "end"),
        "owner",
        "customers",
        "countries",
        "interests",
        "notes",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Sales managers' plans are always their own: only calendar admins choose an owner.
        return [] if can_edit_customers(request.user) else ["owner"]

    def save_model(self, request, obj, form, change) -> None:
        if not change and not can_edit_customers(request.user):
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None) -> bool:
        # The same rule as the planner: sales managers change only their own plans.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_plan(request.user, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_plan(request.user, obj))
