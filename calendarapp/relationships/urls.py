"""The customer page and the pages of the records kept about a customer."""

from django.urls import path

from calendarapp.relationships import views

urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/<int:customer_id>", views.customer_detail, name="customer-detail"),
    path("customers/<int:customer_id>/brief", views.customer_brief_page, name="customer-brief"),
    path(
        "customers/<int:customer_id>/touches.csv",
        views.touch_history_download,
        {"file_format": "csv"},
        name="touch-history-csv",
    ),
    path(
        "customers/<int:customer_id>/touches.xlsx",
        views.touch_history_download,
        {"file_format": "xlsx"},
        name="touch-history-xlsx",
    ),
    path("customers/<int:customer_id>/facts", views.customer_facts_form, name="customer-facts"),
    path(
        "customers/<int:customer_id>/contracts/new",
        views.record_form,
        {"kind": "contract"},
        name="contract-create",
    ),
    path(
        "contracts/<int:record_id>",
        views.record_form,
        {"kind": "contract"},
        name="contract-edit",
    ),
    path(
        "customers/<int:customer_id>/traditions/new",
        views.tradition_form,
        name="tradition-create",
    ),
    path("traditions/<int:tradition_id>", views.tradition_form, name="tradition-edit"),
    path(
        "countries/<str:code>/traditions/new",
        views.local_tradition_form,
        name="local-tradition-create",
    ),
    path(
        "local-traditions/<int:tradition_id>",
        views.local_tradition_form,
        name="local-tradition-edit",
    ),
    path(
        "customers/<int:customer_id>/touches/new",
        views.touchpoint_form,
        name="touchpoint-create",
    ),
    path("touches/<int:touchpoint_id>", views.touchpoint_form, name="touchpoint-edit"),
    path(
        "customers/<int:customer_id>/steps/new",
        views.decision_step_form,
        name="decision-step-create",
    ),
    path("steps/<int:step_id>", views.decision_step_form, name="decision-step-edit"),
    path(
        "customers/<int:customer_id>/factors/new",
        views.record_form,
        {"kind": "factor"},
        name="decision-factor-create",
    ),
    path(
        "factors/<int:record_id>",
        views.record_form,
        {"kind": "factor"},
        name="decision-factor-edit",
    ),
    path(
        "customers/<int:customer_id>/competitors/new",
        views.record_form,
        {"kind": "competitor"},
        name="competitor-create",
    ),
    path(
        "competitors/<int:record_id>",
        views.record_form,
        {"kind": "competitor"},
        name="competitor-edit",
    ),
    path(
        "customers/<int:customer_id>/interests/new",
        views.record_form,
        {"kind": "interest"},
        name="interest-create",
    ),
    path(
        "interests/<int:record_id>",
        views.record_form,
        {"kind": "interest"},
        name="interest-edit",
    ),
    path("interests/<int:evidence_id>/confirm", views.interest_confirm, name="interest-confirm"),
    path(
        "customers/<int:customer_id>/strategies/new",
        views.record_form,
        {"kind": "strategy"},
        name="strategy-create",
    ),
    path(
        "strategies/<int:record_id>",
        views.record_form,
        {"kind": "strategy"},
        name="strategy-edit",
    ),
    path("customers/<int:customer_id>/people/new", views.person_form, name="person-create"),
    path("people/<int:person_id>", views.person_form, name="person-edit"),
]
