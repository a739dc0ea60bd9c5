"""The API of .ics sources: calendar admins import a file or a URL, both roles list them.

Writes through `imports.ics.import_ics`, the function the Import page uses, so a
re-import (the same URL, or the same name, for the same customer or region)
updates that source's events in place, and refusals are the same sentences.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendarapp.api.conditional import IdempotentPostMixin
from calendarapp.api.pagination import PagePagination, page_answer
from calendarapp.imports import ics
from calendarapp.models import IcsSource, ImportKind
from customers.models import Customer

URL_SCHEMES = ("https://", "webcal://")


def masked_url(url: str) -> str:
    """A source's URL with only its scheme, host and last 4 characters: the rest may be secret."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}/…{url[-4:]}"


class IcsSourceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Scheme, host and the last 4 characters; empty for an uploaded file."
    )

    class Meta:
        model = IcsSource
        fields = [
            "id",
            "name",
            "customer",
            "country",
            "subdivision",
            "kind",
            "url",
            "last_fetched_at",
            "last_error",
        ]

    def get_url(self, source: IcsSource) -> str:
        return masked_url(source.url)


class IcsImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="An .ics file; or give `url`.")
    url = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="https:// or webcal://"
    )
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.only("id", "country", "timezone"),
        required=False,
        help_text="The customer whose events these are; or give `country`.",
    )
    country = serializers.CharField(required=False, allow_blank=True, max_length=2)
    subdivision = serializers.CharField(required=False, allow_blank=True, max_length=10)
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    name = serializers.CharField(
        required=False,
        allow_blank=True,  # a form's empty field: not given
        max_length=200,
        help_text="Default: the file's name; for a URL, the source's name it has, or for a new "
        "one the URL's host. The same name (for a file) or URL for the same customer or region "
        "again is a re-import.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload, url = attrs.get("file"), attrs.get("url", "").strip()
        if bool(upload) == bool(url):
            raise serializers.ValidationError({"file": ["Send a file, or a url, but not both."]})
        if url and not url.lower().startswith(URL_SCHEMES):
            raise serializers.ValidationError(
                {"url": ["The URL must start with https:// or webcal://."]}
            )
        if upload and upload.size > settings.ICS_IMPORT_MAX_BYTES:
            raise serializers.ValidationError({"file": [ics.too_big_message()]})
        if bool(attrs.get("customer")) == bool(attrs.get("country")):
            raise serializers.ValidationError(
                {"customer": ["Choose a customer, or a country, but not both."]}
            )
        attrs["url"] = url
        if not attrs.get("name", "").strip():
            attrs.pop("name", None)
        if upload:
            attrs.setdefault("name", upload.name)
        return attrs


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="`unreadable_property` or `no_uid`")
    text = serializers.CharField(help_text="The event and line, and what was done.")


class IcsImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The source's id.")
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    warnings = WarningSerializer(many=True)


class IcsSourceList(IdempotentPostMixin, APIView):
    """Both roles list the sources, a page at a time; calendar admins import (CalendarPermission:
    roles.py)."""

    pagination_class = PagePagination  # what the schema reads

    # A file comes as multipart; a URL alone may also come as a plain form.
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        responses=IcsSourceSerializer(many=True),
        description="The .ics sources, each URL masked to its scheme, host and last 4 characters.",
    )
    def get(self, request: Request) -> Response:
        return page_answer(request, IcsSource.objects.all(), IcsSourceSerializer)

    @extend_schema(
        request={"multipart/form-data": IcsImportSerializer},
        responses={201: IcsImportResultSerializer, 200: IcsImportResultSerializer},
        description=(
            "Calendar admins import an .ics file or URL: 201 for a new source, 200 for a "
            "re-import (the same URL, or the same name, for the same customer or region), "
            "updated in place. A file or URL it refuses is a 400 naming the field; lines it "
            "skipped and events without UID come back as warnings naming the event and line."
        ),
    )
    def post(self, request: Request) -> Response:
        return self.idempotent(request, lambda: self._import(request))

    def _import(self, request: Request) -> Response:
        form = IcsImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data.get("file")
        try:
            source, result = ics.import_ics(
                name=data.get("name", ""),
                kind=data["kind"],
                customer=data.get("customer"),
                country=data.get("country", "").upper(),
                subdivision=data.get("subdivision", "").upper(),
                url=data["url"],
                data=upload.read() if upload else None,
            )
        except ics.IcsImportError as error:
            field = error.field or ("file" if upload else "url")
            raise serializers.ValidationError({field: [str(error)]}) from None
        body = {
            "id": source.pk,
            "added": result.created,
            "updated": result.updated,
            "removed": result.deleted,
            "warnings": [{"code": w.code, "text": w.text} for w in result.warnings],
        }
        answer = status.HTTP_201_CREATED if result.new_source else status.HTTP_200_OK
        return Response(IcsImportResultSerializer(body).data, status=answer)
