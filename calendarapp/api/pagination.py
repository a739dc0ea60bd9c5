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

import base64
import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

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
    """The checked `?page_size=`, or the default (also for an empty value, as every query
    parameter of the API reads one)."""
    text = request.query_params.get("page_size")
    if not text:
        return DEFAULT_PAGE_SIZE
    if not _WHOLE_NUMBER.fullmatch(text) or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [PAGE_SIZE_ERROR]})
    return int(text)


def paging_checked(request: Request) -> None:
    """A 400 for a `?page=` or `?page_size=` that is not one, also where the answer is the whole
    list (a download): the schema states them for every list."""
    page_size_of(request)
    number = request.query_params.get("page")
    if number and number not in PageNumberPagination.last_page_strings:
        if not _WHOLE_NUMBER.fullmatch(number) or int(number) < 1:
            raise ValidationError({"page": [PAGE_ERROR]})


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


PAGE_SIZE_PARAMETER = {
    "name": "page_size",
    "required": False,
    "in": "query",
    "description": f"Rows per page, 1 to {MAX_PAGE_SIZE:,} (default {DEFAULT_PAGE_SIZE}).",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
}


class PagePagination(PageNumberPagination):
    """`?page=` and `?page_size=`: the pagination of every API list but the cursor ones."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_page_message = "There is no page {page_number} in this list."

    def get_page_size(self, request: Request) -> int:
        return page_size_of(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Which page, from 1 (or `last`); past the last one is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            PAGE_SIZE_PARAMETER,
        ]

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        paging_checked(request)
        read = super().paginate_queryset
        return _page_loaded(queryset, lambda rows: read(rows, request, view))


def page_answer(request: Request, items: Rows, serializer_class: Any) -> Response:
    """A page of a list computed in hand (occurrences, opportunities), as a queryset's is paged."""
    paginator = PagePagination()
    page = paginator.paginate_queryset(items, request)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class NewestFirstPagination(BasePagination):
    """`?cursor=` and `?page_size=` over a list kept newest first: by `date`, then `id`.

    A cursor names the row a page goes on from (its day and id) and the way (older or
    newer), so a page is read by an index range whatever rows came or went before it.
    """

    cursor_query_param = "cursor"

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.url = request.build_absolute_uri()
        size = page_size_of(request)
        cursor = _cursor_read(request.query_params.get(self.cursor_query_param))
        self.count = queryset.count()
        rows = queryset.order_by("-date", "-id")
        self.newer = self.older = cursor is not None  # a cursor goes on from a row that way
        if cursor is not None:
            newer, day, pk = cursor
            # `date__gte`/`date__lte` alone give the index (touchpoint_newest_first_idx) its range.
            if newer:  # oldest first from the row on, the page turned back afterwards
                rows = rows.filter(Q(date__gte=day), Q(date__gt=day) | Q(id__gt=pk)).reverse()
            else:
                rows = rows.filter(Q(date__lte=day), Q(date__lt=day) | Q(id__lt=pk))
        page = _page_loaded(rows, lambda ordered: ordered[: size + 1])
        more, self.page = len(page) > size, page[:size]
        if cursor is not None and cursor[0]:
            self.page.reverse()
            self.newer = more
        else:
            self.older = more
        return self.page

    def _link(self, newer: bool, row: Any) -> str | None:
        if row is None:
            return None
        token = f"{'n' if newer else 'o'}{row.date.isoformat()}.{row.pk}".encode()
        return replace_query_param(
            self.url, self.cursor_query_param, base64.urlsafe_b64encode(token).decode()
        )

    def get_paginated_response(self, data: Any) -> Response:
        first, last = (self.page[0], self.page[-1]) if self.page else (None, None)
        return Response(
            {
                "count": self.count,
                "next": self._link(False, last) if self.older else None,
                "previous": self._link(True, first) if self.newer else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: Any) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {**link, "description": "The older rows' page; null after the oldest."},
                "previous": {**link, "description": "The newer rows' page; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page goes on from: as `next` or `previous` gave it.",
                "schema": {"type": "string"},
            },
            PAGE_SIZE_PARAMETER,
        ]


def _cursor_read(text: str | None) -> tuple[bool, datetime.date, int] | None:
    """`(newer, day, id)` from `?cursor=`; a 400 naming `cursor` for one no page gave."""
    if not text:
        return None
    try:
        token = base64.urlsafe_b64decode(text.encode("ascii")).decode("ascii")
        way, day, pk = token[0], token[1:11], token[12:]
        if way not in "no" or token[11] != "." or not _WHOLE_NUMBER.fullmatch(pk):
            raise ValueError(token)
        return way == "n", datetime.date.fromisoformat(day), int(pk)
    except (ValueError, IndexError):  # not base64, not ASCII, or not the shape written
        raise ValidationError({"cursor": [CURSOR_ERROR]}) from None
