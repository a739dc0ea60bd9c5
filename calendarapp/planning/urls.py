"""The planner and My plans."""

from django.urls import path

from calendarapp.planning import views

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new", views.plan_edit, name="plan-create"),
    path("<int:plan_id>", views.plan_edit, name="plan-edit"),
    path("<int:plan_id>/delete", views.plan_delete_view, name="plan-delete"),
    path("<int:plan_id>/duplicate", views.plan_duplicate_view, name="plan-duplicate"),
]
