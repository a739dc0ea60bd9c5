"""The This week page."""

from django.urls import path

from calendarapp.reminders import views

urlpatterns = [
    path("", views.this_week, name="this-week"),
]
