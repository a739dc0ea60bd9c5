"""List API tokens: `manage.py api_tokens [USERNAME]`, everybody's or one user's."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calendarapp.accounts.tokens import tokens_of


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "List API tokens (id, user, name, created, expires, last used, status), newest first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", nargs="?")

    def handle(self, *args, username: str | None, **options) -> None:
        user = None
        if username is not None:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user named {username!r}.")
        listed = tokens_of(user)
        if not listed:
            self.stdout.write("No API tokens.")
            return
        self.stdout.write("id\tuser\tname\tcreated\texpires\tlast used\tstatus")
        for row in listed:
            token = row.token
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.user.get_username(),
                        row.title,
                        _when(token.created_at),
                        _when(token.expires_at) if token.expires_at else "never",
                        _when(token.last_used_at) if token.last_used_at else "never",
                        row.status,
                    ]
                )
            )
