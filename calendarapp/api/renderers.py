"""`?format=csv` and `?format=xlsx` for API lists: the same rows as JSON, for spreadsheets.

A list view adds `TABLE_RENDERERS` to its renderers and `TableFormatsMixin`. JSON answers a
page of the list; a table is the whole list, every row, serialized a batch at a time as it is
sent (a CSV streams). Each object becomes a row, its readable fields the columns in the
serializer's order (lists joined by "; "); a date field's column holds dates, so a workbook has
date cells; errors and OPTIONS keep the JSON shape.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.settings import api_settings

from calendarapp.api.pagination import (
    PREFETCH_BATCH,
    PagePagination,
    Rows,
    page_answer,
    paging_checked,
)
from calendarapp.lib import tables


def _cell(value: Any, is_date: bool = False) -> Any:
    """One cell per field: a list of names or ids joined by "; ", anything nested as JSON."""
    if is_date and isinstance(value, str):
        return datetime.date.fromisoformat(value)  # the API writes YYYY-MM-DD and nothing else
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return "; ".join(str(item) for item in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class CsvRenderer(BaseRenderer):
    """`?format=csv`: chosen by DRF's negotiation, written by `TableFormatsMixin`, streamed."""

    media_type = "text/csv"
    format = "csv"
    charset = None  # the bytes carry their own BOM


class XlsxRenderer(BaseRenderer):
    """`?format=xlsx`: chosen by DRF's negotiation, written by `TableFormatsMixin`."""

    media_type = tables.XLSX_TYPE
    format = "xlsx"
    charset = None


# Any other format is a 404 (DRF's content negotiation), which the schema then lists as well.
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "xlsx"],
    description="json (default: a page of the list), csv or xlsx (the whole list, every row)",
)

TABLE_RENDERERS: list[type[BaseRenderer]] = [
    *api_settings.DEFAULT_RENDERER_CLASSES,  # type: ignore[list-item]  # classes at run time
    CsvRenderer,
    XlsxRenderer,
]


class TableFormatsMixin:
    """A list that also speaks CSV and .xlsx: JSON a page of it, a table every row. Its errors
    and OPTIONS stay in the API's JSON shape: neither is a table."""

    pagination_class: Any = PagePagination  # also what the schema reads
    download_name = "export"

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """A generic list view's rows: a page of them in JSON, all of them as a table."""
        if _table_asked(request):
            queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
            return self.table_download(queryset, self.get_serializer_class())  # type: ignore[attr-defined]
        return super().list(request, *args, **kwargs)  # type: ignore[misc]

    def rows_answer(self, items: Rows, serializer_class: Any) -> Any:
        """A list computed in hand: a page of it in JSON, all of it as a table."""
        request = self.request  # type: ignore[attr-defined]
        if _table_asked(request):
            return self.table_download(items, serializer_class)
        return page_answer(request, items, serializer_class)

    def table_download(self, items: Rows, serializer_class: Any) -> Any:
        """Every row as the file asked for, serialized `PREFETCH_BATCH` rows at a time as it is
        sent (a CSV streams: `tables.streamed_download`)."""
        request = self.request  # type: ignore[attr-defined]
        paging_checked(request)
        context = {"request": request, "view": self}
        return tables.streamed_download(
            _table_rows(items, serializer_class, context),
            name=self.download_name,
            file_format=request.accepted_renderer.format,
        )

    def handle_exception(self, exc: Exception) -> Any:
        response = super().handle_exception(exc)  # type: ignore[misc]
        _in_json(self.request)  # type: ignore[attr-defined]
        return response

    def get_renderers(self) -> Any:
        renderers = super().get_renderers()  # type: ignore[misc]
        # A write answers one record, never a table: `?format=csv` there is a 404.
        method = self.request.method.lower()  # type: ignore[attr-defined]
        # (A method the view lacks keeps them, so it hears 405, not 404.)
        if method in ("post", "put", "patch", "delete") and hasattr(self, method):
            return [r for r in renderers if not isinstance(r, CsvRenderer | XlsxRenderer)]
        return renderers

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().options(request, *args, **kwargs)  # type: ignore[misc]
        _in_json(request)
        return response


def _table_rows(items: Rows, serializer_class: Any, context: dict[str, Any]) -> Iterator[list[Any]]:
    """The header (the first row's fields), then each row's cells, a batch at a time."""
    fields = serializer_class(context=context).fields
    dates = {name for name, f in fields.items() if isinstance(f, serializers.DateField)}
    header: list[str] | None = None
    # A queryset is read in batches, each with its prefetches (Django's `iterator(chunk_size)`).
    rows = items.iterator(PREFETCH_BATCH) if isinstance(items, QuerySet) else iter(items)
    while batch := list(itertools.islice(rows, PREFETCH_BATCH)):
        for item in serializer_class(batch, many=True, context=context).data:
            if header is None:
                header = list(item)
                yield header
            yield [_cell(item[name], name in dates) for name in header]
    if header is None:  # no rows: the columns they would have
        yield [name for name, field in fields.items() if not field.write_only]


def _table_asked(request: Any) -> bool:
    return isinstance(getattr(request, "accepted_renderer", None), CsvRenderer | XlsxRenderer)


def _in_json(request: Any) -> None:
    """Answer in JSON although `?format=` asked for a table."""
    if _table_asked(request):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
