from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "calendarapp"
    verbose_name = "Calendar"
