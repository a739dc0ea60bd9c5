"""Your calendars: the user's own calendar connections, under the account menu."""

from django.urls import path

from calendarapp.connections import views

urlpatterns = [
    path("", views.calendars, name="calendar-connections"),
    path("<int:connection_id>", views.calendar_edit, name="calendar-connection-edit"),
    path("<int:connection_id>/sync", views.calendar_sync, name="calendar-connection-sync"),
]
