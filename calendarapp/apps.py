from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CalendarConfig(AppConfig):
    name = "calendarapp"
    verbose_name = "Calendar"

    def ready(self) -> None:
        from calendarapp.models import PlanKind
        from calendarapp.occurrences.sources import touches
        from calendarapp.occurrences.version import sync_change_triggers
        from calendarapp.planning.rules import RulesFor
        from calendarapp.roles import sync_roles
        from calendarapp.timeline import layout

        # The stream may not import a feature: the touches source gets the conflict check's
        # rules for a meeting from here, so both read one table.
        touches.use_meeting_rules(RulesFor(PlanKind.MEETING))
        # The timeline marks our plans that a customer's calendar blocks, by the same table.
        layout.use_plan_rules({kind: RulesFor(kind) for kind in PlanKind.values})

        # Sent for this app after every app's permissions were created (it is listed last).
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="calendarapp.sync_roles")
        post_migrate.connect(
            sync_change_triggers, sender=self, dispatch_uid="calendarapp.sync_change_triggers"
        )
