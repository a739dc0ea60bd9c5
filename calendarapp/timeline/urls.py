"""The timeline (the home page) and the country page."""

from django.urls import path

from calendarapp.timeline import views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("timeline.csv", views.timeline_download, {"file_format": "csv"}, name="timeline-csv"),
    path("timeline.xlsx", views.timeline_download, {"file_format": "xlsx"}, name="timeline-xlsx"),
    path("countries/<str:code>", views.country_detail, name="country-detail"),
]
