"""Plans in the admin; customers and traditions register their own."""

from typing import Any

from django.contrib import admin

from calendarapp.accounts.tokens import api_token_revoke, status_of
from calendarapp.lib.admin import ChangedFieldsAdmin, ChangedFieldsModelForm
from calendarapp.models import ApiToken, BookedMeeting, CalendarMeeting, MeetingAttendee, Plan
from calendarapp.planning.services import audience_error
from calendarapp.roles import can_edit_customers, can_edit_plan


class PlanAdminForm(ChangedFieldsModelForm):
    """The fields PlanAdmin lists, and the rule every plan keeps: it reaches someone. The plan's
    `offers` are not among the fields, so they stay as they were."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audience = (data.get(name) or () for name in ("customers", "countries", "interests"))
        if error := audience_error(*audience):
            self.add_error("customers", error)
        return data


@admin.register(Plan)
class PlanAdmin(ChangedFieldsAdmin):
    """Calendar admins see and correct every plan; sales managers plan in the planner."""

    form = PlanAdminForm

    list_display = ["title", "kind", "status", "start", "end", "owner"]
    list_filter = ["status", "kind", "owner"]
    search_fields = ["title", "notes"]
    date_hierarchy = "start"
    list_select_related = ["owner"]
    autocomplete_fields = ["customers", "interests"]
    fields = [
        ("kind", "title"),
        "status",
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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who has which API token, and revoking one; tokens are made by their owners, never here."""

    list_display = ["user", "name", "created_at", "expires_at", "last_used_at", "status"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name"]
    list_select_related = ["user"]
    # The hash stays hidden: it is of no use to a person and need not travel further.
    fields = readonly_fields = (
        "user",
        "name",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    actions = ["revoke"]

    @admin.display(description="status")
    def status(self, token: ApiToken) -> str:
        return status_of(token)

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset) -> None:
        revoked = sum(api_token_revoke(token=token) for token in queryset)
        self.message_user(request, f"Revoked {revoked} API token(s); the API refuses them now.")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked tokens stay listed: who had access, and until when


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only a calendar sync writes: admins look, nobody adds, changes or deletes."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Calendar connections are not registered: a connection (and its secrets) is its owner's alone.


class MeetingAttendeeInline(admin.TabularInline):
    model = MeetingAttendee
    fields = readonly_fields = ("email", "name")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarMeeting)
class CalendarMeetingAdmin(ReadOnlyAdmin):
    """Meetings read from the team's calendars, each one touch; to check what a sync logged."""

    list_display = ["customer", "start", "summary", "gone", "synced_at"]
    list_filter = ["gone"]
    search_fields = ["customer__name", "summary", "uid"]
    date_hierarchy = "start"
    list_select_related = ["customer"]
    fields = [
        "customer",
        "start",
        "summary",
        "touchpoint",
        "uid",
        "occurrence",
        "synced_at",
        "gone",
    ]
    inlines = [MeetingAttendeeInline]


@admin.register(BookedMeeting)
class BookedMeetingAdmin(ReadOnlyAdmin):
    """Future meetings with customers found in the team's calendars."""

    list_display = ["customer", "start", "end", "channel", "summary"]
    list_filter = ["channel"]
    search_fields = ["customer__name", "summary", "uid"]
    date_hierarchy = "start"
    list_select_related = ["customer"]
    fields = ["customer", "start", "end", "channel", "summary", "uid", "occurrence"]
