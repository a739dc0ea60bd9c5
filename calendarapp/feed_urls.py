"""Feed addresses carry the user's secret token in the path; the pages around them do not."""

from django.urls import path

from calendarapp import feed_views

urlpatterns = [
    path("", feed_views.subscribe, name="feed-subscribe"),
    path("import/", feed_views.import_page, name="feed-import"),
    path("import/<int:source_id>/refresh", feed_views.import_refresh, name="feed-import-refresh"),
    path("import/<int:source_id>/delete", feed_views.import_delete, name="feed-import-delete"),
    path(
        "<str:token>/customers/<int:customer_id>.ics",
        feed_views.feed,
        {"slug": "customer"},
        name="feed-customer",
    ),
    path(
        "<str:token>/countries/<str:code>.ics",
        feed_views.feed,
        {"slug": "country"},
        name="feed-country",
    ),
] + [
    path(f"<str:token>/{slug}.ics", feed_views.feed, {"slug": slug}, name=f"feed-{slug}")
    for slug in ("my-customers", "all-customers", "plans-mine", "plans-all")
]
