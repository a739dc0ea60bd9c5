"""`?format=csv` and `?format=xlsx` for API lists: the same rows as JSON, for spreadsheets.

A list view adds `TABLE_RENDERERS` to its renderers. Each object becomes a row,
its fields the columns in the serializer's order (lists joined by "; "; an APIView
names its serializer in `table_serializer` so an empty list keeps its header); a date
field's column holds dates, so a workbook has date cells; errors keep the JSON shape
(`TableFormatsMixin`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.settings import api_settings

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


# Any other format is a 404 (DRF's content negotiation), which the schema then lists as well.
FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=["json", "csv", "xlsx"], description="json (default), csv or xlsx"
)

TABLE_RENDERERS: list[type[BaseRenderer]] = [
    *api_settings.DEFAULT_RENDERER_CLASSES,  # type: ignore[list-item]  # classes at run time
    CsvRenderer,
    XlsxRenderer,
]


class TableFormatsMixin:
    """Errors and OPTIONS of a view that also speaks CSV and .xlsx stay in the API's JSON shape:
    neither is a table."""

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


def _in_json(request: Any) -> None:
    """Answer in JSON although `?format=` asked for a table."""
    if isinstance(getattr(request, "accepted_renderer", None), CsvRenderer | XlsxRenderer):
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
