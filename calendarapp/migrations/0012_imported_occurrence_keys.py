"""Occurrences of recurring imported events are keyed by their RECURRENCE-ID, not their day.

Rows were keyed `UID/YYYY-MM-DD`, the day the occurrence started on, so two
occurrences on one day shared a key and one was lost. They are now keyed
`UID/<RECURRENCE-ID>` as iCalendar writes it: `UID/20261012` for a date,
`UID/20261012T080000Z` for a time. This moves every row to `UID/YYYYMMDD`,
which is already its new key for the occurrences of all-day events (nearly
all imported events). The stored rows do not hold an occurrence's time or
whether it was moved, so for those the next import completes the move: the
occurrence starting on that day takes the row over (`ics.sync_events`), so
the row keeps its id, and with it the feed UID and done and snoozed marks.
"""

import re

from django.db import migrations

DAY_KEY = re.compile(r"^(?P<uid>.+)/(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")
COMPACT_KEY = re.compile(r"^(?P<uid>.+)/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def _rekey(apps, pattern, template):
    ImportedEvent = apps.get_model("calendarapp", "ImportedEvent")
    changed = []
    for row in ImportedEvent.objects.only("id", "uid").iterator(chunk_size=2000):
        if match := pattern.match(row.uid):
            row.uid = template.format(**match.groupdict())
            changed.append(row)
    ImportedEvent.objects.bulk_update(changed, ["uid"], batch_size=1000)


def forward(apps, schema_editor):
    _rekey(apps, DAY_KEY, "{uid}/{y}{m}{d}")


def backward(apps, schema_editor):
    # Only the date keys go back; a timed occurrence's key is left for the old code to replace.
    _rekey(apps, COMPACT_KEY, "{uid}/{y}-{m}-{d}")


class Migration(migrations.Migration):
    dependencies = [("calendarapp", "0011_plan_offers")]

    operations = [migrations.RunPython(forward, backward)]
