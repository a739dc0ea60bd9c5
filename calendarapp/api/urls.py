"""API paths have no trailing slash, so a POST is never redirected.

The API authenticates itself (session or bearer token) and answers 401/403 in
JSON, so the site-wide login redirect is switched off for it.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from calendarapp.api import decisions, interests, schema, views  # noqa: F401 (schema registers its extensions)
from calendarapp.api.ics_sources import IcsSourceList

urlpatterns = [
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
    path("people", login_not_required(views.PersonList.as_view()), name="api-people"),
    path("people/<int:pk>", login_not_required(views.PersonDetail.as_view()), name="api-person"),
    path(
        "people/<int:pk>/history",
        login_not_required(decisions.PersonHistory.as_view()),
        name="api-person-history",
    ),
    path(
        "customers/<int:pk>/risk",
        login_not_required(decisions.CustomerRisk.as_view()),
        name="api-customer-risk",
    ),
    path(
        "decision-factors",
        login_not_required(decisions.DecisionFactorList.as_view()),
        name="api-decision-factors",
    ),
    path(
        "decision-factors/<int:pk>",
        login_not_required(decisions.DecisionFactorDetail.as_view()),
        name="api-decision-factor",
    ),
    path(
        "decision-steps",
        login_not_required(decisions.DecisionStepList.as_view()),
        name="api-decision-steps",
    ),
    path(
        "decision-steps/<int:pk>",
        login_not_required(decisions.DecisionStepDetail.as_view()),
        name="api-decision-step",
    ),
    path(
        "competitors",
        login_not_required(decisions.CompetitorList.as_view()),
        name="api-competitors",
    ),
    path(
        "competitors/<int:pk>",
        login_not_required(decisions.CompetitorDetail.as_view()),
        name="api-competitor",
    ),
    path("contracts", login_not_required(decisions.ContractList.as_view()), name="api-contracts"),
    path(
        "contracts/<int:pk>",
        login_not_required(decisions.ContractDetail.as_view()),
        name="api-contract",
    ),
    path(
        "customer-interests",
        login_not_required(interests.CustomerInterestList.as_view()),
        name="api-customer-interests",
    ),
    path(
        "customer-interests/<int:pk>",
        login_not_required(interests.CustomerInterestDetail.as_view()),
        name="api-customer-interest",
    ),
    path("strategies", login_not_required(interests.StrategyList.as_view()), name="api-strategies"),
    path(
        "strategies/<int:pk>",
        login_not_required(interests.StrategyDetail.as_view()),
        name="api-strategy",
    ),
    path(
        "opportunities",
        login_not_required(interests.OpportunityList.as_view()),
        name="api-opportunities",
    ),
    path("touchpoints", login_not_required(views.TouchpointList.as_view()), name="api-touchpoints"),
    path(
        "touchpoints/<int:pk>",
        login_not_required(views.TouchpointDetail.as_view()),
        name="api-touchpoint",
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
    path("schema", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "docs",
        login_not_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Anything else under /api/ (an id like -1 or 1.5 included) is the API's JSON 404.
    re_path(r"^.*$", login_not_required(views.not_found), name="api-not-found"),
]
