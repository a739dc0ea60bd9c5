"""The Import page, under /feeds/import/: spreadsheets of customers, and .ics sources."""

from django.urls import path

from calendarapp.imports import views

urlpatterns = [
    path("", views.import_page, name="feed-import"),
    path("spreadsheet/preview", views.spreadsheet_preview, name="spreadsheet-preview"),
    path("spreadsheet/import", views.spreadsheet_import, name="spreadsheet-import"),
    path("spreadsheet/errors.csv", views.spreadsheet_errors, name="spreadsheet-errors"),
    path("spreadsheet/export", views.spreadsheet_export, name="spreadsheet-export"),
    path(
        "spreadsheet/template/<str:kind>.csv",
        views.spreadsheet_template,
        name="spreadsheet-template",
    ),
    path("spreadsheet/jobs/<str:job>", views.spreadsheet_progress, name="spreadsheet-progress"),
    path("<int:source_id>/refresh", views.import_refresh, name="feed-import-refresh"),
    path("<int:source_id>/delete", views.import_delete, name="feed-import-delete"),
]
