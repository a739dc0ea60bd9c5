from django import forms
from django.contrib import admin
from django.db import models

from traditions.admin import RecurrenceCatalogMedia, TraditionInline, country_choices

from .models import Contract, Customer, Interest


class ContractInline(admin.TabularInline):
    model = Contract
    fields = ["name", "end_date", "notice_period_days", "pre_shopping_days", "notes"]
    extra = 0
    # A full-size notes box would push the table past the page's right edge.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}
    }


class CustomerForm(forms.ModelForm):
    country = forms.ChoiceField(choices=country_choices)

    class Meta:
        model = Customer
        fields = [
            "name",
            "country",
            "subdivision",
            "timezone",
            "owner",
            "budget_close_month",
            "interests",
            "notes",
            "active",
        ]


@admin.register(Customer)
class CustomerAdmin(RecurrenceCatalogMedia, admin.ModelAdmin):
    form = CustomerForm
    list_display = ["name", "country", "subdivision", "owner", "budget_close_month", "active"]
    list_filter = ["country", "owner", "active", "traditions__kind"]
    search_fields = ["name", "notes"]
    list_select_related = ["owner"]
    autocomplete_fields = ["interests"]
    fields = [
        "name",
        ("country", "subdivision", "timezone"),
        ("owner", "budget_close_month", "active"),
        "interests",
        "notes",
    ]
    inlines = [ContractInline, TraditionInline]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    search_fields = ["name"]
