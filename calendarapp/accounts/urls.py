"""Our own account pages: API tokens (login and password are Django's, in calendarapp/urls.py)."""

from django.urls import path

from calendarapp.accounts import views

urlpatterns = [
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke", views.revoke, name="api-token-revoke"),
]
