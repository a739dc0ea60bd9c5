from django.urls import path

from calendarapp.health import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
