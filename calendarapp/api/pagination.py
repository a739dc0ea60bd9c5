"""Every API list answers a page, as DRF does: `{"count", "next", "previous", "results"}`.

`?page_size=` takes 1 to 1,000 rows (default 200); anything else is a 400 naming `page_size`
rather than a silent clamp, so a client never mistakes a short page for the end. Lists
ordered by a fixed, unique order that grows at its head (touchpoints: newest first) turn
pages by an opaque `?cursor=`, so a touch logged while a client reads does not shift a row
onto the next page twice; they still say `count` (one COUNT query). The others turn pages by
`?page=`. A bad page or cursor is a 400 naming it, a page past the last a 404, both in the
errors shape. A list's prefetches are read for its page only, in batches (`PREFETCH_BATCH`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000
PAGE_SIZE_ERROR = f"A whole number from 1 to {MAX_PAGE_SIZE:,}."
PAGE_ERROR = "A page number: a whole number from 1, or `last`."
CURSOR_ERROR = "Not a cursor of this list: follow `next` or `previous` as given."
# Rows whose related rows one prefetch query reads: each id is a query variable, and SQLite
# builds before 3.32 allow 999 of them, so a 1,000-row page is read in two.
PREFETCH_BATCH = 500
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
# What a list is paged from: a queryset, or rows computed in hand.
Rows = QuerySet[Any] | Sequence[Any]


def page_size_of(request: Request) -> int:
    """The checked `?page_size=`, or the default."""
    text = request.query_params.get("page_size")
    if text is None:
        return DEFAULT_PAGE_SIZE
    if not _WHOLE_NUMBER.fullmatch(text) or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [PAGE_SIZE_ERROR]})
    return int(text)


def _page_loaded(queryset: Any, read_page: Any) -> list[Any]:
    """`read_page(rows)` with the queryset's prefetches left out, then done for the page only."""
    lookups = getattr(queryset, "_prefetch_related_lookups", ())  # Django's list of them
    if not lookups:
        return list(read_page(queryset))
    page = list(read_page(queryset.prefetch_related(None)))
    prefetch_in_batches(page, *lookups)
    return page


def prefetch_in_batches(rows: list[Any], *lookups: Any) -> None:
    """Django's prefetch of `lookups` for `rows`, `PREFETCH_BATCH` rows a query."""
    for start in range(0, len(rows), PREFETCH_BATCH):
        prefetch_related_objects(rows[start : start + PREFETCH_BATCH], *lookups)


class PagePagination(PageNumberPagination):
    """`?page=` and `?page_size=`: the pagination of every API list but the cursor ones."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "There is no page {page_number} in this list."
    page_size_query_description = f"Rows per page, 1 to {MAX_PAGE_SIZE:,} (default 200)."

    def get_page_size(self, request: Request) -> int:
        return page_size_of(request)

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        number = request.query_params.get(self.page_query_param)
        if number is not None and number not in self.last_page_strings:
            if not _WHOLE_NUMBER.fullmatch(number) or int(number) < 1:
                raise ValidationError({self.page_query_param: [PAGE_ERROR]})
        read = super().paginate_queryset
        return _page_loaded(queryset, lambda rows: read(rows, request, view))


def page_answer(request: Request, items: Rows, serializer_class: Any) -> Response:
    """A page of a list computed in hand (occurrences, opportunities), as a queryset's is paged."""
    paginator = PagePagination()
    page = paginator.paginate_queryset(items, request)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _is_iso_date(text: Any) -> bool:
    if text is None:  # DRF's cursor of a page that starts with the list
        return True
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class NewestFirstPagination(CursorPagination):
    """`?cursor=` and `?page_size=` over a list kept newest first (`-date`, then `-id`)."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-date", "-id")
    page_size_query_description = PagePagination.page_size_query_description

    def get_page_size(self, request: Request) -> int:
        return page_size_of(request)

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.count = queryset.count()
        read = super().paginate_queryset
        return _page_loaded(queryset, lambda rows: read(rows, request, view))

    def decode_cursor(self, request: Request) -> Any:
        """The cursor, checked: readable, and the day it goes on from (if any) a day."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:  # DRF's answer to a cursor it cannot read
            cursor = None
        else:
            if cursor is None or _is_iso_date(cursor.position):  # None: the first page
                return cursor
        # Not readable, or a position the query would fail on with a 500.
        raise ValidationError({self.cursor_query_param: [CURSOR_ERROR]})

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["count", "results"]
        count = {"type": "integer", "example": 123}
        answer["properties"] = {"count": count, **answer["properties"]}
        return answer
