"""`make bench` figures for the API's lists, registered in `calendarapp.bench`.

`api_customers_20k_page_ms` is the first page of `GET /api/customers` (200 customers by
name, rendered as JSON) at 20,000 customers, the process's remembered calendars forgotten
before each run; `api_touchpoints_20k_page_ms` the first page of `GET /api/touchpoints`
(the 400,000 touchpoints of those customers, newest first).
`api_customers_20k_by_next_touch_ms` is the first page by next touch (`?ordering=next_touch`,
which sorts every customer by it) as a web process that answered it before answers it after
an edit: the median of the first call after each of `bench_fresh`'s edits (a budget month, a
touch, a Danish local tradition), the remembered calendar of next touches renewed for what
each touched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings
from rest_framework.test import APIRequestFactory, force_authenticate

from calendarapp.api.views import CustomerList, TouchpointList
from calendarapp.devtools import bench_fresh
from calendarapp.devtools.bench import LARGE, BenchData, figure, timed
from calendarapp.occurrences.stream import RECENT_CALENDARS
from calendarapp.roles import SALES_MANAGERS

# Fast enough for more runs than the large size's other figures take.
RUNS = 7


def _first_page(view: Callable[..., object], path: str) -> Callable[[], object]:
    """The view's first page for a sales manager, rendered to its JSON bytes."""
    user = get_user_model().objects.filter(groups__name=SALES_MANAGERS).order_by("pk").first()
    if user is None:  # a data set built before roles were checked
        user = get_user_model().objects.order_by("pk").first()
        assert user is not None, "the bench data set has account owners"
        user.groups.add(Group.objects.get(name=SALES_MANAGERS))
    request = APIRequestFactory().get(path)
    force_authenticate(request, user=user)

    def answer() -> object:
        # The bench runs with DEBUG off and no ALLOWED_HOSTS; the page's links name the host.
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            response = view(request)
            response.render()  # type: ignore[attr-defined]
        assert response.status_code == 200, response.content  # type: ignore[attr-defined]
        return response

    return answer


@figure("api_customers_20k_page_ms", size=LARGE)
def api_customers_20k_page(data: BenchData) -> float:
    page = _first_page(CustomerList.as_view(), "/api/customers")
    return timed(page, RUNS, before=RECENT_CALENDARS.clear)


@figure("api_touchpoints_20k_page_ms", size=LARGE)
def api_touchpoints_20k_page(data: BenchData) -> float:
    return timed(_first_page(TouchpointList.as_view(), "/api/touchpoints"), RUNS)


@figure("api_customers_20k_by_next_touch_ms", size=LARGE)
def api_customers_20k_by_next_touch(data: BenchData) -> float:
    page = _first_page(CustomerList.as_view(), "/api/customers?ordering=next_touch")
    return bench_fresh._after_edits(data, page)
