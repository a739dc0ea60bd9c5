"""The Today page."""

from django.urls import path

from calendarapp.reminders import views

urlpatterns = [
    path("", views.today, name="today"),
]
