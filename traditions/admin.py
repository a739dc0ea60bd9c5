from django.contrib import admin

from .models import LocalTradition, Tradition


class RecurrenceCatalogMedia:
    """Load the JavaScript translation catalog django-recurrence's widget calls into."""

    class Media:
        js = ["/jsi18n/"]


class TraditionInline(admin.StackedInline):
    model = Tradition
    fields = [("kind", "title"), ("start", "end", "lead_time_days"), "recurrence", "notes"]
    extra = 0


@admin.register(LocalTradition)
class LocalTraditionAdmin(RecurrenceCatalogMedia, admin.ModelAdmin):
    list_display = ["title", "country", "subdivision", "kind", "start", "end", "lead_time_days"]
    list_filter = ["country", "kind"]
    search_fields = ["title", "country"]
    fields = [
        ("country", "subdivision"),
        ("kind", "title"),
        ("start", "end", "lead_time_days"),
        "recurrence",
        "notes",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(customer__isnull=True)
