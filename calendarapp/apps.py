from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CalendarConfig(AppConfig):
    name = "calendarapp"
    verbose_name = "Calendar"

    def ready(self) -> None:
        from calendarapp.roles import sync_roles

        # Sent for this app after every app's permissions were created (it is listed last).
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="calendarapp.sync_roles")
