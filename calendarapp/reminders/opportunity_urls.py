"""The Opportunities now page and its CSV."""

from django.urls import path

from calendarapp.reminders import views

urlpatterns = [
    path("", views.opportunities_now, name="opportunities"),
]
