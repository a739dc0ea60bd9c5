from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.db import models
from django.http import HttpRequest

from calendarapp.lib.admin import ChangedFieldsAdmin, ChangedFieldsModelForm, changed_names
from calendarapp.lib.forms import EmailDomainsField
from traditions.admin import RecurrenceCatalogMedia, TraditionInline, country_choices

from .facts import customer_facts_save
from .models import (
    CUSTOMER_FIELDS,
    Contract,
    Customer,
    CustomerInterest,
    Interest,
    Person,
    Strategy,
)


class CustomerRecordInline(admin.TabularInline):
    """A record kept about the customer, changed here only by those who may change the customer
    (calendar admins): a sales manager's record permissions are for their own customers, which
    the admin cannot tell apart, so they edit those on the site."""

    form = ChangedFieldsModelForm

    def _may_change_customer(self, request: HttpRequest) -> bool:
        opts = Customer._meta
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change_customer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change_customer(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change_customer(request)


class ContractInline(CustomerRecordInline):
    model = Contract
    fields = ["name", "end_date", "notice_period_days", "pre_shopping_days", "notes"]
    extra = 0
    # A full-size notes box would push the table past the page's right edge.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}
    }


class PersonInline(CustomerRecordInline):
    """People at the customer; account owners edit theirs on the site and through the API."""

    model = Person
    fk_name = "customer"
    fields = [
        "name",
        "job_title",
        "email",
        "phone",
        "reports_to",
        "active",
        "started_on",
        "left_on",
    ]
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Reports to: only people of this customer (the model refuses others anyway).
        if db_field.name == "reports_to" and request.resolver_match is not None:
            customer_id = request.resolver_match.kwargs.get("object_id") or 0
            kwargs["queryset"] = Person.objects.filter(customer_id=customer_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CustomerInterestInline(CustomerRecordInline):
    """Interests as evidence: when and how strongly we learned them (the model checks the dates)."""

    model = CustomerInterest
    fields = ["interest", "strength", "noted_on", "confirmed_on", "no_longer_on"]
    autocomplete_fields = ["interest"]
    extra = 0


class StrategyInline(CustomerRecordInline):
    """What the customer plans to change; the stage first saved stays (“we came in late”)."""

    model = Strategy
    fields = ["title", "noted_on", "stage", "how_we_help"]
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}
    }


class CustomerTraditionInline(CustomerRecordInline, TraditionInline):
    """The customer's own traditions; account owners keep theirs on the site."""

    form = TraditionInline.form  # its week and confirmation fields, not the plain record form


class CustomerForm(ChangedFieldsModelForm):
    country = forms.ChoiceField(choices=country_choices)
    email_domains = EmailDomainsField()

    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)


@admin.register(Customer)
class CustomerAdmin(RecurrenceCatalogMedia, ChangedFieldsAdmin):
    form = CustomerForm
    list_display = ["name", "country", "subdivision", "owner", "budget_close_month", "active"]
    list_filter = ["country", "owner", "active", "traditions__kind"]
    search_fields = ["name", "notes"]
    list_select_related = ["owner"]
    fields = [
        "name",
        ("country", "subdivision", "timezone"),
        ("owner", "budget_close_month", "active"),
        "contact_every_days",
        ("strategy_weeks_before_start", "strategy_weeks_before_end"),
        "email_domains",
        "notes",
    ]
    inlines = [
        ContractInline,
        CustomerInterestInline,
        StrategyInline,
        PersonInline,
        CustomerTraditionInline,
    ]

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        # A new customer is saved as the form filled it; an edit writes only the fields changed
        # on the form, so someone else's change of another field meanwhile stays.
        changed = {name: form.cleaned_data[name] for name in changed_names(form)} if change else {}
        customer_facts_save(customer=obj, by=request.user, **changed)  # type: ignore[arg-type]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    search_fields = ["name"]
