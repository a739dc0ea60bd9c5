"""Print a new API token: `manage.py create_api_token USERNAME [--name N] [--expires-days D]`.

The token is printed alone on the last line of the output: scripts read it from there.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calendarapp.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument(
            "--expires-days", type=int, help="Days until it stops working (default: never)."
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if expires_days is not None and expires_days < 1:
            raise CommandError(f"--expires-days must be at least 1, not {expires_days}.")
        expires_at = (
            timezone.now() + datetime.timedelta(days=expires_days) if expires_days else None
        )
        try:
            _, plain = api_token_create(
                user=user, name=name or "Created with manage.py", expires_at=expires_at
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(plain)
