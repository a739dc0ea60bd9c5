"""Feed addresses carry the user's secret token in the path; the pages around them do not."""

from django.urls import path

from calendarapp.feeds import views

urlpatterns = [
    path("", views.subscribe, name="feed-subscribe"),
    path(
        "subscriptions/<int:subscription_id>/revoke", views.revoke, name="feed-subscription-revoke"
    ),
    path(
        "<str:token>/customers/<int:customer_id>.ics",
        views.feed,
        {"slug": "customer"},
        name="feed-customer",
    ),
    path(
        "<str:token>/countries/<str:code>.ics",
        views.feed,
        {"slug": "country"},
        name="feed-country",
    ),
] + [
    path(f"<str:token>/{slug}.ics", views.feed, {"slug": slug}, name=f"feed-{slug}")
    for slug in ("my-customers", "all-customers", "plans-mine", "plans-all")
]
