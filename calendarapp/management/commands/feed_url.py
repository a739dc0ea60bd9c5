"""Print a feed address: `manage.py feed_url USERNAME [--customer ID | --country CODE]`.

Feed tokens are stored hashed, so the address cannot be looked up: this
issues a new token, which replaces (revokes) the user's previous addresses.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from calendarapp.feeds import feeds
from calendarapp.lib import countries
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Print the https address of a user's feed (all their customers by default). "
        "This issues a new feed token: the user's previous feed addresses stop working."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--customer", type=int, metavar="ID", help="One customer's feed.")
        target.add_argument("--country", metavar="CODE", help="A country's feed, e.g. DK.")

    def handle(self, *args, username: str, customer: int | None, country: str | None, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if customer is not None and not Customer.objects.filter(pk=customer).exists():
            raise CommandError(f"--customer: there is no customer {customer}.")
        if country is not None and (error := countries.validate_country(country.upper())):
            raise CommandError(f"--country: {error}")
        token = feeds.issue_token(user)
        self.stderr.write(
            f"Issued a new feed token for {username}; older feed addresses stop working."
        )
        self.stdout.write(
            feeds.feed_url(token, "my-customers", customer_id=customer, country=country or "")
        )
