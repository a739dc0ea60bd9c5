"""Print a new feed address: `manage.py feed_url USERNAME [--customer ID | --country CODE]`.

Each address is its own subscription with its own secret (stored hashed, so
it cannot be looked up again): this adds one and leaves the user's other
feed addresses working.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from calendarapp.feeds import subscriptions
from calendarapp.kinds import ALL_KINDS
from calendarapp.models import FeedKind
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Add a feed subscription for a user and print its https address (all their customers "
        "by default). The user's other feed addresses keep working."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--customer", type=int, metavar="ID", help="One customer's feed.")
        target.add_argument("--country", metavar="CODE", help="A country's feed, e.g. DK.")
        parser.add_argument(
            "--kinds",
            default="",
            help=f"Only these kinds, comma-separated, from: {', '.join(ALL_KINDS)}.",
        )
        parser.add_argument("--name", default="", help="A name to recognise it by.")

    def handle(
        self,
        *args,
        username: str,
        customer: int | None,
        country: str | None,
        kinds: str,
        name: str,
        **options,
    ):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        found = None
        if customer is not None:
            found = Customer.objects.filter(pk=customer).first()
            if found is None:
                raise CommandError(f"--customer: there is no customer {customer}.")
        feed = (
            FeedKind.CUSTOMER if found else FeedKind.COUNTRY if country else FeedKind.MY_CUSTOMERS
        )
        try:
            subscription, token = subscriptions.subscription_add(
                user=user,
                feed=feed,
                customer=found,
                country=country or "",
                kinds=[kind.strip() for kind in kinds.split(",") if kind.strip()],
                name=name,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"--{field}: {' '.join(m)}" for field, m in error.message_dict.items()
            )
            raise CommandError(problems) from None
        self.stderr.write(
            f"Added the feed “{subscription.name}” for {username}; their other feed addresses "
            "keep working."
        )
        self.stdout.write(subscriptions.links_of(subscription, token).https_url)
