"""The customer admin: people inline for calendar admins, and the contact interval."""

import pytest
from django.urls import reverse

from customers.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(admin_client, url, **people):
    """The change form as the admin renders it (every field and inline), plus one person row."""
    context = admin_client.get(url).context
    form = context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for inline in context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        rows = 1 if prefix == "people" else 0
        data.update({f"{prefix}-TOTAL_FORMS": rows, f"{prefix}-INITIAL_FORMS": 0})
    data["contact_every_days"] = 45
    data.update(people)
    return data


def test_a_calendar_admin_adds_a_person_and_sets_the_contact_interval(admin_client):
    customer = factories.customer("Aarhus A/S", "DK")
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    page = admin_client.get(url).content.decode()
    assert "People" in page and "contact_every_days" in page
    response = admin_client.post(
        url, form_data(admin_client, url, **{"people-0-name": "Mette", "people-0-active": "on"})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    customer.refresh_from_db()
    assert customer.contact_every_days == 45
    assert Person.objects.get().name == "Mette"


def test_leaving_before_starting_is_refused_in_the_admin(admin_client):
    customer = factories.customer("Aarhus A/S", "DK")
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = admin_client.post(
        url,
        form_data(
            admin_client,
            url,
            **{
                "people-0-name": "Mette",
                "people-0-started_on": "2026-05-01",
                "people-0-left_on": "2026-04-01",
            },
        ),
    )
    assert response.status_code == 200
    assert "A person cannot leave before they started." in response.content.decode()
    assert not Person.objects.exists()
