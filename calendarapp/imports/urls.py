"""The .ics import page, under /feeds/import/ beside the feeds it fills."""

from django.urls import path

from calendarapp.imports import views

urlpatterns = [
    path("", views.import_page, name="feed-import"),
    path("<int:source_id>/refresh", views.import_refresh, name="feed-import-refresh"),
    path("<int:source_id>/delete", views.import_delete, name="feed-import-delete"),
]
