"""The site's addresses: one `include()` per feature; each feature's urls.py lists its pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from calendarapp.accounts.views import LoginView

# Django's login and password pages, at the addresses people have bookmarked.
accounts = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    # Browsers ask every site for /favicon.ico on its first page, before any page names its icon.
    path(
        "favicon.ico",
        login_not_required(
            RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True)
        ),
    ),
    path("", include("calendarapp.timeline.urls")),
    path("", include("calendarapp.relationships.urls")),
    path("", include("calendarapp.health.urls")),
    path("today/", include("calendarapp.reminders.today_urls")),
    path("this-week/", include("calendarapp.reminders.urls")),
    path("opportunities/", include("calendarapp.reminders.opportunity_urls")),
    path("plans/", include("calendarapp.planning.urls")),
    path("api/", include("calendarapp.api.urls")),
    # The import page sits beside the feeds; listed first, as a token could read "import".
    path("feeds/import/", include("calendarapp.imports.urls")),
    path("feeds/", include("calendarapp.feeds.urls")),
    path("accounts/", include(accounts)),
    path("accounts/", include("calendarapp.accounts.urls")),
    path("accounts/calendars/", include("calendarapp.connections.urls")),
    path("admin/", admin.site.urls),
    # django-recurrence's widget translates its labels through this catalog.
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view(packages=["recurrence"])),
        name="javascript-catalog",
    ),
]

# Any uncaught error; a database outage becomes a 503 in the client's format.
handler500 = "calendarapp.health.views.server_error"
# A record deleted while someone was editing it says so; any other 404 is Django's page.
handler404 = "calendarapp.health.views.page_not_found"
