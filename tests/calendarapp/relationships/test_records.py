"""One contract over every record type in RECORDS, as python-holidays tests every country."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.urls import reverse

from calendarapp import roles
from calendarapp.relationships.records import RECORDS, Record
from customers.models import Customer, Interest
from tests import factories

D = datetime.date

# The least each record type needs to be saved by its write function.
MINIMAL = {
    "person": {"name": "Ada Berg"},
    "touchpoint": {"date": D(2026, 3, 2), "channel": "phone"},
    "factor": {"name": "Price", "weight": 3},
    "step": {"title": "Board approval", "date": D(2026, 4, 1)},
    "competitor": {"name": "Rival Inc", "noted_on": D(2026, 3, 2)},
    "contract": {"name": "Support", "end_date": D(2027, 3, 31)},
    "interest": {"interest": "cloud", "noted_on": D(2026, 3, 2)},
    "strategy": {"title": "Move to the cloud", "noted_on": D(2026, 3, 2)},
    "tradition": {
        "kind": "busy_season",
        "title": "Christmas rush",
        "start": D(2026, 11, 15),
        "end": D(2026, 12, 31),
    },
}


def test_every_record_type_is_declared_once_with_its_minimal_fields_here():
    assert set(MINIMAL) == set(RECORDS)
    assert all(key == record.key for key, record in RECORDS.items())
    assert len({record.model for record in RECORDS.values()}) == len(RECORDS)
    for record in RECORDS.values():
        assert set(MINIMAL[record.key]) <= set(record.fields), record.key


@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS)
def test_every_record_hangs_on_a_customer_and_is_changed_by_its_models_own_permission(
    record: Record,
):
    field = record.model._meta.get_field(record.customer_path)
    assert isinstance(field, models.ForeignKey) and field.related_model is Customer
    opts = record.model._meta
    assert record.permission == f"{opts.app_label}.change_{opts.model_name}"
    assert record.anchor.startswith("#")


@pytest.mark.django_db
def test_both_roles_hold_every_record_types_permission():
    # Sales managers for their own customers (can_change_record), calendar admins for all.
    for group_name in (roles.SALES_MANAGERS, roles.CALENDAR_ADMINS):
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=group_name).permissions.select_related("content_type")
        }
        for record in RECORDS.values():
            assert record.permission in held, (group_name, record.key)


@pytest.mark.django_db
@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS)
def test_every_record_is_saved_updated_and_deleted_through_its_declaration(
    record: Record, sales_manager
):
    customer = factories.customer(owner=sales_manager)
    saved = record.save_record(None, customer=customer, **MINIMAL[record.key])
    assert record.customer_of(saved) == customer
    loaded = record.objects().get(pk=saved.pk)
    assert record.label(loaded)
    again = record.save_record(loaded, customer=customer, **MINIMAL[record.key])
    assert again.pk == saved.pk
    assert record.model._default_manager.count() == 1
    with pytest.raises(TypeError):
        record.save_record(None, customer=customer, unheard_of=1, **MINIMAL[record.key])
    record.delete_record(again)
    assert not record.model._default_manager.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("record", RECORDS.values(), ids=RECORDS)
def test_the_owner_and_calendar_admins_may_change_a_record_and_other_sales_managers_not(
    record: Record, sales_manager, calendar_admin
):
    customer = factories.customer(owner=sales_manager)
    colleague = factories.user("mette", roles.SALES_MANAGERS)
    assert record.may_change(sales_manager, customer)
    assert record.may_change(calendar_admin, customer)
    assert not record.may_change(colleague, customer)
    # The permission is asked too: an owner without it (outside both roles) may not.
    stranger = factories.user("outsider")
    assert not record.may_change(stranger, factories.customer("Theirs", owner=stranger))


@pytest.mark.django_db
def test_a_sales_manager_without_a_record_types_permission_may_not_change_it(sales_manager):
    customer = factories.customer(owner=sales_manager)
    Group.objects.get(name=roles.SALES_MANAGERS).permissions.remove(
        Permission.objects.get(codename="change_competitor")
    )
    sales_manager = type(sales_manager).objects.get(pk=sales_manager.pk)  # a fresh perm cache
    assert not RECORDS["competitor"].may_change(sales_manager, customer)
    assert RECORDS["factor"].may_change(sales_manager, customer)


@pytest.mark.django_db
def test_every_record_types_section_is_on_the_customer_page(sales_client, sales_manager):
    customer = factories.customer(owner=sales_manager)
    Interest.objects.create(name="cloud")
    html = sales_client.get(reverse("customer-detail", args=[customer.pk])).content.decode()
    for record in RECORDS.values():
        assert f'id="{record.anchor[1:]}"' in html, record.key
