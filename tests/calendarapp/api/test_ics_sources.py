"""The .ics sources API: calendar admins import a file or URL, both roles list them masked."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from calendarapp.imports import ics
from calendarapp.models import IcsSource, ImportedEvent
from tests import factories
from tests.calendarapp.imports.support import PICNIC, SUMMIT
from tests.calendarapp.imports.support import ics as ics_file

PATH = "/api/ics-sources"


@pytest.fixture
def acme(clock, db):
    return factories.customer("Acme A/S", "DK")


def upload(data: bytes, name: str = "acme.ics") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/calendar")


def test_an_admin_imports_a_file_then_reimports_it_in_place(admin_client, acme):
    first = admin_client.post(
        PATH, {"file": upload(ics_file(SUMMIT)), "customer": acme.pk, "kind": "customer_event"}
    )
    assert first.status_code == 201, first.json()
    source = IcsSource.objects.get()
    assert first.json() == {"id": source.pk, "added": 1, "updated": 0, "removed": 0, "warnings": []}
    assert source.name == "acme.ics"  # the file's name, as no name was sent
    again = admin_client.post(
        PATH, {"file": upload(ics_file(PICNIC)), "customer": acme.pk, "kind": "customer_event"}
    )
    assert again.status_code == 200
    assert again.json() == {"id": source.pk, "added": 1, "updated": 0, "removed": 1, "warnings": []}
    assert IcsSource.objects.count() == 1


def test_warnings_name_the_event_and_line(admin_client, acme):
    odd = 'UID:talk\r\nDTSTART;VALUE=DATE:20261111\r\nSUMMARY:Talk\r\nLOCATION;X-LABEL=a"b:Hall'
    response = admin_client.post(
        PATH,
        {"file": upload(ics_file(odd)), "country": "dk", "kind": "vacation", "name": "DK talks"},
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        {
            "code": "unreadable_property",
            "text": "Event 1 at line 4 (“Talk”): line 8 could not be read and was skipped "
            "(LOCATION).",
        }
    ]
    assert IcsSource.objects.get().country == "DK"


def test_a_webcal_url_is_imported_and_listed_masked(
    admin_client, sales_manager, acme, settings, monkeypatch
):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = ["calendar.example.com"]  # no DNS needed
    fetched: list[str] = []
    monkeypatch.setattr(ics, "fetch", lambda url: fetched.append(url) or ics_file(SUMMIT, PICNIC))
    url = "webcal://calendar.example.com/private/secret-token/basic.ics"
    response = admin_client.post(
        PATH, {"url": url, "customer": acme.pk, "kind": "customer_event", "name": "Acme"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["added"] == 2
    assert fetched == ["https://calendar.example.com/private/secret-token/basic.ics"]
    sales_client = Client()
    sales_client.force_login(sales_manager)
    listed = sales_client.get(PATH)
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert row == {
        "id": IcsSource.objects.get().pk,
        "name": "Acme",
        "customer": acme.pk,
        "country": "",
        "subdivision": "",
        "kind": "customer_event",
        "url": "https://calendar.example.com/….ics",
        "last_fetched_at": row["last_fetched_at"],
        "last_error": "",
    }
    assert row["last_fetched_at"] and "secret" not in listed.content.decode()
    again = admin_client.post(PATH, {"url": url, "customer": acme.pk, "kind": "customer_event"})
    assert again.status_code == 200 and again.json()["added"] == 0
    assert IcsSource.objects.get().name == "Acme"  # sent without a name: kept
    other = admin_client.post(
        PATH, {"url": "https://calendar.example.com/b.ics", "country": "DK", "kind": "vacation"}
    )
    assert other.status_code == 201
    assert IcsSource.objects.get(pk=other.json()["id"]).name == "calendar.example.com"


def test_sales_managers_may_list_but_not_import(sales_client, acme):
    response = sales_client.post(
        PATH, {"file": upload(ics_file(SUMMIT)), "customer": acme.pk, "kind": "customer_event"}
    )
    assert response.status_code == 403
    assert response.json() == {"errors": {"detail": ["Your role may not change this."]}}
    assert not ImportedEvent.objects.exists()
    assert sales_client.get(PATH).status_code == 200


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"file": b"not a calendar"}, "file", "not a valid iCalendar file"),
        (
            {
                "file": ics_file(
                    "UID:x\r\nDTSTART;VALUE=DATE:20260217\r\nRRULE:RSCALE=CHINESE;FREQ=YEARLY"
                )
            },
            "file",
            "cannot expand. Export the event",
        ),
        ({"url": "http://example.com/x.ics"}, "url", "https:// or webcal://"),
        ({"url": "ftp://example.com/x.ics"}, "url", "https:// or webcal://"),
        ({}, "file", "a file, or a url"),
        ({"file": ics_file(SUMMIT), "kind": "busy_season"}, "kind", "not a valid choice"),
        (
            {"file": ics_file(SUMMIT), "customer": None},
            "customer",
            "Choose a customer, or a country",
        ),
        ({"file": ics_file(SUMMIT), "customer": None, "country": "XX"}, "country", "XX"),
    ],
)
def test_a_refused_import_is_a_400_naming_the_field(admin_client, acme, fields, field, message):
    body = {"customer": acme.pk, "kind": "customer_event"} | fields
    if "file" in body:
        body["file"] = upload(body["file"])
    body = {key: value for key, value in body.items() if value is not None}
    response = admin_client.post(PATH, body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field] and message in errors[field][0], errors
    assert not IcsSource.objects.exists()


def test_the_schema_documents_the_endpoint(sales_client):
    schema = yaml.safe_load(sales_client.get("/api/schema").content)
    operations = schema["paths"]["/api/ics-sources"]
    assert set(operations["post"]["responses"]) >= {"200", "201", "400", "403"}
    assert "multipart/form-data" in operations["post"]["requestBody"]["content"]
    assert "get" in operations


def test_without_a_login_or_a_role_the_api_says_so(client, nobody):
    assert client.get(PATH).status_code == 401
    client.force_login(nobody)
    assert client.get(PATH).status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_queries_for_any_number_of_sources(
    admin_client, count, django_assert_num_queries
):
    for n in range(count):
        IcsSource.objects.create(name=f"S{n}", country="DK", kind="vacation")
    # The session, its user, the user's permissions (two), the count and a page of sources.
    with django_assert_num_queries(6):
        assert len(admin_client.get(PATH).json()["results"]) == count
