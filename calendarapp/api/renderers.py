"""`?format=csv` and `?format=xlsx` for API lists: the same rows as JSON, for spreadsheets.

A list view adds `TABLE_RENDERERS` to its renderers. Each object becomes a row,
its fields the columns in the serializer's order (lists joined by "; "; an APIView
names its serializer in `table_serializer` so an empty list keeps its header); a date
field's column holds dates, so a workbook has date cells; errors keep the JSON shape
(`TableFormatsMixin`). JSON answers a page of the list; a table is the whole list, every row.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from calendarapp.api.pagination import PagePagination, Rows, page_answer
from calendarapp.lib import tables


def _rows(data: Sequence[Mapping[str, Any]], context: Any) -> list[list[Any]]:
    fields = _fields((context or {}).get("view"))
    header = list(data[0]) if data else list(fields)
    dates = {name for name, f in fields.items() if isinstance(f, serializers.DateField)}
    return [header, *([_cell(item[name], name in dates) for name in header] for item in data)]


def _fields(view: Any) -> Mapping[str, Any]:
    """The fields of the view's (table) serializer: an empty list's header, the date columns."""
    serializer = getattr(view, "table_serializer", None) or getattr(view, "serializer_class", None)
    return serializer().fields if serializer else {}


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
    media_type = "text/csv"
    format = "csv"
    charset = None  # the bytes carry their own BOM

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        _name_download(renderer_context, "csv")
        return tables.csv_bytes(_rows(data, renderer_context))


class XlsxRenderer(BaseRenderer):
    media_type = tables.XLSX_TYPE
    format = "xlsx"
    charset = None

    def render(self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None):
        _name_download(renderer_context, "xlsx")
        return tables.xlsx_bytes({"rows": _rows(data, renderer_context)})


def _name_download(context: Any, extension: str) -> None:
    response = (context or {}).get("response")
    view = (context or {}).get("view")
    if response is not None:
        name = getattr(view, "download_name", "export")
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
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

    @property
    def paginator(self) -> Any:
        """A generic list view's pager, none for a download."""
        if _table_asked(self.request):  # type: ignore[attr-defined]
            return None
        return super().paginator  # type: ignore[misc]

    def rows_answer(self, items: Rows, serializer_class: Any) -> Any:
        """A list computed in hand: a page of it in JSON, all of it as a table."""
        request = self.request  # type: ignore[attr-defined]
        if _table_asked(request):
            return Response(serializer_class(items, many=True).data)
        return page_answer(request, items, serializer_class)

    def handle_exception(self, exc: Exception) -> Any:
        response = super().handle_exception(exc)  # type: ignore[misc]
        _in_json(self.request)  # type: ignore[attr-defined]
        return response

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().options(request, *args, **kwargs)  # type: ignore[misc]
        _in_json(request)
        return response


def _table_asked(request: Any) -> bool:
    return isinstance(getattr(request, "accepted_renderer", None), CsvRenderer | XlsxRenderer)


def _in_json(request: Any) -> None:
    """Answer in JSON although `?format=` asked for a table."""
    if _table_asked(request):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
