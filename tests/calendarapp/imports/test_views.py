"""The import page: admins upload a file or subscribe a URL; errors are shown on the field."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from calendarapp.models import IcsSource, ImportedEvent
from tests import factories
from tests.calendarapp.imports.support import PICNIC, SUMMIT, ics

PAGE = "/feeds/import/"


@pytest.fixture
def acme(db):
    return factories.customer("Acme A/S", "DK")


def upload(data: bytes, name: str = "acme.ics") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/calendar")


def form(**fields) -> dict:
    return {"name": "Acme events", "kind": "customer_event"} | fields


def test_only_calendar_admins_may_import(sales_client):
    assert sales_client.get(PAGE).status_code == 403


def test_an_upload_imports_and_lists_the_source(admin_client, acme):
    response = admin_client.post(
        PAGE, form(customer=acme.pk, file=upload(ics(SUMMIT, PICNIC))), follow=True
    )
    page = response.content.decode()
    assert "Imported “Acme events”: 2 added, 0 updated, 0 removed." in page
    assert ImportedEvent.objects.filter(source__customer=acme).count() == 2
    assert "uploaded file" in page


def test_uploading_the_same_file_again_updates_in_place(admin_client, acme):
    admin_client.post(PAGE, form(customer=acme.pk, file=upload(ics(SUMMIT, PICNIC))))
    response = admin_client.post(
        PAGE, form(customer=acme.pk, file=upload(ics(SUMMIT, PICNIC))), follow=True
    )
    assert "Imported “Acme events”: 0 added, 0 updated, 0 removed." in response.content.decode()
    assert IcsSource.objects.count() == 1
    assert ImportedEvent.objects.count() == 2


def test_a_url_import_can_be_refreshed_and_removed(admin_client, acme, site):
    url = site.put("/acme.ics", ics(SUMMIT))
    admin_client.post(PAGE, form(customer=acme.pk, url=url))
    source = IcsSource.objects.get()
    site.put("/acme.ics", ics(SUMMIT, PICNIC))
    page = admin_client.post(f"{PAGE}{source.pk}/refresh", follow=True).content.decode()
    assert "Refreshed “Acme events”: 1 added, 0 updated, 0 removed." in page
    site.put("/acme.ics", b"", status=404)
    page = admin_client.post(f"{PAGE}{source.pk}/refresh", follow=True).content.decode()
    assert "was not refreshed: The server answered 404" in page
    assert source.events.count() == 2
    admin_client.post(f"{PAGE}{source.pk}/delete")
    assert not IcsSource.objects.exists() and not ImportedEvent.objects.exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({}, "file", "Upload a file, or give a URL, but not both."),
        ({"country": "DK"}, "customer", "Choose a customer, or a country, but not both."),
        ({"file": b"not a calendar"}, "file", "The file is not a valid iCalendar file"),
        ({"file": ics("UID:x\r\nSUMMARY:Nope")}, "file", "has no DTSTART"),
        ({"url": "http://10.0.0.1/x.ics"}, "url", "private or local address"),
        ({"url": "ftp://example.com/x.ics"}, "url", "must start with https://"),
        (
            {"customer": "", "country": "DE", "subdivision": "zz", "file": ics(SUMMIT)},
            "subdivision",
            "“ZZ” is not a subdivision of DE",
        ),
    ],
)
def test_errors_are_shown_on_the_field_and_nothing_is_saved(
    admin_client, acme, settings, fields, field, message
):
    settings.ICS_IMPORT_ALLOW_PRIVATE_HOSTS = []
    if "file" in fields:
        fields["file"] = upload(fields["file"])
    response = admin_client.post(PAGE, form(**({"customer": acme.pk} | fields)))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert message.split("“")[0] in response.content.decode()
    assert not IcsSource.objects.exists() and not ImportedEvent.objects.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin_client, acme, settings):
    settings.ICS_IMPORT_MAX_BYTES = 1024 * 1024
    big = upload(ics(SUMMIT) + b" " * 1024 * 1024)
    response = admin_client.post(PAGE, form(customer=acme.pk, file=big))
    assert "larger than the limit of 1 MB" in response.content.decode()
    assert not IcsSource.objects.exists()


def test_an_import_with_a_skipped_line_shows_the_warning(admin_client, acme):
    odd = 'UID:talk\r\nDTSTART;VALUE=DATE:20261111\r\nSUMMARY:Talk\r\nLOCATION;X-LABEL=a"b:Hall'
    page = admin_client.post(
        PAGE, form(customer=acme.pk, file=upload(ics(odd))), follow=True
    ).content.decode()
    assert "Imported “Acme events”: 1 added, 0 updated, 0 removed." in page
    assert (
        "Event 1 at line 4 (“Talk”): line 8 could not be read and was skipped (LOCATION)." in page
    )


def test_a_refresh_with_a_skipped_line_shows_the_warning(admin_client, acme, site):
    url = site.put("/acme.ics", ics(SUMMIT))
    admin_client.post(PAGE, form(customer=acme.pk, url=url))
    source = IcsSource.objects.get()
    odd = 'UID:talk\r\nDTSTART;VALUE=DATE:20261111\r\nSUMMARY:Talk\r\nLOCATION;X-LABEL=a"b:Hall'
    site.put("/acme.ics", ics(SUMMIT, odd))
    page = admin_client.post(f"{PAGE}{source.pk}/refresh", follow=True).content.decode()
    assert "Refreshed “Acme events”: 1 added, 0 updated, 0 removed." in page
    assert "Event 2 at line 10 (“Talk”): line 14 could not be read and was skipped" in page
