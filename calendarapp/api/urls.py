"""API paths have no trailing slash, so a POST is never redirected.

The API authenticates itself (session or bearer token) and answers 401/403 in
JSON, so the site-wide login redirect is switched off for it.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from calendarapp.api import records, schema, views  # noqa: F401 (schema registers its extensions)
from calendarapp.api.calendar_connections import (
    CalendarConnectionDetail,
    CalendarConnectionList,
    CalendarConnectionSync,
)
from calendarapp.api.ics_sources import IcsSourceList
from calendarapp.api.records import RecordDetail, RecordList
from calendarapp.api.suggestions import AttendeeSuggestionDismiss, AttendeeSuggestionList
from calendarapp.api.today import Today, TodayItemDone, TodayItemSnooze, TodayItemUndo

# Every record kept about a customer: its list and its one, by the generic pair of views.
RECORD_PATHS = [
    ("people", "api-people", "api-person", records.PersonSerializer),
    (
        "decision-factors",
        "api-decision-factors",
        "api-decision-factor",
        records.DecisionFactorSerializer,
    ),
    ("decision-steps", "api-decision-steps", "api-decision-step", records.DecisionStepSerializer),
    ("competitors", "api-competitors", "api-competitor", records.CompetitorSerializer),
    ("contracts", "api-contracts", "api-contract", records.ContractSerializer),
    (
        "customer-interests",
        "api-customer-interests",
        "api-customer-interest",
        records.CustomerInterestSerializer,
    ),
    ("strategies", "api-strategies", "api-strategy", records.StrategySerializer),
]

urlpatterns = [
    *(
        route
        for prefix, list_name, one_name, serializer in RECORD_PATHS
        for route in (
            path(
                prefix,
                login_not_required(RecordList.as_view(serializer_class=serializer)),
                name=list_name,
            ),
            path(
                f"{prefix}/<int:pk>",
                login_not_required(RecordDetail.as_view(serializer_class=serializer)),
                name=one_name,
            ),
        )
    ),
    path("touchpoints", login_not_required(views.TouchpointList.as_view()), name="api-touchpoints"),
    path(
        "touchpoints/<int:pk>",
        login_not_required(RecordDetail.as_view(serializer_class=records.TouchpointSerializer)),
        name="api-touchpoint",
    ),
    path("customers", login_not_required(views.CustomerList.as_view()), name="api-customers"),
    path(
        "customers/<int:pk>",
        login_not_required(views.CustomerDetail.as_view()),
        name="api-customer",
    ),
    path("traditions", login_not_required(views.TraditionList.as_view()), name="api-traditions"),
    path(
        "traditions/<int:pk>",
        login_not_required(views.TraditionDetail.as_view()),
        name="api-tradition",
    ),
    path(
        "people/<int:pk>/history",
        login_not_required(views.PersonHistory.as_view()),
        name="api-person-history",
    ),
    path(
        "customers/<int:pk>/history",
        login_not_required(views.CustomerHistory.as_view()),
        name="api-customer-history",
    ),
    path(
        "customers/<int:pk>/risk",
        login_not_required(views.CustomerRisk.as_view()),
        name="api-customer-risk",
    ),
    path(
        "customers/<int:pk>/brief",
        login_not_required(views.CustomerBrief.as_view()),
        name="api-customer-brief",
    ),
    path(
        "opportunities",
        login_not_required(views.OpportunityList.as_view()),
        name="api-opportunities",
    ),
    path("today", login_not_required(Today.as_view()), name="api-today"),
    *(
        path(
            f"today/<str:key>/{action}",
            login_not_required(view.as_view()),
            name=f"api-today-{action}",
        )
        for action, view in (
            ("done", TodayItemDone),
            ("snooze", TodayItemSnooze),
            ("undo", TodayItemUndo),
        )
    ),
    path(
        "attendee-suggestions",
        login_not_required(AttendeeSuggestionList.as_view()),
        name="api-attendee-suggestions",
    ),
    path(
        "attendee-suggestions/dismiss",
        login_not_required(AttendeeSuggestionDismiss.as_view()),
        name="api-attendee-suggestions-dismiss",
    ),
    path("plans", login_not_required(views.PlanList.as_view()), name="api-plans"),
    path("plans/check", login_not_required(views.PlanCheck.as_view()), name="api-plan-check"),
    path("plans/suggest", login_not_required(views.PlanSuggest.as_view()), name="api-plan-suggest"),
    path("plans/<int:pk>", login_not_required(views.PlanDetail.as_view()), name="api-plan"),
    path(
        "plans/<int:pk>/audience",
        login_not_required(views.PlanAudience.as_view()),
        name="api-plan-audience",
    ),
    path("occurrences", login_not_required(views.OccurrenceList.as_view()), name="api-occurrences"),
    path(
        "ics-sources",
        login_not_required(IcsSourceList.as_view()),
        name="api-ics-sources",
    ),
    path(
        "calendar-connections",
        login_not_required(CalendarConnectionList.as_view()),
        name="api-calendar-connections",
    ),
    path(
        "calendar-connections/<int:pk>",
        login_not_required(CalendarConnectionDetail.as_view()),
        name="api-calendar-connection",
    ),
    path(
        "calendar-connections/<int:pk>/sync",
        login_not_required(CalendarConnectionSync.as_view()),
        name="api-calendar-connection-sync",
    ),
    path("schema", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "docs",
        login_not_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Anything else under /api/ (an id like -1 or 1.5 included) is the API's JSON 404.
    re_path(r"^.*$", login_not_required(views.not_found), name="api-not-found"),
]
