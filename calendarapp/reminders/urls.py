"""This week's address (a GET goes to Today), its email switch and its done and snooze."""

from django.urls import path

from calendarapp.reminders import views

urlpatterns = [
    path("", views.this_week, name="this-week"),
    path("items", views.mark_item, name="this-week-item"),
    path("attendees", views.attendee_item, name="today-attendee"),
]
