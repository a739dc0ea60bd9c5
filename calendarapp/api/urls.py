"""API paths have no trailing slash, so a POST is never redirected.

The API authenticates itself (session or bearer token) and answers 401/403 in
JSON, so the site-wide login redirect is switched off for it.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, path, re_path
from django.views import View
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


def api_path(route: str, view: type[View], name: str, **initkwargs: Any) -> URLPattern:
    """`path()` to an API view class, out of the site-wide login redirect."""
    return path(route, login_not_required(view.as_view(**initkwargs)), name=name)


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
            api_path(prefix, RecordList, list_name, serializer_class=serializer),
            api_path(f"{prefix}/<int:pk>", RecordDetail, one_name, serializer_class=serializer),
        )
    ),
    api_path("touchpoints", views.TouchpointList, "api-touchpoints"),
    api_path(
        "touchpoints/<int:pk>",
        RecordDetail,
        "api-touchpoint",
        serializer_class=records.TouchpointSerializer,
    ),
    api_path("customers", views.CustomerList, "api-customers"),
    api_path("customers/<int:pk>", views.CustomerDetail, "api-customer"),
    api_path("traditions", views.TraditionList, "api-traditions"),
    api_path("traditions/<int:pk>", views.TraditionDetail, "api-tradition"),
    api_path("people/<int:pk>/history", views.PersonHistory, "api-person-history"),
    api_path("customers/<int:pk>/history", views.CustomerHistory, "api-customer-history"),
    api_path("customers/<int:pk>/risk", views.CustomerRisk, "api-customer-risk"),
    api_path("customers/<int:pk>/brief", views.CustomerBrief, "api-customer-brief"),
    api_path("opportunities", views.OpportunityList, "api-opportunities"),
    api_path("today", Today, "api-today"),
    *(
        api_path(f"today/<str:key>/{action}", view, f"api-today-{action}")
        for action, view in (
            ("done", TodayItemDone),
            ("snooze", TodayItemSnooze),
            ("undo", TodayItemUndo),
        )
    ),
    api_path("attendee-suggestions", AttendeeSuggestionList, "api-attendee-suggestions"),
    api_path(
        "attendee-suggestions/dismiss",
        AttendeeSuggestionDismiss,
        "api-attendee-suggestions-dismiss",
    ),
    api_path("plans", views.PlanList, "api-plans"),
    api_path("plans/check", views.PlanCheck, "api-plan-check"),
    api_path("plans/suggest", views.PlanSuggest, "api-plan-suggest"),
    api_path("plans/<int:pk>", views.PlanDetail, "api-plan"),
    api_path("plans/<int:pk>/audience", views.PlanAudience, "api-plan-audience"),
    api_path("occurrences", views.OccurrenceList, "api-occurrences"),
    api_path("ics-sources", IcsSourceList, "api-ics-sources"),
    api_path("calendar-connections", CalendarConnectionList, "api-calendar-connections"),
    api_path("calendar-connections/<int:pk>", CalendarConnectionDetail, "api-calendar-connection"),
    api_path(
        "calendar-connections/<int:pk>/sync", CalendarConnectionSync, "api-calendar-connection-sync"
    ),
    api_path("schema", SpectacularAPIView, "api-schema"),
    api_path("docs", SpectacularSwaggerView, "api-docs", url_name="api-schema"),
    # Anything else under /api/ (an id like -1 or 1.5 included) is the API's JSON 404.
    re_path(r"^.*$", login_not_required(views.not_found), name="api-not-found"),
]
