from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CalendarConfig(AppConfig):
    name = "calendarapp"
    verbose_name = "Calendar"

    def ready(self) -> None:
        from calendarapp.occurrences.version import sync_change_triggers
        from calendarapp.roles import sync_roles

        # Sent for this app after every app's permissions were created (it is listed last).
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="calendarapp.sync_roles")
        post_migrate.connect(
            sync_change_triggers, sender=self, dispatch_uid="calendarapp.sync_change_triggers"
        )
