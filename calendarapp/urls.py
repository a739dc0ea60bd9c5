from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from calendarapp import reminder_views, views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("this-week/", reminder_views.this_week, name="this-week"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new", views.plan_edit, name="plan-create"),
    path("plans/<int:plan_id>", views.plan_edit, name="plan-edit"),
    path("countries/<str:code>", views.country_detail, name="country-detail"),
    path("customers/", include("customers.urls")),
    path("api/", include("calendarapp.api.urls")),
    path("feeds/", include("calendarapp.feed_urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    # django-recurrence's widget translates its labels through this catalog.
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view(packages=["recurrence"])),
        name="javascript-catalog",
    ),
]
