"""Revoke an API token: `manage.py revoke_api_token ID` (ids from `manage.py api_tokens`)."""

from django.core.management.base import BaseCommand, CommandError

from calendarapp.accounts.tokens import api_token_revoke
from calendarapp.models import ApiToken


class Command(BaseCommand):
    help = "Revoke an API token; the API refuses it from now on."

    def add_arguments(self, parser) -> None:
        parser.add_argument("id", type=int)

    def handle(self, *args, id: int, **options) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=id).first()
        if token is None:
            raise CommandError(f"No API token has the id {id}.")
        described = f"API token {id} ({token.name or 'no name'}) of {token.user.get_username()}"
        if api_token_revoke(token=token):
            self.stdout.write(f"Revoked {described}.")
        else:
            self.stdout.write(f"{described} was already revoked.")
