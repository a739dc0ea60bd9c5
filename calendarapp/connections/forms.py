"""The form of a calendar connection on "Your calendars": guarded like every record form (its
version and one-time token), and never showing a secret: the address masked, no password."""

from __future__ import annotations

from typing import Any

from django import forms

from calendarapp.connections.reading import mask_url
from calendarapp.connections.services import URL_MAX
from calendarapp.lib.forms import RecordForm
from calendarapp.models import CalendarConnection


class CalendarConnectionForm(RecordForm, forms.Form):
    name = forms.CharField(
        max_length=100, label="Name", help_text="Yours to tell them apart, e.g. Work calendar."
    )
    url = forms.CharField(
        max_length=URL_MAX,
        label="Calendar address",
        help_text="The secret iCal address of your own calendar (Google: Settings › your calendar"
        " › Secret address in iCal format; Outlook: Publish a calendar › ICS; Apple: Public "
        "calendar), or a CalDAV calendar's address (Fastmail, Nextcloud, iCloud). Kept "
        "encrypted and shown again only in part.",
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    username = forms.CharField(
        max_length=200,
        required=False,
        label="Username (CalDAV only)",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        max_length=500,
        required=False,
        strip=False,
        label="App password (CalDAV only)",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    metadata_only = forms.BooleanField(
        required=False,
        label="Log only the date, people and channel of a meeting, not its title",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.edits:
            self.fields[
                "url"
            ].help_text = "Shown masked: leave it as it is to keep the address, or paste a new one."
            self.fields["password"].help_text = "Leave empty to keep the saved one."

    def initial_of(self, row: CalendarConnection) -> dict[str, Any]:
        # The secrets are never sent to the browser: the address masked, the password empty.
        return {
            "name": row.name,
            "url": mask_url(row.url) if row.url else "",
            "username": row.username,
            "password": "",
            "metadata_only": row.metadata_only,
        }

    def fields_to_save(self) -> dict[str, Any]:
        """What a save writes: everything for a new connection, the fields changed for an edit
        (an empty password keeps the saved one)."""
        fields = dict(self.changed_fields() if self.edits else self.cleaned_data)
        if self.edits and not fields.get("password"):
            fields.pop("password", None)
        return fields
